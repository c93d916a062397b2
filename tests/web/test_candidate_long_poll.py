"""The candidate page learns of verdicts by long poll (issue 14): the progress request waits
for a change and answers as soon as a result is stored, never on a fixed delay."""

from __future__ import annotations

import re
import threading

import pytest
from flask.testing import FlaskClient

from app.db import db
from app.models import Candidate, CandidateState, Credential, Organization, User
from app.services import candidates as candidate_service
from app.services import intake, wakeup
from app.services.verification import progress_token
from app.web import candidates as candidate_views
from tests.conftest import AuthActions

HTMX = {"HX-Request": "true"}
WAIT = 30.0  # a bound for a stuck test, not a timing assertion


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, recruiter: User) -> FlaskClient:
    auth.login(recruiter.email)
    return client


@pytest.fixture
def verifying(org: Organization) -> Candidate:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    intake.add_urls(candidate, ["https://issuer.example/a/1"])
    return candidate


def poll_url(page: str) -> str:
    found = re.search(r'class="poll" hx-get="([^"]+)" hx-trigger="load"', page)
    assert found, "no long poll on the page"
    return found.group(1).replace("&amp;", "&")


def store_verdict(candidate: Candidate) -> None:
    """The verdict and the candidate's state in one commit, as a reader sees them together."""
    with db.atomic():
        Credential.update(status="done", verdict="verified").where(
            Credential.candidate == candidate
        ).execute()
        Candidate.update(state=CandidateState.VERIFIED.value).where(
            Candidate.id == candidate.id
        ).execute()
    wakeup.result_stored()


def test_the_page_asks_at_once_with_the_state_it_shows(
    signed_in: FlaskClient, verifying: Candidate
) -> None:
    page = signed_in.get(f"/candidates/{verifying.id}").text
    assert f"since={progress_token(verifying)}" in poll_url(page)


def test_the_progress_answer_waits_for_the_verdict_and_shows_it(
    signed_in: FlaskClient, verifying: Candidate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(candidate_views, "LONG_POLL_SECONDS", WAIT)
    url = poll_url(signed_in.get(f"/candidates/{verifying.id}").text)
    answers: list[str] = []
    asking = threading.Thread(target=lambda: answers.append(signed_in.get(url, headers=HTMX).text))
    asking.start()
    store_verdict(verifying)
    asking.join(WAIT)
    assert answers, "the long poll never answered"
    assert "Verified" in answers[0]
    assert "All verified" in answers[0]  # the candidate's state, read after the wait


def test_a_page_showing_an_old_state_is_answered_at_once(
    signed_in: FlaskClient, verifying: Candidate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(candidate_views, "LONG_POLL_SECONDS", 3600.0)
    url = poll_url(signed_in.get(f"/candidates/{verifying.id}").text)
    store_verdict(verifying)
    answer = signed_in.get(url, headers=HTMX).text
    assert "Verified" in answer
    assert 'class="poll"' not in answer  # nothing pending: the polling stops
