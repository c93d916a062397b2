"""The in-process scheduler of `skillproof serve`: started once, and it verifies what is due."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from flask import Flask

from app.config import Settings
from app.models import Credential, Organization
from jobs import scheduler
from tests.jobs.conftest import add_badges
from tests.support.test_issuer import LocalIssuer


@pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)
def test_in_process_scheduler_starts_once_and_verifies_due_credentials(
    backend_app: Flask,
    job_settings: Settings,
    acme: Organization,
    issuer: LocalIssuer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scheduler, "_started", None)
    (credential,) = add_badges(acme, issuer, 1)
    settings = replace(job_settings, poll_seconds=0.2)
    running = scheduler.start_in_process(settings)
    try:
        assert scheduler.start_in_process(settings) is running  # never a second scheduler
        assert {job.id for job in running.get_jobs()} == {"nightly", "expiry-watch", "notify"}
        assert scheduler.VERIFY_THREAD in {thread.name for thread in threading.enumerate()}
        deadline = time.monotonic() + 20
        while Credential.get_by_id(credential.id).verdict != "verified":
            assert time.monotonic() < deadline, "the scheduler did not verify the credential"
            time.sleep(0.1)
    finally:
        running.shutdown(wait=True)
