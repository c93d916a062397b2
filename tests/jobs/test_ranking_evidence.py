"""Ranking stays cheap while credentials are re-verified (issue 14): its cache changes only when
a verdict or evidence changes, and then only the affected candidates are scored again."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.config import Settings
from app.models import Credential, Organization
from app.services import ranking as ranking_service
from app.services import verification
from jobs import worker
from tests.jobs.conftest import add_badges
from tests.support.ranking_builders import SQL_URI, build_role, skill
from tests.support.test_issuer import LocalIssuer

pytestmark = pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)


@pytest.fixture
def verified(
    backend_app: Flask, job_settings: Settings, acme: Organization, issuer: LocalIssuer
) -> list[Credential]:
    credentials = add_badges(acme, issuer, 3, per_candidate=1)  # three candidates, one badge each
    assert worker.drain(job_settings) == 3
    return credentials


def reverify_all(settings: Settings, organization: Organization) -> None:
    verification.enqueue_all(organization.id)
    assert worker.drain(settings) > 0


def test_a_nightly_pass_that_changes_nothing_keeps_the_cached_ranking(
    verified: list[Credential], job_settings: Settings, acme: Organization
) -> None:
    role = build_role(acme, "Data analyst", required=[skill(SQL_URI)])
    first = ranking_service.ranking_for(role)
    reverify_all(job_settings, acme)
    assert ranking_service.ranking_for(role) is first


def test_after_one_revocation_only_that_candidate_is_scored_again(
    verified: list[Credential],
    job_settings: Settings,
    acme: Organization,
    issuer: LocalIssuer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    role = build_role(acme, "Data analyst", required=[skill(SQL_URI)])
    before = ranking_service.ranking_for(role)
    issuer.revoke("b1")
    reverify_all(job_settings, acme)
    scored: list[int] = []
    real = ranking_service.score_candidate

    def counted(candidate_id: int, *args: Any, **kwargs: Any) -> Any:
        scored.append(candidate_id)
        return real(candidate_id, *args, **kwargs)

    monkeypatch.setattr(ranking_service, "score_candidate", counted)
    after = ranking_service.ranking_for(role)
    revoked = Credential.get_by_id(verified[1].id)
    assert revoked.verdict == "revoked"
    assert scored == [revoked.candidate_id]
    assert after is not before
    assert {s.candidate_id for s in after.scores} == {s.candidate_id for s in before.scores}
