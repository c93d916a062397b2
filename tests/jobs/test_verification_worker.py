"""The worker claims queued credentials, verifies them against a real issuer, appends runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask

from app.models import (
    AuditEntry,
    Candidate,
    Credential,
    CredentialImage,
    EvidenceDocument,
    Organization,
    User,
    VerificationRun,
    utcnow,
)
from app.services import candidates as candidate_service
from app.services import intake, verification
from jobs import worker
from tests.conftest import make_settings
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import Case, LocalIssuer


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture
def settings(database_url: str):  # type: ignore[no-untyped-def]
    return make_settings(database_url, allow_private_hosts="127.0.0.1")


@pytest.fixture
def candidate(org: Organization) -> Candidate:
    return candidate_service.create(org, "Beth Robotics", [DEFAULT_EMAIL])


def _credential(candidate: Candidate, url: str) -> Credential:
    (credential,) = intake.add_urls(candidate, [url])
    return credential


@pytest.mark.parametrize(
    "case",
    [Case.VALID, Case.REVOKED, Case.GONE, Case.EXPIRED, Case.WRONG_RECIPIENT],
    ids=lambda c: c.value,
)
def test_worker_stores_the_verdict_run_and_evidence(
    app: Flask,
    settings,
    candidate: Candidate,
    issuer: LocalIssuer,
    case: Case,  # type: ignore[no-untyped-def]
) -> None:
    badge = issuer.hosted("a1", case)
    credential = _credential(candidate, badge.url)
    assert worker.drain(settings) == 1
    stored = Credential.get_by_id(credential.id)
    assert stored.verdict == badge.expected.value and stored.status == "done"
    run = VerificationRun.get(VerificationRun.credential == credential)
    assert run.verdict == badge.expected.value and run.trigger == "user"
    assert EvidenceDocument.select().where(EvidenceDocument.run == run).count() >= 1
    assert Candidate.get_by_id(candidate.id).state in {"verified", "attention"}


def test_verified_credential_keeps_its_verdict_marked_stale_when_issuer_is_down(
    app: Flask,
    settings,
    candidate: Candidate,
    issuer: LocalIssuer,  # type: ignore[no-untyped-def]
) -> None:
    badge = issuer.hosted("a1")
    credential = _credential(candidate, badge.url)
    worker.drain(settings)
    issuer.set_status("a1", 503)
    verification.requeue(Credential.get_by_id(credential.id))
    worker.drain(settings)
    stored = Credential.get_by_id(credential.id)
    assert (stored.verdict, stored.stale) == ("verified", True)
    verdicts = [run.verdict for run in verification.runs_of(stored)]
    assert verdicts == ["unreachable", "verified"]
    assert stored.next_check_at < utcnow() + timedelta(hours=1)  # retried with backoff


def test_revocation_at_the_issuer_shows_after_re_verification(
    app: Flask,
    settings,
    candidate: Candidate,
    issuer: LocalIssuer,  # type: ignore[no-untyped-def]
) -> None:
    credential = _credential(candidate, issuer.hosted("a1").url)
    worker.drain(settings)
    issuer.revoke("a1", "Awarded in error")
    verification.requeue(Credential.get_by_id(credential.id))
    worker.drain(settings)
    assert Credential.get_by_id(credential.id).verdict == "revoked"
    assert len(verification.runs_of(credential)) == 2  # history appended, not rewritten


def test_two_workers_never_claim_the_same_credential(app: Flask, candidate: Candidate) -> None:
    intake.add_urls(candidate, [f"https://issuer.example/a/{n}" for n in range(10)])
    first = verification.claim_due("worker-a", 6, host_limit=10).ids
    second = verification.claim_due("worker-b", 6, host_limit=10).ids
    assert len(first) == 6 and len(second) == 4 and not set(first) & set(second)


def test_a_dead_workers_claims_expire_and_are_taken_again(app: Flask, candidate: Candidate) -> None:
    intake.add_urls(candidate, ["https://issuer.example/a/1"])
    assert verification.claim_due("worker-a", 5).ids
    assert verification.claim_due("worker-b", 5).ids == []
    later = utcnow() + verification.LEASE + timedelta(seconds=1)
    assert len(verification.claim_due("worker-b", 5, now=later).ids) == 1


def test_uploaded_baked_badge_is_verified_and_its_image_kept(
    app: Flask,
    settings,
    candidate: Candidate,
    issuer: LocalIssuer,  # type: ignore[no-untyped-def]
) -> None:
    from tests.support.ob2_builders import baked_png

    badge = issuer.hosted("a1")
    credential = intake.add_file(candidate, "badge.png", baked_png(badge.url))
    assert credential is not None
    worker.drain(settings)
    stored = Credential.get_by_id(credential.id)
    assert stored.verdict == "verified"
    image = CredentialImage.get(CredentialImage.credential == credential)
    assert image.content_type == "image/png"


def test_deleting_a_candidate_removes_every_trace_but_an_audit_entry(
    app: Flask,
    settings,
    candidate: Candidate,
    issuer: LocalIssuer,
    admin: User,  # type: ignore[no-untyped-def]
) -> None:
    _credential(candidate, issuer.hosted("a1").url)
    worker.drain(settings)
    entry = candidate_service.delete(candidate, admin)
    assert Credential.select().count() == 0
    assert VerificationRun.select().count() == 0
    assert EvidenceDocument.select().count() == 0
    assert "credentials=1" in entry.detail and DEFAULT_EMAIL not in entry.detail
    assert AuditEntry.select().where(AuditEntry.action == "candidate.delete").count() == 1


def test_verify_again_pressed_during_a_run_is_not_swallowed(
    app: Flask,
    settings,
    candidate: Candidate,
    issuer: LocalIssuer,  # type: ignore[no-untyped-def]
) -> None:
    from app.verification.http import SafeFetcher
    from app.verification.netpolicy import parse_allowlist

    credential = _credential(candidate, issuer.hosted("a1").url)
    claim = verification.claim_due("worker-a", 5)
    (claimed,) = claim.ids
    verification.requeue(Credential.get_by_id(claimed))  # pressed while worker-a verifies
    with SafeFetcher(allowlist=parse_allowlist("127.0.0.1")) as fetcher:
        verification.verify_credential(claimed, fetcher, claim=claim.token)
    stored = Credential.get_by_id(credential.id)
    assert stored.verdict == "verified" and stored.status == "queued"
    assert verification.claim_due("worker-b", 5).ids == [credential.id]


def test_issuer_identity_stored_is_the_bound_profile_not_its_homepage(
    app: Flask,
    settings,
    candidate: Candidate,
    issuer: LocalIssuer,  # type: ignore[no-untyped-def]
) -> None:
    credential = _credential(candidate, issuer.hosted("a1").url)
    worker.drain(settings)
    assert Credential.get_by_id(credential.id).issuer_url == issuer.kit.issuer_id


def test_a_json_upload_mentioning_svg_still_gets_its_badge_image(
    app: Flask,
    settings,
    candidate: Candidate,
    issuer: LocalIssuer,  # type: ignore[no-untyped-def]
) -> None:
    import json

    from app.models import CredentialImage

    badge = issuer.hosted("a1")
    document = {**badge.assertion, "evidence": {"narrative": "drew <svg> icons"}}
    credential = intake.add_file(candidate, "badge.json", json.dumps(document).encode())
    assert credential is not None
    worker.drain(settings)
    image = CredentialImage.get_or_none(CredentialImage.credential == credential)
    assert Credential.get_by_id(credential.id).verdict == "verified"
    assert image is not None and image.content_type == "image/png"  # fetched from the issuer
