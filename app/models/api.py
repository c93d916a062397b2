"""API tokens: named, scoped, revocable; only a hash of the secret is stored."""

from __future__ import annotations

import enum

import peewee

from app.models.accounts import TenantModel, User, UTCDateTimeField, utcnow


class ApiScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"  # read and write


class ApiToken(TenantModel):
    name = peewee.CharField(max_length=100)
    scope = peewee.CharField(max_length=8, default=ApiScope.READ.value)
    prefix = peewee.CharField(max_length=16)  # shown in lists so a token can be recognised
    token_hash = peewee.CharField(max_length=64, unique=True)  # SHA-256 hex of the secret
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    last_used_at = UTCDateTimeField(null=True)
    revoked_at = UTCDateTimeField(null=True)

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == ApiScope.WRITE.value


class IdempotencyKey(TenantModel):
    """The stored response of a POST sent with an `Idempotency-Key`, replayed on a repeat."""

    token = peewee.ForeignKeyField(ApiToken, on_delete="CASCADE")
    key = peewee.CharField(max_length=255)
    method = peewee.CharField(max_length=8)
    path = peewee.CharField(max_length=300)
    request_sha256 = peewee.CharField(max_length=64)
    status = peewee.IntegerField()
    body = peewee.TextField()
    location = peewee.TextField(default="")
    created_at = UTCDateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("token", "key"), True),)
