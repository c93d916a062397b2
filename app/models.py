"""peewee models. Every employer-owned row belongs to an organisation (TenantModel)."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, Self

import peewee
from flask_login import UserMixin

from app.db import db


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


class CandidateState(enum.StrEnum):
    """A candidate's credentials at a glance, kept current by the verification service."""

    NONE = "none"  # no credentials yet
    PENDING = "pending"  # at least one still being verified
    VERIFIED = "verified"  # every credential verified
    ATTENTION = "attention"  # at least one not verified


class Candidate(TenantModel):
    name = peewee.CharField(max_length=200)
    notes = peewee.TextField(default="")
    archived = peewee.BooleanField(default=False, index=True)
    state = peewee.CharField(max_length=16, default=CandidateState.NONE.value, index=True)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)


class CandidateEmail(BaseModel):
    candidate = peewee.ForeignKeyField(Candidate, backref="emails", on_delete="CASCADE")
    email = peewee.CharField(max_length=320, index=True)

    class Meta:
        indexes = ((("candidate", "email"), True),)


class ImportBatch(TenantModel):
    filename = peewee.CharField(max_length=255, default="")
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    candidates_created = peewee.IntegerField(default=0)
    candidates_updated = peewee.IntegerField(default=0)


class CredentialStatus(enum.StrEnum):
    QUEUED = "queued"
    VERIFYING = "verifying"
    DONE = "done"


class Credential(TenantModel):
    candidate = peewee.ForeignKeyField(Candidate, backref="credentials", on_delete="CASCADE")
    import_batch = peewee.ForeignKeyField(ImportBatch, null=True, on_delete="SET NULL")
    dedupe_key = peewee.CharField(max_length=300)
    source_url = peewee.TextField(null=True)
    source_name = peewee.CharField(max_length=255, null=True)
    source_sha256 = peewee.CharField(max_length=64, null=True)
    source_data = peewee.BlobField(null=True)
    status = peewee.CharField(max_length=16, default=CredentialStatus.QUEUED.value, index=True)
    verdict = peewee.CharField(max_length=24, null=True)
    stale = peewee.BooleanField(default=False)
    format = peewee.CharField(max_length=32, default="")
    issuer_name = peewee.CharField(max_length=300, default="")
    issuer_url = peewee.TextField(default="")
    achievement_name = peewee.CharField(max_length=300, default="")
    achievement_type = peewee.CharField(max_length=100, default="")
    description = peewee.TextField(default="")
    criteria = peewee.TextField(default="")
    image_url = peewee.TextField(default="")
    issued_on = UTCDateTimeField(null=True)
    expires = UTCDateTimeField(null=True)
    recipient = peewee.CharField(max_length=16, default="skipped")
    recipient_detail = peewee.TextField(default="")
    skills_json = peewee.TextField(default="[]")
    last_checked_at = UTCDateTimeField(null=True)
    next_check_at = UTCDateTimeField(default=utcnow, index=True)
    attempts = peewee.IntegerField(default=0)
    queued_trigger = peewee.CharField(max_length=16, default="user")  # what the next run records
    queued_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    claimed_by = peewee.CharField(max_length=64, null=True)
    claimed_until = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("candidate", "dedupe_key"), True),)

    @property
    def pending(self) -> bool:
        return self.status != CredentialStatus.DONE.value


class VerificationRun(TenantModel):
    """One verification of one credential; append-only."""

    credential = peewee.ForeignKeyField(Credential, backref="runs", on_delete="CASCADE")
    trigger = peewee.CharField(max_length=16)  # user | import | schedule | api | cli
    triggered_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    started_at = UTCDateTimeField()
    finished_at = UTCDateTimeField()
    verdict = peewee.CharField(max_length=24)
    format = peewee.CharField(max_length=32, default="")
    recipient = peewee.CharField(max_length=16, default="skipped")
    elapsed_ms = peewee.FloatField(default=0)
    result_json = peewee.TextField()


class EvidenceDocument(TenantModel):
    """A document fetched during a run: always its hash, its body when small."""

    run = peewee.ForeignKeyField(VerificationRun, backref="documents", on_delete="CASCADE")
    url = peewee.TextField()
    status = peewee.IntegerField()
    sha256 = peewee.CharField(max_length=64)
    content_type = peewee.CharField(max_length=128, default="")
    body = peewee.BlobField(null=True)


class CredentialImage(TenantModel):
    """The badge image, fetched once, checked and sanitised, served from our own origin."""

    credential = peewee.ForeignKeyField(Credential, unique=True, on_delete="CASCADE")
    content_type = peewee.CharField(max_length=64)
    data = peewee.BlobField()
    sha256 = peewee.CharField(max_length=64)
    fetched_at = UTCDateTimeField(default=utcnow)


MODELS: tuple[type[BaseModel], ...] = (
    Organization,
    User,
    AuditEntry,
    Candidate,
    CandidateEmail,
    ImportBatch,
    Credential,
    VerificationRun,
    EvidenceDocument,
    CredentialImage,
)
