"""Evidence reports, and share links that are signed, expiring, revocable, audited and lead
nowhere else."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import AuditEntry, Candidate, Organization, ShareLink, User, VerificationRun, utcnow
from app.services import candidates as candidate_service
from app.services import roles as role_service
from tests.conftest import AuthActions
from tests.support.ranking_builders import SQL_URI, alignment, build_credential, build_role, skill

CHECKS = '{"checks": [{"id": "signature", "outcome": "pass", "detail": "signed by the issuer"}]}'


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, recruiter: User) -> FlaskClient:
    auth.login(recruiter.email)
    return client


@pytest.fixture
def ada(org: Organization) -> Candidate:
    candidate = candidate_service.create(org, "Ada Lovelace", ["ada@example.com"])
    credential = build_credential(candidate, "SQL Expert", [alignment("SQL", SQL_URI)])
    moment = utcnow()
    VerificationRun.create(
        organization=org,
        credential=credential,
        trigger="user",
        started_at=moment,
        finished_at=moment,
        verdict="verified",
        result_json=CHECKS,
    )
    build_role(org, "Data analyst", required=[skill(SQL_URI)])
    return candidate


def _share(client: FlaskClient, days: int = 7, **subject: int) -> str:
    response = client.post(
        "/reports/links", data={"days": days, **subject}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200, response.text
    found = re.search(r'value="(http://[^"]+/shared/[^"]+)"', response.text)
    assert found, response.text
    return found.group(1).split("localhost", 1)[1]


def test_candidate_report_has_each_credential_its_checks_and_the_explanation(
    signed_in: FlaskClient, ada: Candidate
) -> None:
    page = signed_in.get(f"/candidates/{ada.id}/report").text
    assert "Evidence report: Ada Lovelace" in page
    assert "SQL Expert" in page
    assert "signed by the issuer" in page
    assert "Last checked" in page
    assert "Data analyst: 70.0 of 100, ranked 1 of 1" in page


def test_a_share_link_opens_the_report_without_an_account_and_is_audited(
    app: Flask, signed_in: FlaskClient, ada: Candidate
) -> None:
    path = _share(signed_in, candidate_id=ada.id)
    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200
    assert "Evidence report: Ada Lovelace" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "X-Robots-Tag" in response.headers
    links = re.findall(r'href="([^"]+)"', response.text)
    assert all(link.startswith("/static/") for link in links), links
    assert "hx-" not in response.text and "csrf" not in response.text
    assert ShareLink.get().opened == 1
    assert AuditEntry.select().where(AuditEntry.action == "share.opened").count() == 1


def test_the_link_reaches_nothing_else(app: Flask, signed_in: FlaskClient, ada: Candidate) -> None:
    path = _share(signed_in, candidate_id=ada.id)
    anonymous = app.test_client()
    anonymous.get(path)
    assert anonymous.get(f"/candidates/{ada.id}").status_code == 302
    assert anonymous.get(f"/candidates/{ada.id}/report").status_code == 302


def test_a_revoked_link_stops_working_at_once(
    app: Flask, signed_in: FlaskClient, ada: Candidate
) -> None:
    path = _share(signed_in, candidate_id=ada.id)
    link = ShareLink.get()
    response = signed_in.post(f"/reports/links/{link.id}/revoke", headers={"HX-Request": "true"})
    assert "revoked" in response.text
    refused = app.test_client().get(path)
    assert refused.status_code == 410
    assert "no longer valid" in refused.text
    assert AuditEntry.select().where(AuditEntry.action == "share.revoked").count() == 1


def test_an_expired_link_is_refused(app: Flask, signed_in: FlaskClient, ada: Candidate) -> None:
    path = _share(signed_in, days=1, candidate_id=ada.id)
    ShareLink.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    assert app.test_client().get(path).status_code == 410
    assert AuditEntry.select().where(AuditEntry.action == "share.refused").count() == 1


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(
            lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), id="bad-signature"
        ),
        pytest.param(lambda token: "garbage", id="garbage"),
        pytest.param(lambda token: token[: len(token) // 2], id="truncated"),
    ],
)
def test_a_tampered_link_is_refused(
    app: Flask, signed_in: FlaskClient, ada: Candidate, mangle: object
) -> None:
    path = _share(signed_in, candidate_id=ada.id)
    token = path.rsplit("/", 1)[1]
    assert app.test_client().get(f"/shared/{mangle(token)}").status_code == 410  # type: ignore[operator]


def test_only_a_hash_of_the_secret_is_stored(signed_in: FlaskClient, ada: Candidate) -> None:
    path = _share(signed_in, candidate_id=ada.id)
    token = path.rsplit("/", 1)[1]
    stored = ShareLink.get()
    assert len(stored.nonce_hash) == 64 and stored.nonce_hash not in token


def test_an_unknown_duration_is_refused_with_a_message(
    signed_in: FlaskClient, ada: Candidate
) -> None:
    response = signed_in.post(
        "/reports/links", data={"days": 365, "candidate_id": ada.id}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "Choose how long the link stays valid" in response.text
    assert ShareLink.select().count() == 0


def test_viewers_read_reports_but_cannot_share(
    client: FlaskClient, auth: AuthActions, viewer: User, ada: Candidate
) -> None:
    auth.login(viewer.email)
    assert client.get(f"/candidates/{ada.id}/report").status_code == 200
    assert (
        client.post("/reports/links", data={"days": 7, "candidate_id": ada.id}).status_code == 403
    )


def test_another_organisations_candidate_cannot_be_shared(
    signed_in: FlaskClient, other_org: Organization
) -> None:
    stranger = candidate_service.create(other_org, "Stranger", [])
    response = signed_in.post("/reports/links", data={"days": 7, "candidate_id": stranger.id})
    assert response.status_code == 404


def test_shortlist_report_and_its_share_link(
    app: Flask, signed_in: FlaskClient, ada: Candidate, org: Organization, recruiter: User
) -> None:
    role = role_service.create(org, recruiter, "SQL analyst")
    role_service.add_to_shortlist(role, ada, recruiter)
    page = signed_in.get(f"/roles/{role.id}/shortlist/report").text
    assert "Shortlist report: SQL analyst" in page
    assert "Ada Lovelace" in page and "signed by the issuer" in page
    path = _share(signed_in, role_id=role.id)
    shared = app.test_client().get(path)
    assert shared.status_code == 200
    assert "Shortlist report: SQL analyst" in shared.text


def test_report_checks_are_in_plain_words_with_the_exact_detail_kept(
    signed_in: FlaskClient, org: Organization
) -> None:
    candidate = candidate_service.create(org, "Bo", ["bo@example.com"])
    credential = build_credential(candidate, "Broken", [], verdict="invalid")
    moment = utcnow()
    detail = "the badge is not valid JSON (line 1, column 484)"
    VerificationRun.create(
        organization=org,
        credential=credential,
        trigger="user",
        started_at=moment,
        finished_at=moment,
        verdict="invalid",
        result_json=json.dumps({"checks": [{"id": "format", "outcome": "fail", "detail": detail}]}),
    )
    page = signed_in.get(f"/candidates/{candidate.id}/report").text
    shown = page.split("<summary>")[0]
    assert "Badge file</strong>: The file or page is not a readable badge" in shown
    assert "line 1, column 484" not in shown and f"<code>{detail}</code>" in page


def test_report_checks_are_in_plain_words_with_the_parser_detail_one_click_away(
    signed_in: FlaskClient, org: Organization
) -> None:
    candidate = candidate_service.create(org, "Bob", [])
    credential = build_credential(candidate, "Broken", [], "invalid")
    moment = utcnow()
    detail = "payload is not valid JSON (line 1, column 484)"
    VerificationRun.create(
        organization=org,
        credential=credential,
        trigger="user",
        started_at=moment,
        finished_at=moment,
        verdict="invalid",
        result_json=json.dumps({"checks": [{"id": "format", "outcome": "fail", "detail": detail}]}),
    )
    page = signed_in.get(f"/candidates/{candidate.id}/report").text
    shown = page.split("<summary>Technical detail</summary>")[0]
    assert "(line 1, column 484)" not in shown
    assert detail in page
