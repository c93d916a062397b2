"""The worker's prepared statements read and write what peewee's own queries would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from app.models import Credential, EvidenceDocument, Organization, VerificationRun
from app.services import batches, intake, statements
from app.services import candidates as candidate_service
from tests.support.ob2_builders import DEFAULT_EMAIL

MOMENT = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def _credential(
    organization: Organization, url: str = "https://issuer.example/a.json"
) -> Credential:
    candidate = candidate_service.create(organization, "Beth Robotics", [DEFAULT_EMAIL])
    (credential,) = intake.add_urls(candidate, [url])
    return credential


def test_state_and_source_read_the_same_values_as_peewee(
    backend_app: Flask, acme: Organization
) -> None:
    credential = _credential(acme)
    Credential.update(last_checked_at=MOMENT, verdict="verified", attempts=2).execute()
    state = statements.state_of(credential.id)
    source = statements.source_of(credential.id)
    assert state is not None and source is not None
    expected = Credential.get_by_id(credential.id)
    for field in statements.STATE_FIELDS:
        assert state.__data__[field.name] == expected.__data__[field.name], field.name
    for field in statements.SOURCE_FIELDS:
        assert source.__data__[field.name] == expected.__data__[field.name], field.name
    assert statements.state_of(credential.id + 1000) is None


def test_update_only_writes_while_its_claim_still_holds_the_credential(
    backend_app: Flask, acme: Organization
) -> None:
    credential = _credential(acme)
    Credential.update(claimed_by="worker-b", claim_token="claim-b").execute()
    fields: dict[str, object] = {"verdict": "revoked", "next_check_at": MOMENT, "claim_token": None}
    assert statements.update_credential(credential.id, fields, "claim-a") == 0
    assert Credential.get_by_id(credential.id).claim_token == "claim-b"
    assert statements.update_credential(credential.id, fields, "claim-b") == 1
    stored = Credential.get_by_id(credential.id)
    assert (stored.verdict, stored.next_check_at, stored.claim_token) == ("revoked", MOMENT, None)
    assert statements.update_credential(credential.id, fields, "claim-b") == 0  # released


def test_inserted_run_and_documents_read_back_unchanged(
    backend_app: Flask, acme: Organization
) -> None:
    credential = _credential(acme)
    fields: dict[str, object] = {
        "organization": acme.id,
        "credential": credential,
        "trigger": "schedule",
        "triggered_by": None,
        "started_at": MOMENT,
        "finished_at": MOMENT,
        "verdict": "verified",
        "format": "ob2-hosted",
        "recipient": "matched",
        "elapsed_ms": 12.5,
        "result_json": '{"verdict": "verified"}',
    }
    run = statements.insert_run(fields)
    stored = VerificationRun.get_by_id(run.id)
    assert (stored.credential_id, stored.started_at, stored.elapsed_ms, stored.result_json) == (
        credential.id,
        MOMENT,
        12.5,
        '{"verdict": "verified"}',
    )
    rows = [
        {
            "organization": acme.id,
            "run": run.id,
            "url": f"https://issuer.example/{n}",
            "status": 200,
            "sha256": "ab" * 32,
            "content_type": "application/json",
            "body": b"{}" if n else None,
        }
        for n in range(3)
    ]
    statements.insert_documents(rows)
    documents = (
        EvidenceDocument.select()
        .where(EvidenceDocument.run == run.id)
        .order_by(EvidenceDocument.id)
    )
    assert [(d.url, d.body and bytes(d.body)) for d in documents] == [
        (row["url"], row["body"]) for row in rows
    ]


def test_batch_recomputes_a_candidate_state_when_its_first_and_last_credential_finish(
    backend_app: Flask, acme: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    beth = candidate_service.create(acme, "Beth Robotics", [DEFAULT_EMAIL, "beth@work.example"])
    ada = candidate_service.create(acme, "Ada Lovelace", ["ada@example.com"])
    beths = intake.add_urls(beth, [f"https://issuer.example/b{n}.json" for n in range(3)])
    (adas,) = intake.add_urls(ada, ["https://issuer.example/a.json"])
    refreshed: list[int] = []
    monkeypatch.setattr(candidate_service, "refresh_state", refreshed.append)
    progress = batches.BatchProgress([c.id for c in [*beths, adas]])
    assert sorted(progress.emails_of(beths[0].id) or []) == sorted(
        [DEFAULT_EMAIL, "beth@work.example"]
    )
    assert progress.emails_of(adas.id + 1000) is None
    for credential in [beths[1], adas, beths[0], beths[2]]:
        progress.finished(credential.id)
    assert refreshed == [beth.id, ada.id, beth.id]
