"""Base classes, organisations, users and the audit log."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, Self

import peewee
from flask_login import UserMixin

from app.db import db

MAX_ID = 2**63 - 1  # the largest primary key SQLite and PostgreSQL store


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTimeField(peewee.DateTimeField):
    """Stores naive UTC, returns aware UTC, on SQLite and PostgreSQL alike."""

    def db_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value: Any) -> Any:
        value = super().python_value(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class BaseModel(peewee.Model):
    class Meta:
        database = db
        legacy_table_names = False


class Role(enum.StrEnum):
    ADMIN = "admin"
    RECRUITER = "recruiter"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Organization(BaseModel):
    name = peewee.CharField(max_length=200)
    slug = peewee.CharField(max_length=64, unique=True)
    time_zone = peewee.CharField(max_length=64, default="UTC")
    created_at = UTCDateTimeField(default=utcnow)
    evidence_revision = peewee.BigIntegerField(default=0)  # bumped when ranking evidence changes
    count_issuer_pages = peewee.BooleanField(default=False)  # migration 017: ranking policy

    @classmethod
    def by_slug(cls, slug: str) -> Self | None:
        return cls.get_or_none(cls.slug == slug)


class TenantModel(BaseModel):
    """A row that belongs to one organisation; query it only through `of(org)`."""

    organization = peewee.ForeignKeyField(Organization, on_delete="CASCADE")

    @classmethod
    def of(cls, organization: Organization | int) -> peewee.ModelSelect:
        return cls.select().where(cls.organization == organization)

    @classmethod
    def get_in(cls, organization: Organization | int, pk: int) -> Self | None:
        if not 0 < pk <= MAX_ID:  # no such row, and the database driver would overflow
            return None
        return cls.of(organization).where(cls.id == pk).first()


class User(UserMixin, TenantModel):
    email = peewee.CharField(max_length=320, unique=True)
    name = peewee.CharField(max_length=200, default="")
    password_hash = peewee.CharField(max_length=255)
    role = peewee.CharField(max_length=16, default=Role.RECRUITER.value)
    active = peewee.BooleanField(default=True)
    last_login_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utcnow)

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive users
        return bool(self.active)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @classmethod
    def by_email(cls, email: str) -> Self | None:
        return cls.get_or_none(cls.email == normalise_email(email))


class AuditEntry(TenantModel):
    """Who did what, when; never personal data beyond the actor's id."""

    actor = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    action = peewee.CharField(max_length=64)
    subject = peewee.CharField(max_length=200, default="")
    detail = peewee.TextField(default="")
    created_at = UTCDateTimeField(default=utcnow, index=True)


def normalise_email(email: str) -> str:
    return email.strip().lower()
