"""Evidence reports and the signed, expiring, revocable links that share them without an account.

A link carries `<id>.<secret>` signed with the app's secret key. Opening it needs a valid
signature, a row whose stored hash matches the secret, a future expiry and no revocation;
every opening is audited. Only the report it names is reachable from it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from app.db import write_transaction
from app.models import (
    Candidate,
    Credential,
    Organization,
    RoleProfile,
    ShareLink,
    User,
    VerificationRun,
    utcnow,
)
from app.services import ownership
from app.services import ranking as ranking_service
from app.services import roles as role_service
from app.services.accounts import audit
from app.services.candidates import CandidateError
from app.services.ownership import BelongsTo

SALT = "skillproof.share-link"
DURATIONS = {1: "1 day", 7: "7 days", 30: "30 days"}


@dataclass(frozen=True)
class CredentialEvidence:
    credential: Credential
    checks: list[dict[str, str]]
    checked_at: datetime | None
    belonging: BelongsTo | None = None


@dataclass(frozen=True)
class RoleScore:
    role: RoleProfile
    score: object  # app.ranking.CandidateScore
    position: int | None
    total: int
    shortlisted: bool


def evidence_of(candidate: Candidate) -> list[CredentialEvidence]:
    """Each credential with the checks of its latest run and when that ran."""
    credentials = list(
        Credential.select().where(Credential.candidate == candidate).order_by(Credential.id)
    )
    latest: dict[int, VerificationRun] = {}
    runs = (
        VerificationRun.select()
        .where(VerificationRun.credential.in_([c.id for c in credentials]))
        .order_by(VerificationRun.finished_at, VerificationRun.id)
    )
    for run in runs:
        latest[run.credential_id] = run
    evidence = []
    belonging = ownership.belonging_of(credentials)
    for credential in credentials:
        run = latest.get(credential.id)
        checks = json.loads(run.result_json).get("checks", []) if run else []
        finished = run.finished_at if run else None
        evidence.append(
            CredentialEvidence(credential, checks, finished, belonging.get(credential.id))
        )
    return evidence


def scores_of(candidate: Candidate) -> list[RoleScore]:
    """The candidate's score, rank and shortlisting in every role of the organisation."""
    scores = []
    for role in RoleProfile.of(candidate.organization_id).order_by(RoleProfile.title):
        ranking = ranking_service.ranking_for(role)
        score = ranking.of(candidate.id)
        if score is None:
            continue
        scores.append(
            RoleScore(
                role,
                score,
                ranking.position(candidate.id),
                len(ranking.scores),
                candidate.id in role_service.shortlisted_ids(role),
            )
        )
    return scores


def create_link(
    organization: Organization,
    actor: User,
    days: int,
    secret_key: str,
    *,
    candidate: Candidate | None = None,
    role: RoleProfile | None = None,
) -> tuple[ShareLink, str]:
    """A new link and its secret token (shown once; only a hash of the secret is kept)."""
    if days not in DURATIONS:
        raise CandidateError("Choose how long the link stays valid: 1, 7 or 30 days.")
    if (candidate is None) == (role is None):
        raise CandidateError("A link shares one candidate or one shortlist.")
    secret = secrets.token_urlsafe(24)
    with write_transaction():
        link = ShareLink.create(
            organization=organization,
            candidate=candidate,
            role=role,
            nonce_hash=_digest(secret),
            created_by=actor,
            expires_at=utcnow() + timedelta(days=days),
        )
        audit(organization, actor, "share.created", _subject(link), f"days={days}")
    return link, URLSafeSerializer(secret_key, salt=SALT).dumps([link.id, secret])


def links_of(
    organization: Organization | int,
    *,
    candidate: Candidate | None = None,
    role: RoleProfile | None = None,
) -> list[ShareLink]:
    query = ShareLink.of(organization)
    query = query.where(
        ShareLink.candidate == candidate if candidate is not None else ShareLink.role == role
    )
    return list(query.order_by(ShareLink.created_at.desc(), ShareLink.id.desc()))


def revoke(link: ShareLink, actor: User) -> None:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        link.save()
        audit(link.organization_id, actor, "share.revoked", _subject(link), str(link.id))


def open_link(token: str, secret_key: str, now: datetime | None = None) -> ShareLink | None:
    """The link a token names, if its signature, secret, expiry and revocation allow; audited."""
    moment = now or utcnow()
    link_id, secret = _unsign(token, secret_key)
    if link_id is None:
        return None
    link = ShareLink.get_or_none(ShareLink.id == link_id)
    if link is None or not secrets.compare_digest(link.nonce_hash, _digest(secret)):
        return None
    if not link.active(moment):
        audit(link.organization_id, None, "share.refused", _subject(link), str(link.id))
        return None
    with write_transaction():
        ShareLink.update(opened=ShareLink.opened + 1, last_opened_at=moment).where(
            ShareLink.id == link.id
        ).execute()
        audit(link.organization_id, None, "share.opened", _subject(link), str(link.id))
    return link


def _subject(link: ShareLink) -> str:
    return f"candidate {link.candidate_id}" if link.candidate_id else f"shortlist {link.role_id}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _unsign(token: str, secret_key: str) -> tuple[int | None, str]:
    """(link id, secret) from a token whose signature holds; (None, "") otherwise."""
    try:
        payload = URLSafeSerializer(secret_key, salt=SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None, ""
    if (
        isinstance(payload, list)
        and len(payload) == 2
        and isinstance(payload[0], int)
        and isinstance(payload[1], str)
    ):
        return payload[0], payload[1]
    return None, ""
