"""Claims under faults: fenced writes, heartbeat leases, release on stop, a fair queue."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from flask import Flask

from app.config import Settings
from app.db import db
from app.models import Alert, Credential, Organization, VerificationRun, utcnow
from app.services import candidates as candidate_service
from app.services import intake, verification
from app.verification.fetcher import ACCEPT_JSON, FetchResponse
from app.verification.http import SafeFetcher
from jobs import worker
from tests.jobs.conftest import add_badges
from tests.support.builders import build_org
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import LocalIssuer

DEADLINE = 10.0  # seconds: a condition that never comes fails the test instead of hanging


class PausingFetcher:
    """Fetches, then runs `pause` once before answering: the worker 'stalls' mid-verification."""

    def __init__(self, inner: SafeFetcher, pause) -> None:  # type: ignore[no-untyped-def]
        self._inner = inner
        self._pause = pause

    def fetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_JSON,
        max_bytes: int | None = None,
        revalidate: bool = False,
    ) -> FetchResponse:
        response = self._inner.fetch(url, accept=accept, max_bytes=max_bytes, revalidate=revalidate)
        pause, self._pause = self._pause, None
        if pause is not None:
            pause()
        return response


def _wait_for(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def test_a_worker_paused_past_its_lease_cannot_overwrite_a_newer_result(
    backend_app: Flask, job_settings: Settings, acme: Organization, issuer: LocalIssuer
) -> None:
    (credential,) = add_badges(acme, issuer, 1)
    worker.drain(job_settings)
    verification.requeue(Credential.get_by_id(credential.id))
    stale = verification.claim_due("worker-a", 5)
    fetcher = worker.fetcher_for(job_settings)

    def meanwhile() -> None:  # worker-a has read "valid"; its lease runs out while it stalls
        issuer.revoke("b0", "Awarded in error")
        later = utcnow() + verification.LEASE + timedelta(seconds=1)
        fresh = verification.claim_due("worker-b", 5, now=later)
        assert fresh.ids == [credential.id]
        verification.verify_credential(credential.id, fetcher, claim=fresh.token)

    paused = PausingFetcher(fetcher, meanwhile)
    stored = verification.verify_credential(credential.id, paused, claim=stale.token)
    assert stored is None  # dropped, not written
    after = Credential.get_by_id(credential.id)
    assert (after.verdict, after.claim_token, after.status) == ("revoked", None, "done")
    assert [run.verdict for run in VerificationRun.select().order_by(VerificationRun.id)] == [
        "verified",
        "revoked",
    ]
    changes = [(alert.from_verdict, alert.to_verdict) for alert in Alert.select()]
    assert changes == [("verified", "revoked")]  # no "revoked -> verified"


def test_the_heartbeat_renews_a_claims_lease_while_its_batch_runs(
    backend_app: Flask, acme: Organization
) -> None:
    candidate = candidate_service.create(acme, "Beth Robotics", [DEFAULT_EMAIL])
    intake.add_urls(candidate, ["https://issuer.example/a/1"])
    lease = timedelta(seconds=0.2)
    claim = verification.claim_due("worker-a", 5, lease=lease)
    first = Credential.get_by_id(claim.ids[0]).claimed_until
    with worker.Heartbeat(claim.token, lease):
        _wait_for(lambda: Credential.get_by_id(claim.ids[0]).claimed_until > first, "a renewal")


def test_renewing_touches_only_the_claims_own_credentials(
    backend_app: Flask, acme: Organization
) -> None:
    candidate = candidate_service.create(acme, "Beth Robotics", [DEFAULT_EMAIL])
    intake.add_urls(candidate, [f"https://issuer{n}.example/a" for n in range(2)])
    mine = verification.claim_due("worker-a", 1)
    theirs = verification.claim_due("worker-b", 1)
    later = utcnow() + timedelta(minutes=10)
    assert verification.renew(mine.token, later) == 1
    assert Credential.get_by_id(mine.ids[0]).claimed_until > later
    assert Credential.get_by_id(theirs.ids[0]).claimed_until < later


def test_a_stopping_worker_releases_the_credentials_it_has_not_started(
    backend_app: Flask, job_settings: Settings, acme: Organization, issuer: LocalIssuer
) -> None:
    credentials = add_badges(acme, issuer, 5)
    stop = threading.Event()
    issuer_fetcher = worker.fetcher_for(job_settings)
    original = worker.fetcher_for
    try:
        worker.fetcher_for = lambda *_a, **_k: PausingFetcher(issuer_fetcher, stop.set)  # type: ignore[assignment]
        done = worker.process_due(job_settings, batch=5, concurrency=1, stop=stop)
    finally:
        worker.fetcher_for = original  # type: ignore[assignment]
    assert done == 1
    rows = list(Credential.select().where(Credential.id.in_([c.id for c in credentials])))
    assert sum(row.status == "done" for row in rows) == 1
    released = [row for row in rows if row.status == "queued"]
    assert len(released) == 4
    assert all(row.claimed_until is None and row.claim_token is None for row in released)
    assert len(verification.claim_due("worker-b", 10).ids) == 4  # at once, no lease to wait out


def test_the_queue_takes_organisations_in_turn(backend_app: Flask, acme: Organization) -> None:
    busy = candidate_service.create(acme, "Backlog", [DEFAULT_EMAIL])
    intake.add_urls(busy, [f"https://issuer{n}.example/a" for n in range(40)])
    globex = build_org("Globex Talent", "globex")
    newcomer = candidate_service.create(globex, "New Candidate", [DEFAULT_EMAIL])
    (fresh,) = intake.add_urls(newcomer, ["https://elsewhere.example/badge"])
    claim = verification.claim_due("worker-a", 8)
    assert fresh.id in claim.ids and len(claim.ids) == 8


def test_one_issuer_host_never_holds_more_than_its_limit_across_workers(
    backend_app: Flask, acme: Organization
) -> None:
    candidate = candidate_service.create(acme, "Backlog", [DEFAULT_EMAIL])
    intake.add_urls(candidate, [f"https://slow.example/badge/{n}" for n in range(40)])
    (other,) = intake.add_urls(candidate, ["https://fast.example/badge"])
    first = verification.claim_due("worker-a", 32, host_limit=4)
    second = verification.claim_due("worker-b", 32, host_limit=4)
    assert len(first.ids) == 5 and other.id in first.ids
    assert second.ids == []  # slow.example already has 4 in flight


def test_a_credential_stored_before_the_migration_gets_its_host(
    backend_app: Flask, acme: Organization
) -> None:
    import importlib

    candidate = candidate_service.create(acme, "Beth Robotics", [DEFAULT_EMAIL])
    (credential,) = intake.add_urls(candidate, ["https://User@Issuer.Example:8443/a"])
    Credential.update(source_host="").execute()
    migration = importlib.import_module("app.migrations.010_fenced_claims_fair_queue_idempotency")
    migration._backfill_hosts(db.obj)
    assert Credential.get_by_id(credential.id).source_host == "issuer.example:8443"


def test_a_host_limit_below_one_still_lets_each_host_through(
    backend_app: Flask, acme: Organization
) -> None:
    candidate = candidate_service.create(acme, "Backlog", [DEFAULT_EMAIL])
    intake.add_urls(candidate, [f"https://slow.example/badge/{n}" for n in range(3)])
    assert len(verification.claim_due("worker-a", 8, host_limit=0).ids) == 1
