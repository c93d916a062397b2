"""Screens name verdicts and formats in words from the one table, never by their codes."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.models import Credential, Organization, User
from app.services import candidates as candidate_service
from app.services import intake
from tests.conftest import AuthActions


@pytest.fixture
def credential(org: Organization) -> Credential:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    (added,) = intake.add_urls(candidate, ["https://issuer.example/a/1"])
    return added


def _settle(credential: Credential, verdict: str, format: str) -> None:
    Credential.update(status="done", verdict=verdict, format=format).where(
        Credential.id == credential.id
    ).execute()


@pytest.mark.parametrize(
    ("code", "words"),
    [
        pytest.param("clr2", "Comprehensive Learner Record 2.0", id="clr2"),
        pytest.param("ob3-jwt", "Open Badges 3.0 / Verifiable Credential, as a JWT", id="ob3-jwt"),
        pytest.param("from-the-future", "unknown format", id="unknown"),
    ],
)
def test_the_credential_page_names_the_format_in_words(
    client: FlaskClient,
    auth: AuthActions,
    recruiter: User,
    credential: Credential,
    code: str,
    words: str,
) -> None:
    _settle(credential, "verified", code)
    auth.login(recruiter.email)
    page = client.get(f"/credentials/{credential.id}").text
    assert words in page
    assert f">{code}<" not in page and f" {code}<" not in page


def test_verdict_badges_use_the_shared_words(
    client: FlaskClient, auth: AuthActions, recruiter: User, credential: Credential
) -> None:
    _settle(credential, "recipient_mismatch", "ob2-hosted")
    auth.login(recruiter.email)
    page = client.get(f"/candidates/{credential.candidate_id}").text
    assert "Not this candidate&#39;s" in page or "Not this candidate's" in page
    assert "recipient_mismatch<" not in page
