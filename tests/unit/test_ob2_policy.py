"""The issuer's hosted-verification policy: allowedOrigins (host, port) and startsWith."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.verification.ob2.policy import check_origin
from app.verification.result import Outcome, Verdict
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.fakes import FakeFetcher
from tests.support.ob2_builders import IssuerKit

ISSUER = "https://issuer.example/issuer.json"


def issuer(**verification: Any) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": ISSUER, "type": "Issuer"}
    if verification:
        profile["verification"] = verification
    return profile


@pytest.mark.parametrize(
    ("assertion_id", "profile", "allowed"),
    [
        pytest.param("https://issuer.example/a/1", issuer(), True, id="default-same-host"),
        pytest.param("https://other.example/a/1", issuer(), False, id="default-other-host"),
        pytest.param("https://issuer.example:8443/a/1", issuer(), False, id="default-other-port"),
        pytest.param("https://issuer.example:443/a/1", issuer(), True, id="default-explicit-port"),
        pytest.param(
            "https://badges.example/a/1",
            issuer(allowedOrigins=["badges.example"]),
            True,
            id="allowed-origin",
        ),
        pytest.param(
            "https://badges.example:8443/a/1",
            issuer(allowedOrigins="badges.example"),
            False,
            id="allowed-origin-port-mismatch",
        ),
        pytest.param(
            "https://badges.example:8443/a/1",
            issuer(allowedOrigins=["badges.example:8443"]),
            True,
            id="allowed-origin-with-port",
        ),
        pytest.param(
            "https://issuer.example/a/1",
            issuer(allowedOrigins=["badges.example"]),
            False,
            id="allowed-origins-replace-default",
        ),
        pytest.param(
            "https://issuer.example/badges/1",
            issuer(startsWith="https://issuer.example/badges"),
            True,
            id="starts-with-path",
        ),
        pytest.param(
            "https://issuer.example/badgesevil/1",
            issuer(startsWith="https://issuer.example/badges"),
            False,
            id="starts-with-mid-segment",
        ),
        pytest.param(
            "https://issuer.example.evil.com/a/1",
            issuer(startsWith="https://issuer.example"),
            False,
            id="starts-with-host-trick",
        ),
        pytest.param(
            "https://issuer.example/a/1",
            issuer(startsWith=["https://nope.example/", "https://issuer.example/"]),
            True,
            id="starts-with-one-of-several",
        ),
        pytest.param(
            "https://issuer.example/a/1",
            {"id": "urn:uuid:1", "url": "https://issuer.example"},
            True,
            id="issuer-without-web-id-uses-its-url",
        ),
        pytest.param(
            "https://issuer.example/a/1", {"name": "x"}, False, id="issuer-without-address"
        ),
    ],
)
def test_hosting_policy(assertion_id: str, profile: dict[str, Any], allowed: bool) -> None:
    assert check_origin(assertion_id, profile, None).allowed is allowed


def test_issuer_fetched_from_a_url_uses_that_origin_when_its_id_is_not_a_url() -> None:
    profile = {"id": "urn:uuid:1"}
    outcome = check_origin("https://issuer.example/a/1", profile, "https://issuer.example/i.json")
    assert outcome.allowed


def test_policy_failure_makes_a_hosted_badge_invalid() -> None:
    kit = IssuerKit()
    fetcher = FakeFetcher(kit.hosted())
    fetcher.add(
        kit.issuer_id, kit.issuer_profile(verification={"startsWith": "https://issuer.example/x/"})
    )
    now = datetime(2025, 1, 1, tzinfo=UTC)
    result = verify(Source.from_url(kit.assertion_id()), fetcher=fetcher, now=now)
    assert result.verdict is Verdict.INVALID
    failed = [c for c in result.checks if c.outcome is Outcome.FAIL]
    assert [c.id for c in failed] == ["hosted-origin"]
    assert "https://issuer.example/x/" in failed[0].detail
