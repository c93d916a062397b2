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
