"""The home worklist: what needs a recruiter's action now, grouped, with counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import peewee

from app.models import (
    Candidate,
    Credential,
    CredentialStatus,
    Organization,
    RoleProfile,
    ShortlistEntry,
    VerificationRun,
)
from app.services import fraud, identity
from app.verification.issuer_pages import FORMAT as ISSUER_PAGE
from app.verification.result import Verdict

LIMIT = 50  # items shown per group; the count is always the whole number


@dataclass(frozen=True)
class Item:
    candidate_id: int
    candidate: str
    text: str
    credential_id: int | None = None


@dataclass
class Group:
    key: str
    title: str
    explanation: str
    items: list[Item] = field(default_factory=list)
    total: int = 0


def build(
    organization: Organization | int,
    now: datetime,
    *,
    unreachable_after: timedelta = timedelta(days=3),
    expiry_warning: timedelta = timedelta(days=30),
) -> list[Group]:
    """Every group, in the order a recruiter should deal with them."""
    return [
        _identity(organization),
        *_fraud_signals(organization, now),
        _revoked_on_shortlist(organization),
        _unreachable(organization, now, unreachable_after),
        _expiring(organization, now, expiry_warning),
        _not_a_badge(organization),
    ]


def _group(key: str, title: str, explanation: str, items: list[Item]) -> Group:
    return Group(key, title, explanation, items[:LIMIT], len(items))


def _identity(organization: Organization | int) -> Group:
    items = [
        Item(
            conflict.claimants[0].candidate_id,
            conflict.claimants[0].name,
            conflict.sentence,
            conflict.claimants[0].credential_id,
        )
        for conflict in identity.conflicts(organization)
    ]
    return _group(
        "identity",
        "Identity conflicts",
        "The same address or badge on more than one candidate: a duplicate to merge, or a "
        "badge someone else earned.",
        items,
    )


FRAUD_GROUPS = {
    fraud.Kind.LOOKALIKE_ISSUER: (
        "lookalike-issuer",
        "Badges from an issuer whose name looks like one your organisation trusts, but which "
        "is another issuer: check them before relying on them.",
    ),
    fraud.Kind.NAME_MISMATCH: (
        "name-mismatch",
        "The credential names its holder, and that name is clearly not the candidate's.",
    ),
    fraud.Kind.NEW_ISSUER_BURST: (
        "new-issuer-burst",
        f"An issuer first seen in the last {fraud.NEW_ISSUER_DAYS} days with "
        f"{fraud.BURST_COUNT} or more badges this week, or several on one candidate.",
    ),
}


def _fraud_signals(organization: Organization | int, now: datetime) -> list[Group]:
    found = fraud.signals(organization, now, kinds=FRAUD_GROUPS, active_only=True)
    groups = []
    for kind, (key, explanation) in FRAUD_GROUPS.items():
        items = [
            Item(
                s.candidate.id,
                s.candidate.label,
                s.text,
                s.credentials[0].id if s.credentials else None,
            )
            for s in found
            if s.kind is kind
        ]
        groups.append(_group(key, fraud.TITLES[kind], explanation, items))
    return groups


def _credentials(organization: Organization | int) -> peewee.ModelSelect:
    return (
        Credential.of(organization)
        .select(Credential, Candidate)
        .join(Candidate)
        .where(Candidate.archived == False)  # noqa: E712
    )


def _name(credential: Credential) -> str:
    return credential.achievement_name or credential.source_name or credential.source_url or ""


def _revoked_on_shortlist(organization: Organization | int) -> Group:
    rows = (
        ShortlistEntry.of(organization)
        .select(ShortlistEntry, RoleProfile, Credential, Candidate)
        .join(RoleProfile)
        .switch(ShortlistEntry)
        .join(Candidate)
        .join(Credential, on=(Credential.candidate == Candidate.id))
        .where(Credential.verdict == Verdict.REVOKED.value)
        .order_by(Candidate.name, Credential.id)
    )
    items = [
        Item(
            row.candidate.id,
            row.candidate.name,
            f"“{_name(row.candidate.credential)}” is revoked; shortlisted for "
            f"{row.role.title} on {row.added_at:%-d %b %Y}.",
            row.candidate.credential.id,
        )
        for row in rows
    ]
    return _group(
        "revoked",
        "Revoked on a shortlist",
        "A shortlisted candidate's credential was revoked by its issuer.",
        items,
    )


def _unreachable(organization: Organization | int, now: datetime, after: timedelta) -> Group:
    stuck = _credentials(organization).where(
        (Credential.verdict == Verdict.UNREACHABLE.value) | (Credential.stale == True)  # noqa: E712
    )
    items = []
    for credential in stuck.order_by(Candidate.name, Credential.id):
        since = _unreachable_since(credential)
        if now - since >= after:
            items.append(
                Item(
                    credential.candidate.id,
                    credential.candidate.name,
                    f"“{_name(credential)}”: the issuer has not answered since "
                    f"{since:%-d %b %Y} ({(now - since).days} days).",
                    credential.id,
                )
            )
    return _group(
        "unreachable",
        "Issuer unreachable for days",
        "Skillproof keeps retrying; the issuer may have moved or closed the badge.",
        items,
    )


def _unreachable_since(credential: Credential) -> datetime:
    """When the issuer stopped answering: the first unreachable run after the last other one."""
    runs = VerificationRun.select(VerificationRun.finished_at).where(
        VerificationRun.credential == credential
    )
    unreachable = VerificationRun.verdict == Verdict.UNREACHABLE.value
    last_good = runs.where(~unreachable).order_by(VerificationRun.finished_at.desc()).first()
    bad = runs.where(unreachable)
    if last_good is not None:
        bad = bad.where(VerificationRun.finished_at > last_good.finished_at)
    first_bad = bad.order_by(VerificationRun.finished_at).first()
    return first_bad.finished_at if first_bad is not None else credential.created_at


def _expiring(organization: Organization | int, now: datetime, warning: timedelta) -> Group:
    soon = _credentials(organization).where(
        (Credential.verdict == Verdict.VERIFIED.value)
        & (Credential.expires > now)
        & (Credential.expires <= now + warning)
    )
    items = [
        Item(
            c.candidate.id,
            c.candidate.name,
            f"“{_name(c)}” expires on {c.expires:%-d %b %Y}.",
            c.id,
        )
        for c in soon.order_by(Credential.expires, Credential.id)
    ]
    return _group("expiring", "Expiring soon", "Verified credentials that run out soon.", items)


def _not_a_badge(organization: Organization | int) -> Group:
    odd = _credentials(organization).where(
        (Credential.status == CredentialStatus.DONE.value)
        & (Credential.verdict == Verdict.UNSUPPORTED.value)
        & ~((Credential.format == ISSUER_PAGE) & (Credential.recipient == "matched"))
    )
    items = [
        Item(c.candidate.id, c.candidate.name, f"“{_name(c)}” cannot be checked.", c.id)
        for c in odd.order_by(Candidate.name, Credential.id)
    ]
    return _group(
        "not-a-badge",
        "Not a badge",
        "Files or links that are no digital badge, or in a format Skillproof cannot check: "
        "remove them, or ask the candidate for the badge itself.",
        items,
    )
