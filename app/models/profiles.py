"""Public profile links (a Credly profile, a Badgr collection) to expand into their badges."""

from __future__ import annotations

import enum

import peewee

from app.models.accounts import TenantModel, User, UTCDateTimeField, utcnow
from app.models.credentials import Candidate
from app.verification.profiles import kind_of


class ProfileStatus(enum.StrEnum):
    QUEUED = "queued"
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"


class ProfileImport(TenantModel):
    """One profile link of a candidate; the worker reads it and adds one credential per badge."""

    candidate = peewee.ForeignKeyField(Candidate, backref="profile_imports", on_delete="CASCADE")
    url = peewee.TextField()
    url_key = peewee.CharField(max_length=300)  # one row per profile and candidate
    provider = peewee.CharField(max_length=64)
    handle = peewee.CharField(max_length=100)
    status = peewee.CharField(max_length=16, default=ProfileStatus.QUEUED.value, index=True)
    detail = peewee.TextField(default="")  # why it failed, in plain words
    found = peewee.IntegerField(default=0)  # public badges the profile lists
    added = peewee.IntegerField(default=0)  # of those, new credentials this import added
    queued_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    claimed_by = peewee.CharField(max_length=64, null=True)
    claimed_until = UTCDateTimeField(null=True)
    claim_token = peewee.CharField(max_length=32, null=True)  # fences a claim's writes
    created_at = UTCDateTimeField(default=utcnow)
    finished_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "profile_import"
        indexes = ((("candidate", "url_key"), True),)

    @property
    def pending(self) -> bool:
        return self.status in (ProfileStatus.QUEUED.value, ProfileStatus.IMPORTING.value)

    @property
    def label(self) -> str:
        """ "Credly profile ada-lovelace", as the candidate's page names it."""
        return f"{self.provider} {kind_of(self.provider)} {self.handle}"
