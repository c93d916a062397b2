"""POST /api/v1/verify: one credential now, the CLI's result shape, under a time limit."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app, db
from app.models import Candidate, Credential
from app.services.checking import build_fetcher
from app.verification.fetcher import ACCEPT_JSON, FetchResponse
from app.verification.ob3 import canon
from app.verification.result import Verdict
from app.verification.source import Source
from app.verification.verify import verify
from app.web.api.verify import FETCHER_FACTORY, run_with_limit
from tests.conftest import make_settings
from tests.support.api import token
from tests.support.builders import build_org
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.ob3_builders import IssuerKit, build_credential
from tests.support.ob3_fakes import FakeFetcher
from tests.support.test_issuer import OTHER_EMAIL, Case, LocalIssuer


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture
def loopback_app(database_url: str) -> Iterator[Flask]:
    settings = make_settings(database_url, allow_private_hosts="127.0.0.1", api_verify_seconds=10)
    application = create_app(settings)
    db.migrate()
    yield application
    db.db.close()


@pytest.fixture
def api(loopback_app: Flask) -> FlaskClient:
    client = loopback_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(build_org('Acme', 'acme'))}"
    return client


def test_a_url_gets_the_same_result_as_the_command_line(
    api: FlaskClient, loopback_app: Flask, issuer: LocalIssuer
) -> None:
    badge = issuer.hosted("a1")
    response = api.post("/api/v1/verify", json={"url": badge.url, "emails": [DEFAULT_EMAIL]})
    assert response.status_code == 200
    settings = loopback_app.extensions["skillproof.settings"]
    with build_fetcher(settings) as fetcher:
        expected = verify(
            Source.from_url(badge.url),
            fetcher=fetcher,
            now=datetime.now(UTC),
            emails=[DEFAULT_EMAIL],
        ).to_dict()
    body = response.json
    assert set(body) == set(expected)
    volatile = {"elapsed_ms", "checked_at"}
    assert {k: v for k, v in body.items() if k not in volatile} == {
        k: v for k, v in expected.items() if k not in volatile
    }
    assert body["verdict"] == "verified" and body["target"] == badge.url


def test_nothing_is_stored(api: FlaskClient, issuer: LocalIssuer) -> None:
    api.post("/api/v1/verify", json={"url": issuer.hosted("a1").url})
    assert Candidate.select().count() == 0 and Credential.select().count() == 0


@pytest.mark.parametrize("encoding", ["document", "document_base64"])
def test_a_signed_document_verifies(api: FlaskClient, issuer: LocalIssuer, encoding: str) -> None:
    text = issuer.signed("s1").text
    value = text if encoding == "document" else base64.b64encode(text.encode()).decode()
    response = api.post(
        "/api/v1/verify",
        json={encoding: value, "filename": "badge.jws", "emails": [DEFAULT_EMAIL]},
    )
    assert response.json["verdict"] == "verified" and response.json["target"] == "badge.jws"


def test_the_recipient_is_checked_against_the_emails(api: FlaskClient, issuer: LocalIssuer) -> None:
    response = api.post(
        "/api/v1/verify", json={"url": issuer.hosted("a1").url, "emails": [OTHER_EMAIL]}
    )
    assert response.json["verdict"] == "recipient_mismatch"
    assert response.json["recipient"] == "mismatch"


def test_as_of_judges_dates_at_that_instant(api: FlaskClient, issuer: LocalIssuer) -> None:
    url = issuer.hosted("old", Case.EXPIRED).url
    now = api.post("/api/v1/verify", json={"url": url})
    back_then = api.post("/api/v1/verify", json={"url": url, "as_of": "2024-05-01T00:00:00Z"})
    assert (now.json["verdict"], back_then.json["verdict"]) == ("expired", "verified")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({}, "url", id="nothing"),
        pytest.param({"url": "https://a.example/1", "document": "{}"}, "url", id="two-sources"),
        pytest.param({"url": "file:///etc/passwd"}, "url", id="file-url"),
        pytest.param({"url": "https://a.example/1", "emails": ["x"]}, "emails", id="bad-email"),
        pytest.param({"url": "https://a.example/1", "as_of": "soon"}, "as_of", id="bad-as-of"),
        pytest.param({"url": "https://a.example/1", "candidate": 1}, "candidate", id="unknown"),
    ],
)
def test_bad_requests_are_422_and_fetch_nothing(
    api: FlaskClient, body: dict[str, object], field: str
) -> None:
    response = api.post("/api/v1/verify", json=body)
    assert response.status_code == 422 and field in response.json["error"]["details"]["fields"]


class StalledFetcher:
    """An issuer that answers only after the time limit has long passed."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.closed = False

    def fetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_JSON,
        max_bytes: int | None = None,
        revalidate: bool = False,
    ) -> FetchResponse:
        time.sleep(self.delay)
        return FetchResponse(url=url, status=503, content=b"")

    def close(self) -> None:
        self.closed = True


def test_past_the_time_limit_the_answer_is_unreachable_not_a_hang(database_url: str) -> None:
    application = create_app(make_settings(database_url, api_verify_seconds=0.2))
    db.migrate()
    stalled = StalledFetcher(delay=3)
    application.extensions[FETCHER_FACTORY] = lambda settings: stalled
    client = application.test_client()
    headers = {"Authorization": f"Bearer {token(build_org('Acme', 'acme'))}"}
    response = client.post(
        "/api/v1/verify", json={"url": "https://slow.example/b"}, headers=headers
    )
    assert response.status_code == 200
    assert response.json["verdict"] == "unreachable"
    assert [c["id"] for c in response.json["checks"]] == ["time-limit"]
    assert "longer than 0.2 seconds" in response.json["checks"][0]["detail"]
    db.db.close()


class GatedFetcher:
    """Serves an issuer's DID document, but the first fetch waits until the test opens the gate."""

    def __init__(self, kit: IssuerKit) -> None:
        self.documents = FakeFetcher().add(kit.did_document_url, kit.did_document())
        self.entered, self.gate = threading.Event(), threading.Event()

    def fetch(self, url: str, **options: Any) -> FetchResponse:
        self.entered.set()
        self.gate.wait(60)
        return self.documents.fetch(url, **options)


def test_past_the_time_limit_the_work_really_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    kit = IssuerKit.did_web()
    document = json.dumps(kit.sign(build_credential(kit))).encode()
    expansions: list[object] = []
    real_expand = canon._expand_here
    monkeypatch.setattr(canon, "_expand_here", lambda d: expansions.append(d) or real_expand(d))
    fetcher = GatedFetcher(kit)

    result = run_with_limit(
        Source.from_bytes(document, "slow.json"), fetcher, datetime.now(UTC), [], 0.05
    )
    fetcher.gate.set()  # the key arrives after the limit: the check must not go on
    for worker in [t for t in threading.enumerate() if t.name == "api-verify"]:
        worker.join(60)

    assert fetcher.entered.is_set()
    assert result.verdict is Verdict.UNREACHABLE
    assert expansions == []
