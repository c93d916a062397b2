"""Credentials over the API: verdict with checks and evidence, re-verify, receipt."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Credential, Organization
from app.services import candidates as candidate_service
from app.services import intake
from jobs import worker
from tests.conftest import make_settings
from tests.support.api import token
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import Case, LocalIssuer

Verified = Callable[..., Credential]


@pytest.fixture
def api(app: Flask, org: Organization) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(org)}"
    return client


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture
def verified(org: Organization, issuer: LocalIssuer, database_url: str) -> Verified:
    """A credential of `case` from the loopback issuer, verified by the worker."""

    def make(case: Case = Case.VALID, slug: str = "a1") -> Credential:
        candidate = candidate_service.create(org, "Beth", [DEFAULT_EMAIL])
        (credential,) = intake.add_urls(candidate, [issuer.hosted(slug, case).url])
        worker.drain(make_settings(database_url, allow_private_hosts="127.0.0.1"))
        return Credential.get_by_id(credential.id)

    return make


def test_show_before_verification_has_no_verdict_yet(api: FlaskClient, org: Organization) -> None:
    candidate = candidate_service.create(org, "Ada", [])
    (credential,) = intake.add_urls(candidate, ["https://issuer.example/a/1"])
    body = api.get(f"/api/v1/credentials/{credential.id}").json
    assert (body["status"], body["verdict"], body["result"]) == ("queued", None, None)
    assert body["checks"] == [] and body["runs"] == []


@pytest.mark.parametrize(
    ("case", "verdict"),
    [
        pytest.param(Case.VALID, "verified", id="verified"),
        pytest.param(Case.REVOKED, "revoked", id="revoked"),
        pytest.param(Case.WRONG_RECIPIENT, "recipient_mismatch", id="someone-else"),
    ],
)
def test_show_has_the_verdict_checks_and_evidence(
    api: FlaskClient, verified: Verified, case: Case, verdict: str
) -> None:
    credential = verified(case)
    body = api.get(f"/api/v1/credentials/{credential.id}").json
    assert (body["status"], body["verdict"]) == ("done", verdict)
    assert body["result"]["verdict"] == verdict and body["checks"] == body["result"]["checks"]
    assert {check["outcome"] for check in body["checks"]} <= {"pass", "fail", "warn", "skip"}
    assert body["issuer"]["name"] == credential.issuer_name != ""
    assert body["achievement"]["name"] == credential.achievement_name != ""
    assert [run["verdict"] for run in body["runs"]] == [verdict]


def test_reverify_queues_a_run_recorded_as_from_the_api(
    api: FlaskClient, verified: Verified, database_url: str
) -> None:
    credential = verified()
    response = api.post(f"/api/v1/credentials/{credential.id}/verify")
    assert response.status_code == 202 and response.json["status"] == "queued"
    assert response.headers["Location"] == f"/api/v1/credentials/{credential.id}"
    worker.drain(make_settings(database_url, allow_private_hosts="127.0.0.1"))
    runs = api.get(f"/api/v1/credentials/{credential.id}").json["runs"]
    assert [run["trigger"] for run in runs] == ["api", "user"]


def test_receipt_is_the_last_run_with_document_hashes(
    api: FlaskClient, verified: Verified, issuer: LocalIssuer
) -> None:
    credential = verified()
    response = api.get(f"/api/v1/credentials/{credential.id}/receipt")
    assert response.status_code == 200
    body = response.json
    assert body["credential_id"] == credential.id and body["result"]["verdict"] == "verified"
    assert credential.source_url in {d["url"] for d in body["documents"]}
    assert all(len(d["sha256"]) == 64 for d in body["documents"])


def test_receipt_before_any_run_is_409(api: FlaskClient, org: Organization) -> None:
    candidate = candidate_service.create(org, "Ada", [])
    (credential,) = intake.add_urls(candidate, ["https://issuer.example/a/1"])
    response = api.get(f"/api/v1/credentials/{credential.id}/receipt")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "not_verified_yet"


@pytest.mark.parametrize("suffix", ["", "/receipt"])
def test_unknown_credential_is_404(api: FlaskClient, suffix: str) -> None:
    response = api.get(f"/api/v1/credentials/777{suffix}")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_reverify_unknown_credential_is_404(api: FlaskClient) -> None:
    assert api.post("/api/v1/credentials/777/verify").status_code == 404
