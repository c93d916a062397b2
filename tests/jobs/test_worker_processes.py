"""Standalone worker processes share the queue: nothing verified twice, nothing missed."""

from __future__ import annotations

import os
import re
import signal
import time
from dataclasses import replace
from datetime import timedelta

from flask import Flask

from app.config import Settings
from app.models import Credential, Organization, VerificationRun, utcnow
from jobs import worker
from tests.jobs.conftest import add_badges, worker_process
from tests.support.test_issuer import LocalIssuer

DEADLINE = 45  # seconds: a hung worker fails the test instead of hanging the suite


def _runs_per_credential() -> dict[int, int]:
    counts = {credential.id: 0 for credential in Credential.select(Credential.id)}
    for run in VerificationRun.select(VerificationRun.credential):
        counts[run.credential_id] += 1
    return counts


def _verified_count(output: str) -> int:
    match = re.search(r"(\d+) credential\(s\) verified", output)
    assert match, output
    return int(match.group(1))


def test_two_worker_processes_verify_500_credentials_exactly_once(
    backend_app: Flask, backend_url: str, acme: Organization, issuer: LocalIssuer
) -> None:
    add_badges(acme, issuer, 500)
    issuer.latency = 0.002  # enough that neither worker empties the queue alone
    env = {"SKILLPROOF_WORKER_BATCH": "10", "SKILLPROOF_WORKER_CONCURRENCY": "4"}
    env["SKILLPROOF_HOST_CONCURRENCY"] = "8"  # one issuer: let both workers use every slot
    workers = [worker_process(backend_url, "--once", **env) for _ in range(2)]
    outputs = [process.communicate(timeout=DEADLINE) for process in workers]
    assert [process.returncode for process in workers] == [0, 0], outputs
    verified = [_verified_count(out) for out, _err in outputs]
    assert sum(verified) == 500 and min(verified) > 0, verified
    assert set(_runs_per_credential().values()) == {1}
    assert Credential.select().where(Credential.verdict != "verified").count() == 0
    assert Credential.select().where(Credential.claimed_by.is_null(False)).count() == 0


def test_a_killed_workers_claims_expire_and_another_worker_finishes_them(
    backend_app: Flask,
    backend_url: str,
    job_settings: Settings,
    acme: Organization,
    issuer: LocalIssuer,
) -> None:
    add_badges(acme, issuer, 12)
    issuer.latency = 0.3
    env = {"SKILLPROOF_WORKER_BATCH": "12", "SKILLPROOF_WORKER_CONCURRENCY": "2"}
    doomed = worker_process(backend_url, **env)
    try:
        _wait_for(lambda: VerificationRun.select().count() >= 1, "a first run")
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        if doomed.poll() is None:
            doomed.kill()
        doomed.communicate()
    runs_before = VerificationRun.select().count()
    left = list(Credential.select().where(Credential.claimed_by.is_null(False)))
    assert left  # killed mid-batch: its claims are left behind, for one short lease at most
    lease = timedelta(seconds=job_settings.claim_lease_seconds)
    assert all(credential.claimed_until <= utcnow() + lease for credential in left)
    issuer.latency = 0.0
    after_lease = utcnow() + lease + timedelta(seconds=1)
    unlimited = replace(job_settings, host_concurrency=50)
    rescued = worker.process_due(unlimited, batch=50, now=after_lease)
    assert rescued == 12 - runs_before
    assert set(_runs_per_credential().values()) == {1}
    assert Credential.select().where(Credential.verdict != "verified").count() == 0
    assert Credential.select().where(Credential.claimed_by.is_null(False)).count() == 0


def _wait_for(condition, what: str, timeout: float = DEADLINE) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_sigterm_stops_a_standalone_worker_cleanly(
    backend_app: Flask, backend_url: str, acme: Organization, issuer: LocalIssuer
) -> None:
    add_badges(acme, issuer, 3)
    process = worker_process(backend_url, SKILLPROOF_POLL_SECONDS="0.2")
    try:
        _wait_for(lambda: VerificationRun.select().count() == 3, "the queue to empty")
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert _verified_count(out) == 3
