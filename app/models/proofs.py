"""One-time codes that prove a candidate controls an e-mail address."""

from __future__ import annotations

import peewee

from app.models.accounts import TenantModel, UTCDateTimeField, utcnow
from app.models.credentials import Candidate


class EmailChallenge(TenantModel):
    """One code sent to one address; only its salted HMAC is kept, and it works once."""

    candidate = peewee.ForeignKeyField(Candidate, on_delete="CASCADE")
    address = peewee.CharField(max_length=320, index=True)  # lower-case
    salt = peewee.CharField(max_length=32)  # random hex, per row
    code_hash = peewee.CharField(max_length=64)  # HMAC-SHA256(salt, code), hex
    created_at = UTCDateTimeField(default=utcnow, index=True)
    expires_at = UTCDateTimeField()
    attempts = peewee.IntegerField(default=0)  # wrong and right tries; dead at the maximum
    consumed_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = ((("candidate", "address", "created_at"), False),)
