"""Issuer pages on screen and in the API: the assurance label in place of "Unsupported", the
ranking policy toggle (admins only, audited) and what the explanation says either way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import AuditEntry, Credential, Organization, User
from app.services import candidates as candidate_service
from app.services import intake
from app.verification.issuer_pages import ASSURANCE_LABEL
from app.web.api.verify import FETCHER_FACTORY
from jobs import worker
from tests.conftest import AuthActions, make_settings
from tests.support import issuer_pages as pages
from tests.support.api import bearer, token
from tests.support.provider_hosts import ProviderHosts
from tests.support.ranking_builders import build_role, skill

PATH = "/account/accomplishments/verify/ABCD1234EFGH"
URL = f"https://www.coursera.org{PATH}"
HTML = {"content-type": "text/html; charset=utf-8"}


@pytest.fixture
def coursera(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProviderHosts]:
    with ProviderHosts(tmp_path, "www.coursera.org") as hosts:
        hosts.route("www.coursera.org", PATH, body=pages.coursera("Ada Lovelace"), headers=HTML)
        hosts.install(monkeypatch)
        yield hosts


@pytest.fixture
def page_credential(org: Organization, coursera: ProviderHosts, database_url: str) -> Credential:
    candidate = candidate_service.create(org, "Ada Lovelace", [])
    (credential,) = intake.add_urls(candidate, [URL])
    assert worker.drain(make_settings(database_url, allow_private_hosts="127.0.0.1")) == 1
    return Credential.get_by_id(credential.id)


def test_the_credential_and_candidate_pages_show_the_assurance_label_not_unsupported(
    client: FlaskClient, auth: AuthActions, recruiter: User, page_credential: Credential
) -> None:
    auth.login(recruiter.email)
    shown = client.get(f"/credentials/{page_credential.id}").text
    assert ASSURANCE_LABEL in shown
    assert "Unsupported format" not in shown
    assert "an issuer&#39;s certificate page, not a verifiable credential" in shown
    listed = client.get(f"/candidates/{page_credential.candidate_id}").text
    assert ASSURANCE_LABEL in listed and "Unsupported format" not in listed


def test_the_api_carries_the_assurance_label(
    client: FlaskClient, org: Organization, page_credential: Credential
) -> None:
    body = client.get(
        f"/api/v1/credentials/{page_credential.id}", headers=bearer(token(org, "read"))
    ).get_json()
    assert body["verdict"] == "unsupported" and body["format"] == "issuer-page"
    assert body["assurance"] == ASSURANCE_LABEL
    assert body["checks"][0]["id"] == "issuer-page"


def test_only_admins_see_and_change_the_ranking_policy(
    client: FlaskClient, auth: AuthActions, recruiter: User
) -> None:
    auth.login(recruiter.email)
    assert client.get("/settings/ranking").status_code == 403
    assert client.post("/settings/ranking", data={"count_issuer_pages": "1"}).status_code == 403
    assert Organization.get_by_id(recruiter.organization_id).count_issuer_pages is False


def test_an_admin_turns_the_policy_on_and_off_audited(
    client: FlaskClient, auth: AuthActions, admin: User
) -> None:
    auth.login(admin.email)
    page = client.get("/settings/ranking").text
    assert "Count issuer pages in rankings" in page and "checked" not in page
    response = client.post(
        "/settings/ranking", data={"count_issuer_pages": "1"}, headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith('<section id="ranking-panel"')
    assert "Saved: issuer pages count in rankings at 50% of a verified credential" in response.text
    assert Organization.get_by_id(admin.organization_id).count_issuer_pages is True
    off = client.post("/settings/ranking", data={})
    assert off.status_code == 303
    assert Organization.get_by_id(admin.organization_id).count_issuer_pages is False
    actions = AuditEntry.select().where(AuditEntry.action == "ranking.issuer_pages_set")
    assert [entry.detail for entry in actions.order_by(AuditEntry.id)] == [
        "counted at 50%",
        "not counted",
    ]


def test_the_explanation_lists_the_page_as_not_counted_then_counts_it_at_half(
    client: FlaskClient, auth: AuthActions, admin: User, page_credential: Credential
) -> None:
    role = build_role(admin.organization, "ML engineer", required=[skill("machine learning")])
    auth.login(admin.email)
    explain = f"/roles/{role.id}/candidates/{page_credential.candidate_id}"
    before = client.get(explain).text
    assert "Not counted: issuer page (policy):" in before
    assert "0.0 of 100" in before
    client.post("/settings/ranking", data={"count_issuer_pages": "1"})
    after = client.get(explain).text
    assert "Not counted: issuer page (policy)" not in after
    assert f"{ASSURANCE_LABEL}: counted at 50% by your organisation" in after
    assert "issuer page 0.50" in after
    assert "35.0 of 100" in after  # 0.5 x the unknown issuer's 0.7 trust


def test_the_candidate_report_shows_the_label_and_the_worklist_does_not_call_it_no_badge(
    client: FlaskClient, auth: AuthActions, recruiter: User, page_credential: Credential
) -> None:
    auth.login(recruiter.email)
    report = client.get(f"/candidates/{page_credential.candidate_id}/report").text
    assert ASSURANCE_LABEL in report and "Unsupported format" not in report
    dashboard = client.get("/").text
    assert "Machine Learning” cannot be checked" not in dashboard


def test_the_api_verifies_a_certificate_page_now_against_the_names_given(
    app: Flask, client: FlaskClient, org: Organization, coursera: ProviderHosts
) -> None:
    app.extensions[FETCHER_FACTORY] = lambda settings: coursera.fetcher()
    headers = bearer(token(org, "write"))
    body = client.post(
        "/api/v1/verify", json={"url": URL, "names": ["Grace Hopper"]}, headers=headers
    ).get_json()
    assert body["verdict"] == "recipient_mismatch" and body["format"] == "issuer-page"
    body = client.post(
        "/api/v1/verify", json={"url": URL, "names": ["ADA lovelace"]}, headers=headers
    ).get_json()
    assert body["verdict"] == "unsupported" and body["recipient"] == "matched"
    refused = client.post(
        "/api/v1/verify", json={"url": URL, "names": ["x" * 201]}, headers=headers
    )
    assert refused.status_code == 422
    assert "names" in refused.get_json()["error"]["details"]["fields"]


def test_a_page_that_names_nobody_gets_no_assurance_label(
    client: FlaskClient, org: Organization, coursera: ProviderHosts, database_url: str
) -> None:
    coursera.route("www.coursera.org", PATH, body=pages.shell(), headers=HTML)
    candidate = candidate_service.create(org, "Ada Lovelace", [])
    (credential,) = intake.add_urls(candidate, [URL])
    assert worker.drain(make_settings(database_url, allow_private_hosts="127.0.0.1")) == 1
    body = client.get(
        f"/api/v1/credentials/{credential.id}", headers=bearer(token(org, "read"))
    ).get_json()
    assert body["verdict"] == "unsupported" and body["format"] == "issuer-page"
    assert body["assurance"] is None


def test_the_candidate_list_counts_an_issuer_page_as_such(
    client: FlaskClient, auth: AuthActions, recruiter: User, page_credential: Credential
) -> None:
    auth.login(recruiter.email)
    listed = client.get("/candidates/").text
    assert "1 issuer page" in listed and "unsupported format" not in listed
