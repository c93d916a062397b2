"""Alerts on verdict changes, their outbound deliveries, and the scheduler's own state."""

from __future__ import annotations

import enum

import peewee

from app.models.accounts import BaseModel, TenantModel, User, UTCDateTimeField, utcnow
from app.models.credentials import Credential, VerificationRun


class AlertKind(enum.StrEnum):
    CHANGED = "changed"  # the verdict changed (verified -> revoked, expired, ...)
    UNREACHABLE = "unreachable"  # the issuer has not answered for days
    EXPIRING = "expiring"  # the credential expires soon


class Alert(TenantModel):
    """One change worth telling a recruiter about; unique per (credential, key)."""

    credential = peewee.ForeignKeyField(Credential, backref="alerts", on_delete="CASCADE")
    run = peewee.ForeignKeyField(VerificationRun, null=True, on_delete="SET NULL")
    kind = peewee.CharField(max_length=16)
    key = peewee.CharField(max_length=120)  # what makes the alert the same across workers
    from_verdict = peewee.CharField(max_length=24, null=True)
    to_verdict = peewee.CharField(max_length=24, null=True)
    message = peewee.TextField()
    created_at = UTCDateTimeField(default=utcnow, index=True)
    acknowledged_at = UTCDateTimeField(null=True, index=True)
    acknowledged_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("credential", "key"), True),)

    @property
    def unread(self) -> bool:
        return self.acknowledged_at is None


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry


class AlertDelivery(TenantModel):
    """One alert sent over one channel (webhook, email): attempts and the last outcome."""

    alert = peewee.ForeignKeyField(Alert, backref="deliveries", on_delete="CASCADE")
    channel = peewee.CharField(max_length=16)
    status = peewee.CharField(max_length=16, default=DeliveryStatus.PENDING.value, index=True)
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = UTCDateTimeField(default=utcnow, index=True)
    claimed_until = UTCDateTimeField(null=True)
    last_status = peewee.IntegerField(null=True)
    last_error = peewee.TextField(default="")
    created_at = UTCDateTimeField(default=utcnow)
    delivered_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = ((("alert", "channel"), True),)


class JobState(BaseModel):
    """When a scheduled job last ran and is next due (e.g. `nightly:<org id>`)."""

    name = peewee.CharField(max_length=64, unique=True)
    last_started_at = UTCDateTimeField(null=True)
    last_finished_at = UTCDateTimeField(null=True)
    next_run_at = UTCDateTimeField(null=True)
    last_count = peewee.IntegerField(default=0)
    last_error = peewee.TextField(default="")
