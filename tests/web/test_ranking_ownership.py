"""The organisation decides how much an unproven credential counts; the explanation says so in
plain words, and the candidate's proof lifts the score (the cached ranking notices)."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from app.models import AuditEntry, Candidate, Credential, Organization, ProofKind, User
from app.services import candidates as candidate_service
from app.services import ownership
from app.services import ranking as ranking_service
from app.services import roles as role_service
from tests.conftest import AuthActions
from tests.support.ranking_builders import SQL_URI, alignment, build_credential, build_role, skill

NOTE = "Counted at 50%: awarded to an address the recruiter typed, not proven by the candidate."


@pytest.fixture
def ada(org: Organization) -> Candidate:
    ada = candidate_service.create(org, "Ada", ["ada@example.com"])
    badge = build_credential(ada, "SQL Analytics", [alignment("SQL", SQL_URI)])
    Credential.update(recipient="matched", recipient_identity="ada@example.com").where(
        Credential.id == badge.id
    ).execute()
    return ada


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_by_default_an_unproven_credential_counts_as_before(
    client: FlaskClient, auth: AuthActions, admin: User, org: Organization, ada: Candidate
) -> None:
    role = build_role(org, "Analyst", required=[skill(SQL_URI)])
    assert role_service.unproven_factor(org) == 1.0
    auth.login(admin.email)
    page = _text(client.get(f"/roles/{role.id}/candidates/{ada.id}").text)
    assert "70.0 of 100" in page
    assert "Counted at" not in page and "× ownership 0" not in page


def test_an_admin_halves_unproven_credentials_and_a_proof_restores_them(
    client: FlaskClient, auth: AuthActions, admin: User, org: Organization, ada: Candidate
) -> None:
    role = build_role(org, "Analyst", required=[skill(SQL_URI)])
    auth.login(admin.email)
    assert ranking_service.ranking_for(role).of(ada.id).score == pytest.approx(70.0)
    issuers = client.get("/issuers/").text
    assert "Count matched or unchecked credentials at" in issuers

    assert client.post("/issuers/ownership", data={"unproven": "0.5"}).status_code == 303
    assert 'value="0.5" selected' in client.get("/issuers/").text
    page = _text(client.get(f"/roles/{role.id}/candidates/{ada.id}").text)
    assert "35.0 of 100" in page and "× ownership 0.50" in page and NOTE in page
    assert "Ask the candidate to prove the e-mail address SQL Analytics was awarded to" in page
    assert AuditEntry.get(AuditEntry.action == "ranking.ownership_set").detail == "unproven=0.5"

    ownership.record(ada, ProofKind.EMAIL, "ada@example.com", method="email-code", detail="x")
    page = _text(client.get(f"/roles/{role.id}/candidates/{ada.id}").text)
    assert "70.0 of 100" in page and "Counted at" not in page


def test_only_offered_shares_are_accepted_and_only_from_admins(
    client: FlaskClient,
    auth: AuthActions,
    admin: User,
    recruiter: User,
    org: Organization,
    ada: Candidate,
) -> None:
    auth.login(admin.email)
    for bad in ("2", "0.3", "", "nan"):
        response = client.post("/issuers/ownership", data={"unproven": bad})
        assert response.status_code == 422, bad
        assert "Choose one of the shares offered." in response.text
    assert role_service.unproven_factor(org) == 1.0
    auth.logout()
    auth.login(recruiter.email)
    assert client.post("/issuers/ownership", data={"unproven": "0"}).status_code == 403
    assert "count at 100%" in _text(client.get("/issuers/").text)
    assert role_service.unproven_factor(org) == 1.0
