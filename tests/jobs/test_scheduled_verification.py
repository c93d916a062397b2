"""Re-verification on a schedule: backoff while the issuer is down, alerts once per change."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from app.config import Settings
from app.models import Alert, Credential, JobState, Organization, VerificationRun, utcnow
from app.services import alerts, operations, verification
from jobs import worker
from tests.jobs.conftest import add_badges
from tests.support.builders import build_org
from tests.support.test_issuer import LocalIssuer

NIGHTLY = "0 2 * * *"


def _due_now(credential: Credential, now: datetime) -> None:
    Credential.update(next_check_at=now).where(Credential.id == credential.id).execute()


def test_issuer_down_keeps_the_last_good_verdict_stale_and_retries_with_growing_backoff(
    backend_app: Flask, job_settings: Settings, acme: Organization, issuer: LocalIssuer
) -> None:
    (credential,) = add_badges(acme, issuer, 1)
    worker.drain(job_settings)
    issuer.set_status("b0", 503)
    delays = []
    for _ in range(3):
        _due_now(credential, utcnow())
        assert worker.process_due(job_settings) == 1
        stored = Credential.get_by_id(credential.id)
        delays.append(stored.next_check_at - stored.last_checked_at)
    assert (stored.verdict, stored.stale, stored.attempts) == ("verified", True, 3)
    assert delays == sorted(delays) and delays[0] < delays[-1]  # exponential backoff
    verdicts = [run.verdict for run in verification.runs_of(stored)]
    assert verdicts == ["unreachable"] * 3 + ["verified"]  # never flipped to invalid
    assert Alert.select().count() == 0  # not yet: unreachable for minutes, not days


def test_long_unreachable_raises_one_alert_after_the_configured_days(
    backend_app: Flask, job_settings: Settings, acme: Organization, issuer: LocalIssuer
) -> None:
    (credential,) = add_badges(acme, issuer, 1)
    worker.drain(job_settings)
    issuer.set_status("b0", 503)
    fetcher = worker.fetcher_for(job_settings)
    after = timedelta(days=3)
    soon, later = utcnow() + timedelta(days=2), utcnow() + timedelta(days=4)
    verification.verify_credential(credential.id, fetcher, now=soon, unreachable_after=after)
    assert Alert.select().count() == 0
    for _ in range(2):
        verification.verify_credential(credential.id, fetcher, now=later, unreachable_after=after)
    (alert,) = Alert.select()
    assert (alert.kind, alert.from_verdict) == ("unreachable", "verified")
    assert "could not be checked for 4 days" in alert.message
    assert Credential.get_by_id(credential.id).verdict == "verified"


def test_revocation_found_by_the_nightly_pass_raises_one_alert_in_its_organisation(
    backend_app: Flask, job_settings: Settings, acme: Organization, issuer: LocalIssuer
) -> None:
    other = build_org("Globex Talent", "globex")
    (credential,) = add_badges(acme, issuer, 1)
    worker.drain(job_settings)
    issuer.revoke("b0", "Awarded in error")
    assert verification.enqueue_all(acme.id) == 1
    worker.drain(job_settings)
    verification.enqueue_all(acme.id)
    worker.drain(job_settings)  # seen again: no second alert
    (alert,) = Alert.of(acme)
    assert (alert.kind, alert.from_verdict, alert.to_verdict) == ("changed", "verified", "revoked")
    assert alert.credential_id == credential.id and "revoked by the issuer" in alert.message
    assert alerts.unread_count(acme) == 1 and alerts.unread_count(other) == 0


def test_the_same_change_seen_by_two_workers_at_once_raises_one_alert(
    backend_app: Flask, job_settings: Settings, acme: Organization, issuer: LocalIssuer
) -> None:
    (credential,) = add_badges(acme, issuer, 1)
    worker.drain(job_settings)
    issuer.revoke("b0")
    fetcher = worker.fetcher_for(job_settings)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def verify(name: str) -> None:
        from app.db import db

        with db.connection_context():
            start.wait(5)
            try:
                verification.verify_credential(credential.id, fetcher)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

    threads = [threading.Thread(target=verify, args=(f"w{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert VerificationRun.select().count() == 3  # both runs kept
    assert Alert.select().count() == 1


def test_two_workers_reading_the_same_old_verdict_compute_one_alert_key(
    backend_app: Flask, job_settings: Settings, acme: Organization, issuer: LocalIssuer
) -> None:
    (credential,) = add_badges(acme, issuer, 1)
    worker.drain(job_settings)
    read_by_second_worker = Credential.get_by_id(credential.id)  # before the first commits
    issuer.revoke("b0")
    fetcher = worker.fetcher_for(job_settings)
    run = verification.verify_credential(credential.id, fetcher)
    assert run is not None and Alert.select().count() == 1
    again = alerts.on_run(read_by_second_worker, run, utcnow())
    assert again is None and Alert.select().count() == 1


def test_nightly_runs_once_per_organisation_at_two_in_its_own_time_zone(
    backend_app: Flask, job_settings: Settings, acme: Organization, issuer: LocalIssuer
) -> None:
    Organization.update(time_zone="America/New_York").where(Organization.id == acme.id).execute()
    add_badges(acme, issuer, 3)
    worker.drain(job_settings)
    start = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
    assert operations.run_due_nightlies(NIGHTLY, start) == 0  # first sight: schedule only
    state = JobState.get(JobState.name == operations.nightly_name(acme.id))
    assert state.next_run_at == datetime(2026, 3, 7, 7, 0, tzinfo=UTC)  # 02:00 EST
    assert operations.run_due_nightlies(NIGHTLY, state.next_run_at - timedelta(minutes=1)) == 0
    at_two = state.next_run_at + timedelta(seconds=30)
    assert operations.run_due_nightlies(NIGHTLY, at_two) == 3
    assert operations.run_due_nightlies(NIGHTLY, at_two) == 0  # a second worker: nothing
    assert Credential.select().where(Credential.next_check_at <= at_two).count() == 3
    state = JobState.get_by_id(state.id)
    assert state.next_run_at == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "cron", "start", "expected_utc_hours"),
    [
        pytest.param(
            "America/New_York",
            "0 2 * * *",
            datetime(2026, 3, 6, 12, tzinfo=UTC),
            [7, 7, 6, 6],
            id="spring-forward-new-york",
        ),
        pytest.param(
            "Europe/London",
            "30 1 * * *",
            datetime(2026, 10, 23, 12, tzinfo=UTC),
            [0, 0, 1, 1],
            id="fall-back-london",
        ),
    ],
)
def test_the_nightly_fires_once_per_local_day_through_dst(
    zone: str, cron: str, start: datetime, expected_utc_hours: list[int]
) -> None:
    organization = Organization(name="Z", slug="z", time_zone=zone)
    fires, moment = [], start
    for _ in range(4):
        moment = operations.next_nightly(cron, organization, moment)
        fires.append(moment.astimezone(UTC))
    assert [fire.hour for fire in fires] == expected_utc_hours
    assert len({fire.date() for fire in fires}) == 4


def test_nightly_pass_revalidates_with_conditional_requests_and_still_sees_revocations(
    backend_app: Flask, job_settings: Settings, acme: Organization, issuer: LocalIssuer
) -> None:
    (credential,) = add_badges(acme, issuer, 1)
    worker.drain(job_settings)
    verification.enqueue_all(acme.id)
    worker.drain(job_settings)
    second = issuer.requests_to("/assertions/b0.json")[-1]
    assert second.header("if-none-match") is not None  # a 304 when unchanged
    issuer.revoke("b0")  # within the cached copy's max-age: must still be seen
    verification.enqueue_all(acme.id)
    worker.drain(job_settings)
    assert Credential.get_by_id(credential.id).verdict == "revoked"


def test_expiry_watch_warns_once_with_a_renewal_note_for_certifications(
    backend_app: Flask, job_settings: Settings, acme: Organization, issuer: LocalIssuer
) -> None:
    soon, far = add_badges(acme, issuer, 2)
    worker.drain(job_settings)
    now = utcnow()
    Credential.update(expires=now + timedelta(days=10), achievement_type="Certification").where(
        Credential.id == soon.id
    ).execute()
    Credential.update(expires=now + timedelta(days=40)).where(Credential.id == far.id).execute()
    assert worker.watch_expiry(job_settings, now) == 1
    assert worker.watch_expiry(job_settings, now + timedelta(hours=1)) == 0
    (alert,) = Alert.select()
    assert alert.kind == "expiring" and alert.credential_id == soon.id
    assert "in 10 days" in alert.message and "renewed" in alert.message
