"""What a wallet presented is verified by the worker like any upload; only a badge that verifies
and names the holder's DID becomes proven the candidate's (SQLite and PostgreSQL)."""

from __future__ import annotations

from flask import Flask

from app.config import Settings
from app.models import Credential, Organization, utcnow
from app.services import candidates as candidate_service
from app.services import ownership, presentations
from app.services.ownership import Belonging
from jobs import worker
from tests.support.ob3_fakes import FakeFetcher
from tests.support.wallet import Wallet, badge_for

WALLET = Wallet.did_key(seed=71)
STRANGER = Wallet.did_key(seed=72)


def test_the_worker_verifies_presented_badges_and_only_the_holders_authentic_one_is_proven(
    backend_app: Flask, job_settings: Settings, acme: Organization
) -> None:
    ada = candidate_service.create(acme, "Ada", [])
    challenge = presentations.new_challenge(ada, "skillproof.test")
    forged = badge_for(WALLET.did, name="Forged")
    forged["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    presentation = WALLET.present(
        [badge_for(WALLET.did, name="Mine"), badge_for(STRANGER.did, name="Theirs"), forged],
        challenge=challenge.nonce,
        domain=challenge.domain,
        created=utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
    )

    accepted = presentations.receive(challenge, presentation, fetcher=FakeFetcher())
    worker.drain(job_settings)

    rows = [Credential.get_by_id(c.id) for c in accepted.credentials]
    assert [row.verdict for row in rows] == ["verified", "verified", "invalid"]
    assert [row.subject_id for row in rows] == [WALLET.did, STRANGER.did, ""]
    states = ownership.belonging_of(rows)
    assert [states[row.id].state for row in rows] == [
        Belonging.PROVEN,
        Belonging.SKIPPED,
        Belonging.SKIPPED,
    ]
