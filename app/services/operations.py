"""Scheduler state and the numbers an admin watches: nightly runs, queue, claims, failures."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from app.db import write_transaction
from app.models import (
    AlertDelivery,
    Credential,
    CredentialStatus,
    DeliveryStatus,
    JobState,
    Organization,
    VerificationRun,
    utcnow,
)
from app.services import verification
from app.verification.result import Verdict

log = logging.getLogger(__name__)
DEFAULT_CRON = "0 2 * * *"


def nightly_name(organization_id: int) -> str:
    return f"nightly:{organization_id}"


def zone(organization: Organization) -> ZoneInfo:
    try:
        return ZoneInfo(organization.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_nightly(cron: str, organization: Organization, after: datetime) -> datetime:
    """The next nightly run strictly after `after`, once per local wall-clock time.

    The cron expression is matched against the organisation's wall clock: a time that a DST
    change skips runs at the same instant one hour later, a time it repeats runs once (its
    first occurrence). APScheduler's own zone handling fires a repeated time twice and then
    keeps answering the same instant.
    """
    local_zone = zone(organization)
    trigger = CronTrigger.from_crontab(cron or DEFAULT_CRON, timezone=UTC)
    wall = after.astimezone(local_zone).replace(tzinfo=None)
    while True:
        fire = trigger.get_next_fire_time(None, (wall + timedelta(seconds=1)).replace(tzinfo=UTC))
        assert fire is not None  # a crontab always fires again
        wall = fire.replace(tzinfo=None)
        local = wall.replace(tzinfo=local_zone)  # fold=0: the first of a repeated hour
        if local > after:
            return local


def run_due_nightlies(cron: str, now: datetime | None = None) -> int:
    """Enqueue every organisation whose nightly is due; each org once, whatever the workers."""
    moment = now or utcnow()
    total = 0
    for organization in Organization.select():
        total += _nightly(organization, cron, moment)
    return total


def _nightly(organization: Organization, cron: str, now: datetime) -> int:
    name = nightly_name(organization.id)
    state = JobState.get_or_none(JobState.name == name)
    if state is None:
        first = next_nightly(cron, organization, now)
        JobState.insert(name=name, next_run_at=first).on_conflict_ignore().execute()
        return 0
    if state.next_run_at is not None and state.next_run_at > now:
        return 0
    # Only the worker whose conditional update wins runs this night's pass.
    upcoming = next_nightly(cron, organization, now)
    won = (
        JobState.update(last_started_at=now, next_run_at=upcoming, last_error="")
        .where((JobState.id == state.id) & (JobState.next_run_at == state.next_run_at))
        .execute()
    )
    if not won:
        return 0
    with write_transaction():
        count = verification.enqueue_all(organization.id, now)
    JobState.update(last_finished_at=utcnow(), last_count=count).where(
        JobState.id == state.id
    ).execute()
    log.info("nightly re-verification of %s: %s credentials due", organization.slug, count)
    return count


def record(name: str, job: Callable[[], int], *, now: datetime | None = None) -> int:
    """Run `job`, keeping when it started and finished, its count and any error."""
    started = now or utcnow()
    JobState.insert(name=name).on_conflict_ignore().execute()
    JobState.update(last_started_at=started).where(JobState.name == name).execute()
    try:
        count = job()
    except Exception as error:
        JobState.update(last_error=str(error)[:500]).where(JobState.name == name).execute()
        raise
    JobState.update(last_finished_at=utcnow(), last_count=count, last_error="").where(
        JobState.name == name
    ).execute()
    return count


@dataclass(frozen=True)
class Overview:
    """What the Operations page shows for one organisation."""

    last_nightly: JobState | None
    next_nightly: datetime
    time_zone: str
    queue_depth: int
    in_flight: int
    expired_claims: int
    unreachable_24h: int
    failed_deliveries_24h: int
    pending_deliveries: int


def overview(organization: Organization, cron: str, now: datetime | None = None) -> Overview:
    """The organisation's scheduler state and queue, as of `now`."""
    moment = now or utcnow()
    state = JobState.get_or_none(JobState.name == nightly_name(organization.id))
    credentials = Credential.of(organization)
    free = Credential.claimed_until.is_null() | (Credential.claimed_until < moment)
    due = (Credential.status == CredentialStatus.QUEUED.value) | (
        Credential.next_check_at <= moment
    )
    since = moment - timedelta(hours=24)
    deliveries = AlertDelivery.of(organization)
    return Overview(
        last_nightly=state if state and state.last_started_at else None,
        next_nightly=(
            state.next_run_at
            if state and state.next_run_at
            else next_nightly(cron, organization, moment)
        ),
        time_zone=zone(organization).key,
        queue_depth=credentials.where(due & free).count(),
        in_flight=credentials.where(Credential.claimed_until >= moment).count(),
        expired_claims=credentials.where(
            (Credential.status == CredentialStatus.VERIFYING.value)
            & (Credential.claimed_until < moment)
        ).count(),
        unreachable_24h=VerificationRun.of(organization)
        .where(
            (VerificationRun.finished_at >= since)
            & (VerificationRun.verdict == Verdict.UNREACHABLE.value)
        )
        .count(),
        failed_deliveries_24h=deliveries.where(
            (AlertDelivery.created_at >= since) & (AlertDelivery.last_error != "")
        ).count(),
        pending_deliveries=deliveries.where(
            AlertDelivery.status == DeliveryStatus.PENDING.value
        ).count(),
    )


def recent_failures(
    organization: Organization, now: datetime | None = None
) -> list[VerificationRun]:
    """Unreachable runs of the last 24 hours, newest first (at most 20)."""
    since = (now or utcnow()) - timedelta(hours=24)
    return list(
        VerificationRun.of(organization)
        .where(
            (VerificationRun.finished_at >= since)
            & (VerificationRun.verdict == Verdict.UNREACHABLE.value)
        )
        .order_by(VerificationRun.finished_at.desc())
        .limit(20)
    )
