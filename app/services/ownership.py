"""Does a credential belong to its candidate? From weakest to strongest: it names someone else
(*mismatch*), nothing to compare (*not checkable* / *not checked*), it was awarded to an address
the recruiter typed (*matched*), or to an identifier the candidate proved to control (*proven*:
an e-mail by a one-time code, a DID by a presentation signed over our challenge)."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.db import write_transaction
from app.models import (
    Candidate,
    Credential,
    ProofKind,
    ProvenIdentity,
    User,
    normalise_email,
    utcnow,
)
from app.services import wakeup
from app.services.accounts import audit
from app.services.verification import next_evidence_revision


class Belonging(enum.StrEnum):
    PROVEN = "proven"
    MATCHED = "matched"
    MISMATCH = "mismatch"
    NOT_CHECKABLE = "not_checkable"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class BelongsTo:
    """A credential's ownership state, with the plain sentence that explains it."""

    state: Belonging
    sentence: str
    proven_at: datetime | None = None
    method: str = ""


def normalise(kind: ProofKind, value: str) -> str:
    """The stored form of an identifier: addresses compare case-insensitively, DIDs exactly."""
    return normalise_email(value) if kind is ProofKind.EMAIL else value.strip()


def proofs_of(candidate_ids: Iterable[int]) -> dict[int, list[ProvenIdentity]]:
    """Each candidate's proven identities, in one query."""
    found: dict[int, list[ProvenIdentity]] = defaultdict(list)
    ids = list(candidate_ids)
    if ids:
        rows = ProvenIdentity.select().where(ProvenIdentity.candidate.in_(ids))
        for row in rows.order_by(ProvenIdentity.proven_at):
            found[row.candidate_id].append(row)
    return found


def proof_for(credential: Credential, proofs: Sequence[ProvenIdentity]) -> ProvenIdentity | None:
    """The candidate's proof that covers this credential's recipient, if any."""
    return covering_proof(
        credential.recipient, credential.recipient_identity, credential.subject_id, proofs
    )


def covering_proof(
    recipient: str | None,
    recipient_identity: str | None,
    subject_id: str | None,
    proofs: Sequence[ProvenIdentity],
) -> ProvenIdentity | None:
    """`proof_for` on a credential's stored values (ranking reads raw rows, not models)."""
    address = (recipient_identity or "").strip().lower()
    subject = (subject_id or "").strip()
    for proof in proofs:
        matched = recipient == "matched"
        if proof.kind == ProofKind.EMAIL and matched and address and proof.value == address:
            return proof
        if proof.kind == ProofKind.DID and subject and proof.value == subject:
            return proof
    return None


def state_of(
    recipient: str | None,
    recipient_identity: str | None,
    subject_id: str | None,
    proofs: Sequence[ProvenIdentity],
) -> Belonging:
    """The ownership state of a credential's stored values."""
    if recipient != "mismatch" and covering_proof(
        recipient, recipient_identity, subject_id, proofs
    ):
        return Belonging.PROVEN
    try:
        return Belonging(recipient or "skipped")
    except ValueError:
        return Belonging.SKIPPED


def belongs_to(credential: Credential, proofs: Sequence[ProvenIdentity]) -> BelongsTo:
    """Whether this credential is the candidate's, and how strongly that is shown."""
    proof = proof_for(credential, proofs)
    if proof is not None and credential.recipient != "mismatch":
        return BelongsTo(Belonging.PROVEN, proof.detail, proof.proven_at, proof.method)
    state = Belonging(credential.recipient or "skipped")
    return BelongsTo(state, credential.recipient_detail or "")


def belonging_of(credentials: Sequence[Credential]) -> dict[int, BelongsTo]:
    """Each credential's ownership state, with its candidates' proofs read in one query."""
    proofs = proofs_of({credential.candidate_id for credential in credentials})
    return {c.id: belongs_to(c, proofs.get(c.candidate_id, [])) for c in credentials}


def record(
    candidate: Candidate,
    kind: ProofKind,
    value: str,
    *,
    method: str,
    detail: str,
    actor: User | None = None,
) -> ProvenIdentity:
    """Remember that the candidate proved `value`; proving it again refreshes the date."""
    stored = normalise(kind, value)
    with write_transaction():
        proof, created = ProvenIdentity.get_or_create(
            candidate=candidate,
            kind=kind.value,
            value=stored,
            defaults={
                "organization": candidate.organization_id,
                "method": method,
                "detail": detail,
            },
        )
        if not created:
            proof.method, proof.detail, proof.proven_at = method, detail, utcnow()
            proof.save()
        _touch_evidence(candidate)
        audit(
            candidate.organization_id,
            actor,
            f"identity.proven.{kind.value}",
            "candidate",
            f"{candidate.id}: {method}",
        )
    wakeup.result_stored()  # a recruiter's page waiting on this candidate shows it at once
    return proof


def _touch_evidence(candidate: Candidate) -> None:
    """Cached rankings rescore this candidate: how strongly their badges are theirs changed."""
    revision = next_evidence_revision(candidate.organization_id)
    Credential.update(evidence_revision=revision).where(Credential.candidate == candidate).execute()
