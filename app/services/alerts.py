"""Alerts: one per change of a credential's verdict, long outage or coming expiry; idempotent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from app.db import write_transaction
from app.models import (
    Alert,
    AlertKind,
    Candidate,
    Credential,
    Organization,
    User,
    VerificationRun,
    utcnow,
)
from app.verification.labels import verdict_phrase
from app.verification.result import Verdict

DEFAULT_UNREACHABLE_AFTER = timedelta(days=3)
DEFAULT_EXPIRY_WARNING = timedelta(days=30)
RENEWABLE_TYPES = ("certif", "licen")  # certifications, licences, licensure


def on_run(
    before: Credential,
    run: VerificationRun,
    now: datetime,
    unreachable_after: timedelta = DEFAULT_UNREACHABLE_AFTER,
) -> Alert | None:
    """The alert a new run raises, if any, given the credential row as it was before the run.

    Call inside the run's write transaction.
    """
    credential, previous_verdict, verdict = before, before.verdict, run.verdict
    if verdict == Verdict.UNREACHABLE.value:
        return _long_unreachable(credential, previous_verdict, run, now, unreachable_after)
    if previous_verdict in (None, Verdict.UNREACHABLE.value, verdict):
        return None
    # When the old verdict was last checked names the change: two workers that both read it
    # compute the same key, and the unique index keeps one alert.
    basis = before.last_checked_at.isoformat() if before.last_checked_at else "never"
    return _insert(
        credential,
        run,
        kind=AlertKind.CHANGED,
        key=f"changed:{previous_verdict}>{verdict}:{basis}",
        from_verdict=previous_verdict,
        to_verdict=verdict,
        message=_change_message(credential, previous_verdict, verdict),
        now=now,
    )


def _long_unreachable(
    credential: Credential,
    previous_verdict: str | None,
    run: VerificationRun,
    now: datetime,
    after: timedelta,
) -> Alert | None:
    last_good = (
        VerificationRun.select(VerificationRun.id, VerificationRun.finished_at)
        .where(
            (VerificationRun.credential == credential.id)
            & (VerificationRun.verdict != Verdict.UNREACHABLE.value)
        )
        .order_by(VerificationRun.id.desc())
        .first()
    )
    since = last_good.finished_at if last_good else credential.created_at
    if now - since < after:
        return None
    days = (now - since).days
    return _insert(
        credential,
        run,
        kind=AlertKind.UNREACHABLE,
        key=f"unreachable:{last_good.id if last_good else 0}",
        from_verdict=previous_verdict,
        to_verdict=Verdict.UNREACHABLE.value,
        message=(
            f"{_subject(credential)} could not be checked for {days} days: the issuer does not "
            f"answer. Its last known result ({verdict_phrase(previous_verdict)}) is kept, "
            "marked stale."
        ),
        now=now,
    )


def watch_expiry(now: datetime | None = None, warning: timedelta = DEFAULT_EXPIRY_WARNING) -> int:
    """Warn once about every verified credential that expires within `warning`; returns how many."""
    moment = now or utcnow()
    expiring = Credential.select().where(
        (Credential.verdict == Verdict.VERIFIED.value)
        & Credential.expires.is_null(False)
        & (Credential.expires > moment)
        & (Credential.expires <= moment + warning)
    )
    created = 0
    for credential in expiring:
        with write_transaction():
            alert = _insert(
                credential,
                None,
                kind=AlertKind.EXPIRING,
                key=f"expiring:{credential.expires.date().isoformat()}",
                from_verdict=credential.verdict,
                to_verdict=Verdict.EXPIRED.value,
                message=_expiry_message(credential, moment),
                now=moment,
            )
        created += alert is not None
    return created


def _insert(
    credential: Credential,
    run: VerificationRun | None,
    *,
    kind: AlertKind,
    key: str,
    from_verdict: str | None,
    to_verdict: str | None,
    message: str,
    now: datetime,
) -> Alert | None:
    """Insert-or-ignore on (credential, key); the new alert, or None if it existed."""
    inserted = (
        Alert.insert(
            organization=credential.organization_id,
            credential=credential.id,
            run=run.id if run else None,
            kind=kind.value,
            key=key[:120],
            from_verdict=from_verdict,
            to_verdict=to_verdict,
            message=message,
            created_at=now,
        )
        .on_conflict_ignore()
        .as_rowcount()
        .execute()
    )
    if not inserted:
        return None
    return Alert.get((Alert.credential == credential.id) & (Alert.key == key[:120]))


def _subject(credential: Credential) -> str:
    candidate = Candidate.get_by_id(credential.candidate_id)
    name = credential.achievement_name or "A credential"
    return f"“{name}” of {candidate.name}"


def _change_message(credential: Credential, before: str, after: str) -> str:
    return (
        f"{_subject(credential)} is now {verdict_phrase(after)}; it was {verdict_phrase(before)}."
    )


def _expiry_message(credential: Credential, now: datetime) -> str:
    days = max(0, (credential.expires - now).days)
    when = credential.expires.strftime("%-d %B %Y")
    text = f"{_subject(credential)} expires on {when}, in {days} days."
    kind = (credential.achievement_type or "").lower()
    if any(word in kind for word in RENEWABLE_TYPES):
        text += " It is a certification or licence: ask the candidate whether it has been renewed."
    return text


def unread_count(organization: Organization | int) -> int:
    return int(Alert.of(organization).where(Alert.acknowledged_at.is_null()).count())


def recent(organization: Organization | int, *, limit: int = 200) -> Sequence[Alert]:
    """Unread first, newest first."""
    return list(
        Alert.of(organization)
        .order_by(Alert.acknowledged_at.is_null(False), Alert.created_at.desc(), Alert.id.desc())
        .limit(limit)
    )


def of_credential(credential: Credential) -> Sequence[Alert]:
    return list(
        Alert.select().where(Alert.credential == credential).order_by(Alert.created_at.desc())
    )


def acknowledge(alert: Alert, user: User | None, now: datetime | None = None) -> None:
    """Mark one alert read (the first acknowledgement is kept); `user` None: an API token."""
    (
        Alert.update(acknowledged_at=now or utcnow(), acknowledged_by=user)
        .where((Alert.id == alert.id) & Alert.acknowledged_at.is_null())
        .execute()
    )


def acknowledge_all(organization: Organization | int, user: User) -> int:
    """Mark every unread alert of the organisation read; returns how many."""
    return int(
        Alert.update(acknowledged_at=utcnow(), acknowledged_by=user)
        .where((Alert.organization == organization) & Alert.acknowledged_at.is_null())
        .execute()
    )
