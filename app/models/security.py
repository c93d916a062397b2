"""Server-side sessions, organisation webhooks and the shared rate-limit counters."""

from __future__ import annotations

import peewee

from app.models.accounts import BaseModel, TenantModel, User, UTCDateTimeField, utcnow


class UserSession(BaseModel):
    """One signed-in browser; signing out revokes it, so a copied cookie stops working."""

    user = peewee.ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    token_hash = peewee.CharField(max_length=64, unique=True)  # SHA-256 hex of the cookie's token
    created_at = UTCDateTimeField(default=utcnow)
    revoked_at = UTCDateTimeField(null=True)


class OrganizationWebhook(TenantModel):
    """Where an organisation's alerts are POSTed, signed with its own secret (one per org)."""

    url = peewee.TextField()
    secret = peewee.CharField(max_length=128)
    updated_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("organization",), True),)


class RateLimitCounter(BaseModel):
    """A fixed-window rate-limit counter every web worker shares (storage `database://`)."""

    key = peewee.CharField(max_length=255, primary_key=True)
    hits = peewee.IntegerField(default=0)
    expires_at = peewee.DoubleField()  # seconds since the epoch
