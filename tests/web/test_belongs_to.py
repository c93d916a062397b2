"""Recruiters see how strongly a credential is its candidate's: "proven" (the candidate confirmed
the address by a one-time code) above "matched" (an address a recruiter typed), on the
credential page, in the candidate's credential list (live, by the long poll) and in the API."""

from __future__ import annotations

import json
import re
import threading

import pytest
from flask.testing import FlaskClient

from app.models import Candidate, Credential, Organization, ProofKind, User, VerificationRun, utcnow
from app.services import candidates as candidate_service
from app.services import ownership
from app.services.verification import progress_token
from app.web import candidates as candidate_views
from tests.conftest import AuthActions
from tests.support.api import bearer, token
from tests.support.ranking_builders import build_credential

HTMX = {"HX-Request": "true"}
WAIT = 30.0  # a bound for a stuck test, not a timing assertion
ADDRESS = "ada@example.com"


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, recruiter: User) -> FlaskClient:
    auth.login(recruiter.email)
    return client


@pytest.fixture
def ada(org: Organization) -> Candidate:
    return candidate_service.create(org, "Ada", [ADDRESS])


def _matched(candidate: Candidate, name: str = "SQL Analytics") -> Credential:
    credential = build_credential(candidate, name, [])
    Credential.update(
        recipient="matched", recipient_detail=f"awarded to {ADDRESS}", recipient_identity=ADDRESS
    ).where(Credential.id == credential.id).execute()
    result = {"checks": [{"id": "recipient", "outcome": "pass", "detail": f"awarded to {ADDRESS}"}]}
    result |= {"recipient": "matched", "recipient_detail": f"awarded to {ADDRESS}"}
    VerificationRun.create(
        organization=candidate.organization_id,
        credential=credential,
        trigger="user",
        started_at=utcnow(),
        finished_at=utcnow(),
        verdict="verified",
        recipient="matched",
        result_json=json.dumps(result),
    )
    return Credential.get_by_id(credential.id)


def _prove(candidate: Candidate) -> None:
    ownership.record(
        candidate,
        ProofKind.EMAIL,
        ADDRESS,
        method="email-code",
        detail=f"{ADDRESS} confirmed by a one-time code",
    )


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_credential_page_says_matched_until_the_candidate_proves_it(
    signed_in: FlaskClient, ada: Candidate
) -> None:
    badge = _matched(ada)
    before = _text(signed_in.get(f"/credentials/{badge.id}").text)
    assert f"✔ Yes: awarded to {ADDRESS}" in before
    assert "Ada has not proven it is theirs" in before and "Proven" not in before

    _prove(ada)
    after = _text(signed_in.get(f"/credentials/{badge.id}").text)
    today = utcnow().strftime("%-d %b %Y")
    assert f"✔ Proven: {ADDRESS} confirmed by a one-time code on {today}." in after
    assert "has not proven" not in after


def test_the_credential_list_shows_proven_and_matched_rows(
    signed_in: FlaskClient, ada: Candidate
) -> None:
    _matched(ada, "SQL Analytics")
    page = _text(signed_in.get(f"/candidates/{ada.id}").text)
    assert f"Matched to {ADDRESS}; not proven by the candidate" in page
    _prove(ada)
    page = _text(signed_in.get(f"/candidates/{ada.id}").text)
    assert f"✔ Proven: {ADDRESS} confirmed by a one-time code on" in page
    assert "not proven by the candidate" not in page


def test_a_proof_ends_the_recruiters_long_poll_at_once(
    signed_in: FlaskClient, ada: Candidate, monkeypatch: pytest.MonkeyPatch
) -> None:
    _matched(ada)
    before = progress_token(ada)
    monkeypatch.setattr(candidate_views, "LONG_POLL_SECONDS", WAIT)
    url = f"/candidates/{ada.id}/progress?since={before}"
    answers: list[str] = []
    asking = threading.Thread(target=lambda: answers.append(signed_in.get(url, headers=HTMX).text))
    asking.start()
    _prove(ada)
    asking.join(WAIT)
    assert answers, "the long poll never answered"
    assert progress_token(ada) != before
    assert "✔ Proven:" in answers[0]


def test_the_api_gives_belongs_to_with_the_date_proven(
    client: FlaskClient, org: Organization, ada: Candidate
) -> None:
    badge = _matched(ada)
    headers = bearer(token(org, "read"))
    body = client.get(f"/api/v1/credentials/{badge.id}", headers=headers).get_json()
    assert body["belongs_to"] == {
        "state": "matched",
        "detail": f"awarded to {ADDRESS}",
        "proven_at": None,
    }
    _prove(ada)
    body = client.get(f"/api/v1/credentials/{badge.id}", headers=headers).get_json()
    assert body["belongs_to"]["state"] == "proven"
    assert body["belongs_to"]["detail"] == f"{ADDRESS} confirmed by a one-time code"
    assert body["belongs_to"]["proven_at"].startswith(utcnow().date().isoformat())


def test_the_evidence_report_says_proven_or_matched(signed_in: FlaskClient, ada: Candidate) -> None:
    _matched(ada)
    report = _text(signed_in.get(f"/candidates/{ada.id}/report").text)
    assert f"Belongs to Matched to {ADDRESS}; not proven by the candidate" in report
    _prove(ada)
    report = _text(signed_in.get(f"/candidates/{ada.id}/report").text)
    assert f"Belongs to ✔ Proven: {ADDRESS} confirmed by a one-time code on" in report
