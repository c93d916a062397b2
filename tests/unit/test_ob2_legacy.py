"""Open Badges 0.5 and 1.x: 1.x read as 2.0 (verify.url, badge/issuer URLs, Unix timestamps)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from app.verification.result import Outcome, Verdict, VerificationResult
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.fakes import FakeFetcher
from tests.support.ob2_builders import IssuerKit, rsa_key, sign

NOW = datetime(2025, 1, 1, tzinfo=UTC)
INSTANCE = "http://a.example/instance"
BADGE = "http://a.example/badgeclass"
ISSUER = "http://a.example/issuer"
EMAIL = "test@example.com"


def assertion_1_0(**overrides: Any) -> dict[str, Any]:
    doc = {
        "uid": "123abc",
        "recipient": {"identity": EMAIL, "hashed": False, "type": "email"},
        "badge": BADGE,
        "issuedOn": "2015-04-30",
        "verify": {"type": "hosted", "url": INSTANCE},
    }
    return {**doc, **overrides}


def issuer_1_0() -> FakeFetcher:
    badge = {
        "name": "Basic Badge",
        "image": f"{BADGE}/image",
        "criteria": f"{BADGE}/criteria",
        "issuer": ISSUER,
    }
    return FakeFetcher({BADGE: badge, ISSUER: {"name": "Basic Issuer", "url": "http://a.example"}})


def run(doc: dict[str, Any], fetcher: FakeFetcher | None = None) -> VerificationResult:
    fetcher = fetcher or issuer_1_0()
    fetcher.add(INSTANCE, doc)
    return verify(Source.from_url(INSTANCE), fetcher=fetcher, now=NOW, emails=(EMAIL,))


def failed(result: VerificationResult) -> set[str]:
    return {c.id for c in result.checks if c.outcome is Outcome.FAIL}


@pytest.mark.parametrize(
    ("doc", "verdict", "check"),
    [
        pytest.param(assertion_1_0(), Verdict.VERIFIED, None, id="ob1.0-hosted"),
        pytest.param(
            assertion_1_0(issuedOn=1430352000), Verdict.VERIFIED, None, id="unix-timestamp"
        ),
        pytest.param(
            assertion_1_0(issuedOn="1430352000"), Verdict.VERIFIED, None, id="timestamp-text"
        ),
        pytest.param(
            assertion_1_0(issuedOn="2015-04-31"), Verdict.INVALID, "issued-on", id="bad-date"
        ),
        pytest.param(assertion_1_0(expires=1430352001), Verdict.EXPIRED, "expiry", id="expired"),
        pytest.param(
            assertion_1_0(
                recipient={"identity": "x@example.com", "hashed": False, "type": "email"}
            ),
            Verdict.RECIPIENT_MISMATCH,
            "recipient",
            id="wrong-recipient",
        ),
        pytest.param(
            assertion_1_0(verify={"type": "hosted", "url": "http://elsewhere.example/i"}),
            Verdict.INVALID,
            "id",
            id="verify-url-elsewhere",
        ),
    ],
)
def test_ob1_hosted_verdicts(doc: dict[str, Any], verdict: Verdict, check: str | None) -> None:
    result = run(doc)
    assert result.verdict is verdict
    assert result.format == "ob1-hosted"
    if check:
        assert check in failed(result)


def test_ob1_issuer_without_id_is_identified_by_its_url() -> None:
    result = run(assertion_1_0())
    assert result.issuer is not None
    assert (result.issuer.id, result.issuer.name) == (ISSUER, "Basic Issuer")
    assert result.issued_on == datetime(2015, 4, 30, tzinfo=UTC)


def test_ob1_1_context_is_read_as_legacy() -> None:
    doc = {
        "@context": "https://w3id.org/openbadges/v1",
        "type": "Assertion",
        "id": INSTANCE,
        "recipient": {"identity": EMAIL, "hashed": False, "type": "email"},
        "badge": BADGE,
        "issuedOn": "2016-12-31T23:59:59Z",
        "verify": {"type": "hosted", "url": INSTANCE},
    }
    result = run(doc)
    assert (result.verdict, result.format) == (Verdict.VERIFIED, "ob1-hosted")


def test_timestamps_are_not_dates_in_ob2() -> None:
    kit = IssuerKit()
    fetcher = FakeFetcher(kit.hosted(issued_on=1430352000))
    result = verify(Source.from_url(kit.assertion_id()), fetcher=fetcher, now=NOW)
    assert result.verdict is Verdict.INVALID
    assert "issued-on" in failed(result)


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(
            {"recipient": EMAIL, "badge": {"issuer": {"origin": "http://o.example"}}}, id="plain"
        ),
        pytest.param(
            {
                "recipient": "sha256$abcd",
                "salt": "s",
                "badge": {
                    "version": "0.5.0",
                    "issuer": {"origin": "http://o.example", "name": "I"},
                },
            },
            id="hashed",
        ),
    ],
)
def test_ob0_5_is_unsupported_by_name(doc: dict[str, Any]) -> None:
    data = json.dumps(doc).encode()
    result = verify(Source.from_bytes(data, "old.json"), fetcher=FakeFetcher(), now=NOW)
    assert (result.verdict, result.format) == (Verdict.UNSUPPORTED, "ob05")
    assert "0.5" in result.checks[-1].detail


def test_ob1_signed_is_unsupported_by_name() -> None:
    token = sign(
        assertion_1_0(verify={"type": "signed", "url": "http://a.example/key.pem"}), rsa_key()
    )
    result = verify(Source.from_bytes(token.encode(), "b.jws"), fetcher=FakeFetcher(), now=NOW)
    assert result.verdict is Verdict.UNSUPPORTED
    assert "1.0 signed" in result.checks[-1].detail
