"""Invite links: one candidate adds their own credentials through a personal, expiring link."""

from __future__ import annotations

from datetime import datetime

import peewee

from app.models.accounts import BaseModel, TenantModel, User, UTCDateTimeField, utcnow
from app.models.credentials import Candidate, Credential


class CandidateInvite(TenantModel):
    """A personal link for one candidate; only the SHA-256 of its 256-bit secret is kept."""

    candidate = peewee.ForeignKeyField(Candidate, backref="invites", on_delete="CASCADE")
    token_hash = peewee.CharField(max_length=64, unique=True)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    expires_at = UTCDateTimeField()
    revoked_at = UTCDateTimeField(null=True)
    sent_to = peewee.CharField(max_length=320, default="")  # the address it was e-mailed to
    sent_at = UTCDateTimeField(null=True)
    opened_at = UTCDateTimeField(null=True)  # first opened
    consented_at = UTCDateTimeField(null=True)
    consent_version = peewee.CharField(max_length=32, default="")  # the notice agreed to
    last_used_at = UTCDateTimeField(null=True)
    uses = peewee.IntegerField(default=0)  # openings of the link

    class Meta:
        indexes = ((("candidate", "created_at"), False),)

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class InviteCredential(BaseModel):
    """A credential the candidate added through an invite (they may remove only these)."""

    invite = peewee.ForeignKeyField(CandidateInvite, backref="credentials", on_delete="CASCADE")
    credential = peewee.ForeignKeyField(Credential, unique=True, on_delete="CASCADE")
    added_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "invite_credential"


class InviteProfile(BaseModel):
    """A profile link the candidate sent through an invite (migration 014_invite_profiles): the
    badges found on it are the candidate's submissions too."""

    invite = peewee.ForeignKeyField(CandidateInvite, backref="profiles", on_delete="CASCADE")
    url_key = peewee.CharField(max_length=300)  # as ProfileImport.url_key
    added_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("invite", "url_key"), True),)
