"""The queries list pages need, as services: one query per kind of row, however many rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from app.models import Credential, Organization, VerificationRun
from app.services import accounts, intake, verification
from app.services import candidates as candidate_service
from tests.support.builders import build_user
from tests.support.queries import recorded_queries


def _settle(credential: Credential, verdict: str) -> None:
    Credential.update(status="done", verdict=verdict).where(
        Credential.id == credential.id
    ).execute()


def _run(credential: Credential, minutes: int, verdict: str, check: str) -> None:
    started = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    VerificationRun.create(
        organization=credential.organization_id,
        credential=credential,
        trigger="schedule",
        started_at=started,
        finished_at=started,
        verdict=verdict,
        result_json=json.dumps({"checks": [{"id": check, "outcome": "fail", "detail": "x"}]}),
    )


def test_emails_by_candidate_in_one_query_in_the_order_added(org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", ["b@example.com", "a@example.com"])
    bo = candidate_service.create(org, "Bo", [])
    with recorded_queries() as queries:
        found = candidate_service.emails_by_candidate([ada.id, bo.id])
    assert found == {ada.id: ["b@example.com", "a@example.com"], bo.id: []}
    assert len(queries) == 1


def test_verdict_tallies_count_settled_credentials_verified_first(org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", [])
    links = [f"https://issuer.example/{n}" for n in range(4)]
    first, second, third, _queued = intake.add_urls(ada, links)
    _settle(first, "verified")
    _settle(second, "verified")
    _settle(third, "revoked")
    with recorded_queries() as queries:
        found = candidate_service.verdict_tallies([ada.id])
    assert found == {ada.id: [("verified", 2), ("revoked", 1)]}
    assert len(queries) == 1


def test_latest_checks_read_each_credentials_newest_run(org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", [])
    one, two = intake.add_urls(ada, ["https://issuer.example/1", "https://issuer.example/2"])
    _run(one, 0, "unreachable", "fetch")
    _run(one, 5, "revoked", "status")
    _run(two, 0, "invalid", "signature")
    with recorded_queries() as queries:
        found = verification.latest_checks([one.id, two.id])
    assert {k: (v, [c["id"] for c in checks]) for k, (v, checks) in found.items()} == {
        one.id: ("revoked", ["status"]),
        two.id: ("invalid", ["signature"]),
    }
    assert len(queries) == 1
    assert verification.latest_checks([]) == {}


def test_users_of_lists_the_organisations_users_by_address(
    org: Organization, other_org: Organization
) -> None:
    from app.models import Role

    build_user(org, "b@acme.test", Role.VIEWER)
    build_user(org, "a@acme.test", Role.VIEWER)
    build_user(other_org, "c@globex.test", Role.ADMIN)
    assert [u.email for u in accounts.users_of(org)] == ["a@acme.test", "b@acme.test"]


def test_credentials_by_candidate_in_one_query_oldest_first(org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", [])
    bo = candidate_service.create(org, "Bo", [])
    first, second = intake.add_urls(ada, ["https://issuer.example/1", "https://issuer.example/2"])
    with recorded_queries() as queries:
        found = verification.credentials_by_candidate([ada.id, bo.id])
    assert {k: [c.id for c in v] for k, v in found.items()} == {
        ada.id: [first.id, second.id],
        bo.id: [],
    }
    assert len(queries) == 1
