"""How strongly a credential belongs to its candidate: proven beats matched, and a proof of one
identifier covers only the credentials awarded to it."""

from __future__ import annotations

from app.models import (
    Candidate,
    Credential,
    Organization,
    ProofKind,
    ProvenIdentity,
)
from app.services import candidates as candidate_service
from app.services import ownership
from app.services.ownership import Belonging
from tests.support.ranking_builders import build_credential


def _awarded(candidate: Candidate, name: str, **fields: str) -> Credential:
    credential = build_credential(candidate, name, [])
    Credential.update(**fields).where(Credential.id == credential.id).execute()
    return Credential.get_by_id(credential.id)


def _state(credential: Credential) -> Belonging:
    proofs = ownership.proofs_of([credential.candidate_id])[credential.candidate_id]
    return ownership.belongs_to(credential, proofs).state


def test_a_code_proven_address_makes_its_badges_proven_and_leaves_others_matched(
    org: Organization,
) -> None:
    ada = candidate_service.create(org, "Ada", ["ada@example.com", "ada@work.example"])
    home = _awarded(ada, "Home", recipient="matched", recipient_identity="ada@example.com")
    work = _awarded(ada, "Work", recipient="matched", recipient_identity="ada@work.example")

    ownership.record(
        ada,
        ProofKind.EMAIL,
        " Ada@Example.com ",
        method="email-code",
        detail="ada@example.com confirmed by a one-time code",
    )

    assert _state(home) is Belonging.PROVEN
    assert _state(work) is Belonging.MATCHED
    proofs = ownership.proofs_of([ada.id])[ada.id]
    assert (
        ownership.belongs_to(home, proofs).sentence
        == "ada@example.com confirmed by a one-time code"
    )


def test_a_proven_did_covers_credentials_whose_subject_is_that_did_only(org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", [])
    mine = _awarded(ada, "Mine", recipient="skipped", subject_id="did:key:z6MkAda")
    theirs = _awarded(ada, "Theirs", recipient="skipped", subject_id="did:key:z6MkEve")

    ownership.record(ada, ProofKind.DID, "did:key:z6MkAda", method="presentation", detail="signed")

    assert _state(mine) is Belonging.PROVEN
    assert _state(theirs) is Belonging.SKIPPED


def test_a_mismatch_is_never_upgraded_by_a_proof(org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", ["ada@example.com"])
    other = _awarded(ada, "Other", recipient="mismatch", subject_id="did:key:z6MkAda")
    ownership.record(ada, ProofKind.DID, "did:key:z6MkAda", method="presentation", detail="signed")

    assert _state(other) is Belonging.MISMATCH


def test_proving_again_refreshes_the_proof_and_rescore_the_candidate(org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", ["ada@example.com"])
    badge = _awarded(ada, "Home", recipient="matched", recipient_identity="ada@example.com")
    before = badge.evidence_revision

    first = ownership.record(
        ada, ProofKind.EMAIL, "ada@example.com", method="email-code", detail="a"
    )
    again = ownership.record(
        ada, ProofKind.EMAIL, "ADA@example.com", method="email-code", detail="b"
    )

    assert first.id == again.id
    assert ProvenIdentity.select().count() == 1
    assert ProvenIdentity.get_by_id(first.id).detail == "b"
    assert Credential.get_by_id(badge.id).evidence_revision > before
