"""ARCHITECTURE.md "Fail closed" for Open Badges 2.0: redirects, revocation lists, real keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.verification.result import Outcome, Verdict, VerificationResult
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.fakes import FakeFetcher, redirect
from tests.support.ob2_builders import DEFAULT_EMAIL, IssuerKit, public_pem, sign

NOW = datetime(2025, 1, 1, tzinfo=UTC)
KIT = IssuerKit()
EVIL = IssuerKit(base="https://evil.example", key_name="evil")


def _url(fetcher: FakeFetcher, url: str) -> VerificationResult:
    return verify(Source.from_url(url), fetcher=fetcher, now=NOW, emails=(DEFAULT_EMAIL,))


def _token(fetcher: FakeFetcher, token: str) -> VerificationResult:
    source = Source.from_bytes(token.encode(), "badge.jws")
    return verify(source, fetcher=fetcher, now=NOW, emails=(DEFAULT_EMAIL,))


def _failed(result: VerificationResult) -> str:
    return "; ".join(c.detail for c in result.checks if c.outcome is Outcome.FAIL)


def _moved(fetcher: FakeFetcher, url: str, to: str, body: object) -> FakeFetcher:
    fetcher.add(url, redirect(to))
    fetcher.add(to, body)  # type: ignore[arg-type]
    return fetcher


def test_a_hosted_assertion_a_redirect_brought_from_another_site_is_invalid() -> None:
    url = KIT.assertion_id()
    fetcher = _moved(FakeFetcher(KIT.documents()), url, EVIL.assertion_id(), KIT.hosted_assertion())
    result = _url(fetcher, url)
    assert result.verdict is Verdict.INVALID
    assert "another site" in _failed(result)


def test_a_hosted_assertion_redirected_from_http_to_https_on_its_site_verifies() -> None:
    url = KIT.assertion_id().replace("https://", "http://")
    fetcher = _moved(
        FakeFetcher(KIT.documents()), url, KIT.assertion_id(), KIT.hosted_assertion(id=url)
    )
    assert _url(fetcher, url).verdict is Verdict.VERIFIED


@pytest.mark.parametrize(
    ("document", "what"),
    [
        pytest.param("badge_id", "the badge's description", id="badgeclass"),
        pytest.param("issuer_id", "the issuer's profile", id="issuer"),
    ],
)
def test_a_badgeclass_or_issuer_a_redirect_brought_from_another_site_is_invalid(
    document: str, what: str
) -> None:
    fetcher = FakeFetcher(KIT.hosted())
    own = getattr(KIT, document)
    body = KIT.badge_class() if document == "badge_id" else KIT.issuer_profile()
    _moved(fetcher, own, f"https://evil.example/{document}.json", body)
    result = _url(fetcher, KIT.assertion_id())
    assert result.verdict is Verdict.INVALID
    assert f"{what} at {own} was redirected" in _failed(result)


def test_a_signing_key_a_redirect_brought_from_another_site_is_invalid() -> None:
    forged_key = KIT.public_key(publicKeyPem=public_pem(EVIL.key))
    fetcher = _moved(FakeFetcher(KIT.documents()), KIT.key_id, EVIL.key_id, forged_key)
    token = sign(KIT.signed_payload(), EVIL.key)
    result = _token(fetcher, token)
    assert result.verdict is Verdict.INVALID
    assert "another site" in _failed(result)


def test_the_same_forged_key_served_by_the_issuers_site_verifies_showing_the_test_is_real() -> None:
    fetcher = FakeFetcher(KIT.documents())
    fetcher.add(KIT.key_id, KIT.public_key(publicKeyPem=public_pem(EVIL.key)))
    assert _token(fetcher, sign(KIT.signed_payload(), EVIL.key)).verdict is Verdict.VERIFIED


@pytest.mark.parametrize("by", ["id", "entry-object"])
def test_a_hosted_assertion_named_in_the_issuers_revocation_list_is_revoked(by: str) -> None:
    url = KIT.assertion_id()
    entry: object = url if by == "id" else {"id": url, "revocationReason": "awarded in error"}
    fetcher = FakeFetcher(KIT.hosted())
    fetcher.add(KIT.revocation_list_id, KIT.revocation_list([entry]))
    result = _url(fetcher, url)
    assert result.verdict is Verdict.REVOKED
    assert "revocation list" in _failed(result)


def test_a_hosted_assertion_not_on_the_list_says_the_list_was_checked() -> None:
    result = _url(FakeFetcher(KIT.hosted()), KIT.assertion_id())
    assert result.verdict is Verdict.VERIFIED
    assert any(c.detail == "not on the issuer's revocation list" for c in result.checks)


def test_a_revocation_list_redirected_to_another_site_still_revokes_a_hosted_badge() -> None:
    fetcher = FakeFetcher(KIT.hosted())
    listing = KIT.revocation_list([KIT.assertion_id()])
    _moved(fetcher, KIT.revocation_list_id, "https://lists.example/r.json", listing)
    assert _url(fetcher, KIT.assertion_id()).verdict is Verdict.REVOKED


def test_a_revocation_list_from_another_site_cannot_confirm_a_hosted_badge_is_not_revoked() -> None:
    fetcher = FakeFetcher(KIT.hosted())
    _moved(fetcher, KIT.revocation_list_id, "https://lists.example/r.json", KIT.revocation_list())
    result = _url(fetcher, KIT.assertion_id())
    warned = [c for c in result.checks if c.id == "revocation" and c.outcome is Outcome.WARN]
    assert warned and "another site" in warned[0].detail
