"""Challenges Skillproof gives a candidate's wallet: one exchange, one nonce, used once."""

from __future__ import annotations

import peewee

from app.models.accounts import TenantModel, UTCDateTimeField, utcnow
from app.models.credentials import Candidate
from app.models.invites import CandidateInvite


class PresentationChallenge(TenantModel):
    """A VC API exchange for one candidate: the wallet signs a presentation over `nonce` and
    `domain`; the first presentation that verifies uses it up (`used_at`), and it expires.

    `exchange_id` is the unguessable capability in the exchange URL; it lets a wallet add
    credentials to this one candidate for ten minutes, once, and reveals nothing about them.
    """

    candidate = peewee.ForeignKeyField(Candidate, backref="challenges", on_delete="CASCADE")
    # the invite whose portal opened it: revoking the invite closes the exchange too
    invite = peewee.ForeignKeyField(CandidateInvite, null=True, on_delete="CASCADE")
    exchange_id = peewee.CharField(max_length=64, unique=True)
    nonce = peewee.CharField(max_length=64, unique=True)
    domain = peewee.CharField(max_length=255)
    created_at = UTCDateTimeField(default=utcnow)
    expires_at = UTCDateTimeField()
    used_at = UTCDateTimeField(null=True)
    holder = peewee.TextField(default="")  # the DID that signed, once used
    outcome = peewee.TextField(default="")  # a plain sentence: what came of it
    credentials_added = peewee.IntegerField(default=0)

    class Meta:
        table_name = "presentation_challenge"
