"""The credential page: what we checked, history, verify again, receipt, safe images."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from app.models import Candidate, Credential, CredentialImage, Organization, User
from app.services import candidates as candidate_service
from app.services import intake
from jobs import worker
from tests.conftest import AuthActions, make_settings
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import Case, LocalIssuer


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture
def verified(app, org: Organization, issuer: LocalIssuer, database_url: str):  # type: ignore[no-untyped-def]
    def make(case: Case = Case.VALID, slug: str = "a1") -> Credential:
        candidate = Candidate.get_or_none(Candidate.name == "Beth") or candidate_service.create(
            org, "Beth", [DEFAULT_EMAIL]
        )
        (credential,) = intake.add_urls(candidate, [issuer.hosted(slug, case).url])
        worker.drain(make_settings(database_url, allow_private_hosts="127.0.0.1"))
        return Credential.get_by_id(credential.id)

    return make


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, recruiter: User) -> FlaskClient:
    auth.login(recruiter.email)
    return client


def test_page_answers_authentic_and_belongs_separately(signed_in: FlaskClient, verified) -> None:  # type: ignore[no-untyped-def]
    credential = verified()
    page = signed_in.get(f"/credentials/{credential.id}").text
    assert "Is it authentic?" in page and "Does it belong to Beth?" in page
    assert "✔ Yes" in page and DEFAULT_EMAIL in page
    assert "History" in page and "load delay" not in page


def test_wrong_recipient_says_no_with_the_addresses_held(signed_in: FlaskClient, verified) -> None:  # type: ignore[no-untyped-def]
    credential = verified(Case.WRONG_RECIPIENT)
    page = signed_in.get(f"/credentials/{credential.id}").text
    assert "Not this candidate" in page and "✖ No" in page


def test_verify_again_queues_and_the_page_polls_until_done(
    signed_in: FlaskClient, verified
) -> None:  # type: ignore[no-untyped-def]
    credential = verified()
    response = signed_in.post(f"/credentials/{credential.id}/verify")
    assert response.status_code == 303
    assert Credential.get_by_id(credential.id).status == "queued"
    page = signed_in.get(f"/credentials/{credential.id}").text
    assert "load delay:1s" in page and "Verifying" in page


def test_receipt_is_the_last_runs_full_result(signed_in: FlaskClient, verified) -> None:  # type: ignore[no-untyped-def]
    credential = verified(Case.REVOKED)
    response = signed_in.get(f"/credentials/{credential.id}/receipt.json")
    body = json.loads(response.data)
    assert "attachment" in response.headers["Content-Disposition"]
    assert body["result"]["verdict"] == "revoked" and body["documents"]
    assert all(len(document["sha256"]) == 64 for document in body["documents"])


def test_badge_image_is_served_sandboxed_from_our_origin(signed_in: FlaskClient, verified) -> None:  # type: ignore[no-untyped-def]
    credential = verified()
    CredentialImage.delete().execute()
    CredentialImage.create(
        organization=credential.organization_id,
        credential=credential,
        content_type="image/svg+xml",
        data=b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        sha256="0" * 64,
    )
    response = signed_in.get(f"/credentials/{credential.id}/image")
    assert response.mimetype == "image/svg+xml"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hostile_badge_text_is_escaped(signed_in: FlaskClient, verified) -> None:  # type: ignore[no-untyped-def]
    credential = verified()
    hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    Credential.update(achievement_name=hostile, issuer_name=hostile, description=hostile).where(
        Credential.id == credential.id
    ).execute()
    for url in (f"/credentials/{credential.id}", f"/candidates/{credential.candidate_id}"):
        page = signed_in.get(url).text
        assert "<img src=x" not in page and "<script>alert" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_history_export_lists_every_run_oldest_first(  # type: ignore[no-untyped-def]
    signed_in: FlaskClient, verified, issuer, database_url: str
) -> None:
    from app.services.verification import requeue

    credential = verified()
    issuer.revoke("a1", "Awarded in error")
    requeue(credential)
    worker.drain(make_settings(database_url, allow_private_hosts="127.0.0.1"))
    body = json.loads(signed_in.get(f"/credentials/{credential.id}/history.json").data)
    assert [run["verdict"] for run in body["runs"]] == ["verified", "revoked"]
    assert all(doc["sha256"] for run in body["runs"] for doc in run["documents"])


def test_tags_are_listed_apart_from_aligned_skills(signed_in: FlaskClient, verified) -> None:  # type: ignore[no-untyped-def]
    credential = verified()
    skills = json.loads(Credential.get_by_id(credential.id).skills_json)
    assert {"name": "robotics", "kind": "tag"} in skills
    page = signed_in.get(f"/credentials/{credential.id}").text
    assert "<dt>Tags</dt><dd>robotics, python</dd>" in page
