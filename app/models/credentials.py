"""Candidates, their credentials, verification runs, evidence and images."""

from __future__ import annotations

import enum

import peewee

from app.models.accounts import BaseModel, TenantModel, User, UTCDateTimeField, utcnow


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
    search_text = peewee.TextField(default="")  # name and addresses folded (migration 008)

    class Meta:
        indexes = ((("organization", "archived", "name"), False),)  # migration 006


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
    source_host = peewee.CharField(max_length=255, default="")  # a fair queue limits each host
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
    # Migration 013: the candidate address the recipient check matched; whom the credential names
    # as its subject (DID or URL) and the earner's name, where it carries them.
    recipient_identity = peewee.CharField(max_length=320, default="")
    subject_id = peewee.TextField(default="")
    subject_name = peewee.CharField(max_length=200, default="")
    skills_json = peewee.TextField(default="[]")
    assertion_id = peewee.CharField(max_length=500, null=True)  # the id the credential declares
    last_checked_at = UTCDateTimeField(null=True)
    next_check_at = UTCDateTimeField(default=utcnow, index=True)
    attempts = peewee.IntegerField(default=0)
    queued_trigger = peewee.CharField(max_length=16, default="user")  # what the next run records
    queued_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    claimed_by = peewee.CharField(max_length=64, null=True)
    claimed_until = UTCDateTimeField(null=True)
    claim_token = peewee.CharField(max_length=32, null=True)  # fences a claim's writes
    # The organisation's evidence revision when this credential's ranking evidence last changed,
    # and a digest of that evidence (verdict, staleness, name, issuer, dates, skills).
    evidence_revision = peewee.BigIntegerField(default=0)
    evidence_sha256 = peewee.CharField(max_length=64, default="")
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("candidate", "dedupe_key"), True),
            (("organization", "assertion_id"), False),  # migration 009: identity conflicts
            (("organization", "dedupe_key"), False),  # migration 009
            (("organization", "created_at"), False),  # migration 018: fraud signals
            (("organization", "issuer_name", "created_at"), False),  # migration 018
        )

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
