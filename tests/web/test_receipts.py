"""Receipts: one shape for the web download, the API and the history export."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Credential, EvidenceDocument, Organization, User, VerificationRun
from app.services import candidates as candidate_service
from app.services import intake, receipts
from tests.conftest import AuthActions
from tests.support.api import bearer, token
from tests.support.queries import recorded_queries, touching

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _run(credential: Credential, hour: int, verdict: str, urls: list[str]) -> VerificationRun:
    run = VerificationRun.create(
        organization=credential.organization_id,
        credential=credential,
        trigger="schedule",
        started_at=START + timedelta(hours=hour),
        finished_at=START + timedelta(hours=hour, seconds=1),
        verdict=verdict,
        result_json=json.dumps({"verdict": verdict, "checks": []}),
    )
    for url in urls:
        EvidenceDocument.create(
            organization=credential.organization_id,
            run=run,
            url=url,
            status=200,
            sha256="a" * 64,
            content_type="application/json",
        )
    return run


@pytest.fixture
def credential(org: Organization) -> Credential:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    (added,) = intake.add_urls(candidate, ["https://issuer.example/a/1"])
    return added


def test_receipt_is_the_newest_run_with_its_documents_in_fetch_order(
    credential: Credential,
) -> None:
    _run(credential, 0, "verified", ["https://issuer.example/a/1"])
    newest = _run(
        credential, 1, "revoked", ["https://issuer.example/a/1", "https://issuer.example/b"]
    )
    body = receipts.receipt(credential)
    assert body is not None
    assert (body["credential_id"], body["run_id"], body["verdict"]) == (
        credential.id,
        newest.id,
        "revoked",
    )
    assert [d["url"] for d in body["documents"]] == [
        "https://issuer.example/a/1",
        "https://issuer.example/b",
    ]
    assert body["result"] == {"verdict": "revoked", "checks": []}


def test_no_receipt_before_the_first_run(credential: Credential) -> None:
    assert receipts.receipt(credential) is None


def test_history_lists_every_run_oldest_first_in_the_receipt_shape(credential: Credential) -> None:
    _run(credential, 1, "revoked", ["https://issuer.example/b"])
    _run(credential, 0, "verified", [])
    history = receipts.history(credential)
    assert [run["verdict"] for run in history["runs"]] == ["verified", "revoked"]
    newest = {k: v for k, v in receipts.receipt(credential).items() if k != "credential_id"}  # type: ignore[union-attr]
    assert history["runs"][-1] == newest


def test_history_reads_documents_in_one_query_however_many_runs(
    credential: Credential, app: Flask
) -> None:
    for hour in range(5):
        _run(credential, hour, "verified", ["https://issuer.example/a/1"])
    with recorded_queries() as queries:
        history = receipts.history(credential)
    assert len(history["runs"]) == 5
    assert touching(queries, "evidence_document") == 1


def test_web_and_api_receipts_are_the_same_document(
    client: FlaskClient,
    auth: AuthActions,
    recruiter: User,
    org: Organization,
    credential: Credential,
) -> None:
    _run(credential, 0, "verified", ["https://issuer.example/a/1"])
    api_body = client.get(
        f"/api/v1/credentials/{credential.id}/receipt", headers=bearer(token(org))
    ).json
    auth.login(recruiter.email)
    web = client.get(f"/credentials/{credential.id}/receipt.json")
    assert "attachment" in web.headers["Content-Disposition"]
    assert json.loads(web.data) == api_body
