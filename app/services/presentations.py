"""Wallet presentations: a single-use challenge per candidate (a VC API exchange) and what a
presentation signed over it brings: the holder's DID proven the candidate's, and each credential
in it added to the candidate and queued for verification like an uploaded file.

The exchange follows the W3C CCG VC API: `POST /exchanges/<id>` with `{}` answers a
`verifiablePresentationRequest` (a DIDAuthentication and a QueryByExample query, our challenge
and domain); the wallet then posts `{"verifiablePresentation": ...}`.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from app.db import write_transaction
from app.models import (
    Candidate,
    CandidateInvite,
    Credential,
    PresentationChallenge,
    ProofKind,
    utcnow,
)
from app.services import intake, invites, ownership, wakeup
from app.services.accounts import audit
from app.services.candidates import CandidateError
from app.verification.fetcher import Fetcher
from app.verification.ob3.presentation import (
    Challenge,
    HolderProof,
    Presentation,
    Refused,
    challenge_of,
    check_presentation,
    presentation_from,
    read_presentation,
)

LIFETIME = timedelta(minutes=10)
# An open challenge is shown again only while the candidate still has this long to use it.
REUSE_MARGIN = timedelta(minutes=3)
EXCHANGE_ID = re.compile(r"[A-Za-z0-9_-]{20,64}")
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"


class PresentationError(CandidateError):
    """A presentation or exchange that was refused; the message is for the candidate.

    `status` is the HTTP status an exchange answers with: 404 for an unknown exchange, 410 for
    a used or expired one, 400 for a presentation that proves nothing, 502 when the holder's
    DID document could not be fetched (trying again may work).
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Accepted:
    """What a presentation brought, in words for the candidate."""

    holder: str
    credentials: tuple[Credential, ...]  # the rows added (not those already there)
    already_there: int
    skipped: tuple[str, ...]

    @property
    def added(self) -> int:
        return len(self.credentials)

    @property
    def sentence(self) -> str:
        parts = [f"Your wallet ({self.holder}) proved it is yours."]
        if self.added:
            parts.append(f"{_count(self.added)} added; each is being verified now.")
        if self.already_there:
            parts.append(f"{_count(self.already_there)} already here.")
        if not (self.added or self.already_there):
            parts.append("It held no credentials.")
        parts += list(self.skipped)
        return " ".join(parts)


def _count(number: int) -> str:
    return f"{number} credential{'s' if number != 1 else ''}"


def domain_of(base_url: str, request_host: str) -> str:
    """The domain a wallet signs for: the configured public origin's host, else the request's."""
    host = urlsplit(base_url).netloc if base_url else ""
    return (host or request_host).lower()[:255]


def open_challenge(
    candidate: Candidate,
    domain: str,
    *,
    invite: CandidateInvite | None = None,
    now: datetime | None = None,
) -> PresentationChallenge:
    """The candidate's open challenge for `domain` (through `invite`) with time left, or a new
    one."""
    moment = now or utcnow()
    found = (
        PresentationChallenge.select()
        .where(
            (PresentationChallenge.candidate == candidate)
            & (PresentationChallenge.domain == domain)
            & (PresentationChallenge.invite == invite)
            & PresentationChallenge.used_at.is_null()
            & (PresentationChallenge.expires_at > moment + REUSE_MARGIN)
        )
        .order_by(PresentationChallenge.created_at.desc())
        .first()
    )
    return found or new_challenge(candidate, domain, invite=invite, now=moment)


def new_challenge(
    candidate: Candidate,
    domain: str,
    *,
    invite: CandidateInvite | None = None,
    now: datetime | None = None,
) -> PresentationChallenge:
    """A fresh exchange: an unguessable id for its URL and a random nonce, for ten minutes."""
    moment = now or utcnow()
    return PresentationChallenge.create(
        organization=candidate.organization_id,
        candidate=candidate,
        invite=invite,
        exchange_id=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(24),
        domain=domain,
        created_at=moment,
        expires_at=moment + LIFETIME,
    )


def by_exchange(exchange_id: str) -> PresentationChallenge | None:
    """The challenge an exchange URL names; None for anything that is not one."""
    if not EXCHANGE_ID.fullmatch(exchange_id):
        return None
    return PresentationChallenge.get_or_none(PresentationChallenge.exchange_id == exchange_id)


def request_of(challenge: PresentationChallenge) -> dict[str, Any]:
    """The VC API answer to `{}`: what to present, and the challenge and domain to sign over."""
    return {
        "verifiablePresentationRequest": {
            "query": [
                {
                    "type": "DIDAuthentication",
                    "acceptedMethods": [{"method": "key"}, {"method": "jwk"}, {"method": "web"}],
                },
                {
                    "type": "QueryByExample",
                    "credentialQuery": [
                        {
                            "reason": "The employer verifies your badges and credentials.",
                            "example": {
                                "@context": [VC_CONTEXT, OB_CONTEXT],
                                "type": "OpenBadgeCredential",
                            },
                        }
                    ],
                },
            ],
            "challenge": challenge.nonce,
            "domain": challenge.domain,
        }
    }


def usable(challenge: PresentationChallenge, now: datetime | None = None) -> str:
    """Why the challenge can no longer be used ("" while it can)."""
    moment = now or utcnow()
    if (
        challenge.invite_id is not None
        and invites.active_by_id(challenge.invite_id, moment) is None
    ):
        return (
            "The invite link this request came from is no longer active: ask the employer for"
            " a new one."
        )
    if challenge.used_at is not None:
        return (
            f"This request was already used at {_when(challenge.used_at)}: a presentation counts"
            " once. Start a new one from the page you came from."
        )
    if challenge.expires_at <= moment:
        return (
            f"This request expired at {_when(challenge.expires_at)}: it lasts"
            f" {int(LIFETIME.total_seconds() // 60)} minutes. Start a new one from the page you"
            " came from."
        )
    return ""


