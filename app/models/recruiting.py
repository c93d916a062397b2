"""What recruiters keep about candidates: dated notes and share links to evidence reports."""

from __future__ import annotations

import peewee

from app.models.accounts import TenantModel, User, UTCDateTimeField, utcnow
from app.models.credentials import Candidate
from app.models.ranking import RoleProfile


class CandidateNote(TenantModel):
    """A dated note on a candidate by one user; never edited, so the record stays honest."""

    candidate = peewee.ForeignKeyField(Candidate, backref="dated_notes", on_delete="CASCADE")
    author = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    body = peewee.TextField()
    created_at = UTCDateTimeField(default=utcnow, index=True)


class ShareLink(TenantModel):
    """A signed link to one candidate's (or one shortlist's) evidence report, for a limited time."""

    candidate = peewee.ForeignKeyField(Candidate, null=True, on_delete="CASCADE")
    role = peewee.ForeignKeyField(RoleProfile, null=True, on_delete="CASCADE")
    nonce_hash = peewee.CharField(max_length=64, unique=True)  # SHA-256 of the link's secret
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    expires_at = UTCDateTimeField()
    revoked_at = UTCDateTimeField(null=True)
    opened = peewee.IntegerField(default=0)
    last_opened_at = UTCDateTimeField(null=True)

    def active(self, now: object) -> bool:
        return self.revoked_at is None and self.expires_at > now
