"""What recruiters keep about candidates: dated notes, share links to evidence reports, and the
identities a candidate proved to be theirs."""

from __future__ import annotations

import enum

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


class ProofKind(enum.StrEnum):
    EMAIL = "email"  # an e-mail address, proven by a one-time code sent to it
    DID = "did"  # a DID, proven by a presentation signed by its key over our challenge


class ProvenIdentity(TenantModel):
    """An identifier the candidate proved to control; badges awarded to it are proven theirs."""

    candidate = peewee.ForeignKeyField(Candidate, backref="proven_identities", on_delete="CASCADE")
    kind = peewee.CharField(max_length=16)  # ProofKind
    value = peewee.CharField(
        max_length=2000
    )  # normalised: a lower-case address, or the DID as given
    method = peewee.CharField(max_length=64)  # how: "email-code", "presentation"
    detail = peewee.TextField(default="")  # a plain sentence on how it was proven
    proven_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("candidate", "kind", "value"), True),)