def receive(
    challenge: PresentationChallenge,
    payload: bytes | str | Mapping[str, Any],
    *,
    fetcher: Fetcher,
    candidate: Candidate | None = None,
    now: datetime | None = None,
) -> Accepted:
    """Check a presentation against `challenge`, use the challenge up, add what it holds.

    `payload` is pasted text or bytes, or the decoded JSON of a VC API post. With `candidate`
    (the portal), the challenge must be theirs. Raises PresentationError with the reason.
    """
    moment = now or utcnow()
    owner = Candidate.get_by_id(challenge.candidate_id)
    if candidate is not None and candidate.id != owner.id:
        _refused(challenge, "another-candidate")
        raise PresentationError("This request was made for someone else.", 404)
    reason = usable(challenge, moment)
    if reason:
        _refused(challenge, "closed")
        raise PresentationError(reason, 410)
    presentation: Presentation | None = None
    try:
        presentation = (
            presentation_from(payload)
            if isinstance(payload, Mapping)
            else read_presentation(payload)
        )
        proof = check_presentation(
            presentation,
            Challenge(challenge.nonce, challenge.domain),
            fetcher=fetcher,
            now=moment,
        )
    except Refused as refused:
        message = _replayed(owner, presentation, refused)
        replayed = message != refused.reason
        _refused(challenge, "replayed" if replayed else _code(refused))
        raise PresentationError(message, 502 if refused.kind == "unreachable" else 400) from None
    return _accept(challenge, owner, proof, moment)


def _replayed(owner: Candidate, presentation: Presentation | None, refused: Refused) -> str:
    """A presentation made for one of this candidate's earlier, used challenges: say so."""
    if not refused.challenge or presentation is None:
        return refused.reason
    nonce = challenge_of(presentation)
    earlier = (
        PresentationChallenge.get_or_none(
            (PresentationChallenge.nonce == nonce)
            & (PresentationChallenge.candidate == owner)
            & PresentationChallenge.used_at.is_null(False)
        )
        if nonce
        else None
    )
    if earlier is None:
        return refused.reason
    return (
        f"This presentation was already used at {_when(earlier.used_at)}: each one counts once."
        " Ask your wallet for a new presentation for this request."
    )


def _accept(
    challenge: PresentationChallenge, owner: Candidate, proof: HolderProof, now: datetime
) -> Accepted:
    """Use the challenge up (only one presentation wins), then add and prove in one go."""
    with write_transaction():
        won = (
            PresentationChallenge.update(used_at=now)
            .where(
                (PresentationChallenge.id == challenge.id)
                & PresentationChallenge.used_at.is_null()
                & (PresentationChallenge.expires_at > now)
            )
            .execute()
        )
        closed = "" if won else usable(PresentationChallenge.get_by_id(challenge.id), now)
        if not closed and challenge.invite_id is not None:
            closed = usable(challenge, now)  # the invite was revoked a moment ago
        if closed or not won:
            raise PresentationError(closed or "This request is no longer open.", 410)
        accepted = _add_credentials(owner, proof)
        if challenge.invite_id is not None:  # the portal lists what came through its invite
            invite = CandidateInvite.get_by_id(challenge.invite_id)
            invites.submitted(
                invite, accepted.credentials, f"wallet presentation: {accepted.added}"
            )
        ownership.record(
            owner,
            ProofKind.DID,
            proof.holder,
            method="presentation",
            # pages add "on <date>" from proven_at
            detail=(
                f"the candidate's wallet ({proof.holder}) signed a presentation over"
                " Skillproof's challenge"
            ),
        )
        PresentationChallenge.update(
            holder=proof.holder,
            outcome=accepted.sentence,
            credentials_added=accepted.added,
        ).where(PresentationChallenge.id == challenge.id).execute()
        audit(
            owner.organization_id,
            None,
            "presentation.accepted",
            "candidate",
            f"{owner.id}: {proof.signed_with}; added={accepted.added}"
            f" already={accepted.already_there}",
        )
    wakeup.result_stored()  # committed now: a portal page waiting on this exchange goes on
    return accepted


def _add_credentials(owner: Candidate, proof: HolderProof) -> Accepted:
    added: list[Credential] = []
    already, skipped = 0, []
    for index, credential in enumerate(proof.credentials):
        data = (
            json.dumps(credential, ensure_ascii=False).encode()
            if isinstance(credential, Mapping)
            else credential.encode()
        )
        try:
            row = intake.add_file(owner, f"wallet presentation, credential {index + 1}", data)
        except intake.IntakeError as error:
            skipped.append(f"Credential {index + 1} was not added: {error}")
            continue
        if row is None:
            already += 1
        else:
            added.append(row)
    return Accepted(proof.holder, tuple(added), already, tuple(skipped))


def _code(refused: Refused) -> str:
    return "other-challenge" if refused.challenge else refused.kind


def _refused(challenge: PresentationChallenge, code: str) -> None:
    """Audit a refusal by its kind only: the trail outlives a deleted candidate, and a refusal's
    words may name DIDs."""
    audit(
        challenge.organization_id,
        None,
        "presentation.refused",
        "candidate",
        f"{challenge.candidate_id}: {code}",
    )


def _when(moment: datetime | None) -> str:
    return moment.strftime("%H:%M UTC on %-d %B %Y") if moment else "an earlier time"
