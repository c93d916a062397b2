"""OB 2.0 hosted assertions end to end through verify(), with a fake network."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from app.verification.fetcher import FetchFailure
from app.verification.ob2.documents import NOT_FOUND
from app.verification.result import Outcome, RecipientStatus, Verdict, VerificationResult
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.fakes import FakeFetcher, FakeRoute, redirect, status, timeout
from tests.support.ob2_builders import DEFAULT_EMAIL, IssuerKit

NOW = datetime(2025, 1, 1, tzinfo=UTC)
KIT = IssuerKit()
URL = KIT.assertion_id()


def run(
    fetcher: FakeFetcher, url: str = URL, emails: tuple[str, ...] = (DEFAULT_EMAIL,)
) -> VerificationResult:
    return verify(Source.from_url(url), fetcher=fetcher, now=NOW, emails=emails)


def failed(result: VerificationResult) -> dict[str, str]:
    return {c.id: c.detail for c in result.checks if c.outcome is Outcome.FAIL}


def hosted(**overrides: Any) -> FakeFetcher:
    return FakeFetcher(KIT.hosted(**overrides))


def with_route(url: str, route: Any, **overrides: Any) -> FakeFetcher:
    fetcher = hosted(**overrides)
    fetcher.add(url, route)
    return fetcher


@pytest.mark.parametrize(
    ("fetcher", "verdict", "check"),
    [
        pytest.param(hosted(), Verdict.VERIFIED, None, id="valid-hosted"),
        pytest.param(
            hosted(email="someone.else@example.com"),
            Verdict.RECIPIENT_MISMATCH,
            "recipient",
            id="wrong-recipient",
        ),
        pytest.param(
            hosted(revoked=True, revocationReason="Awarded in error"),
            Verdict.REVOKED,
            "revocation",
            id="revoked-flag",
        ),
        pytest.param(with_route(URL, status(410)), Verdict.REVOKED, "revocation", id="http-410"),
        pytest.param(
            hosted(expires="2024-06-30T00:00:00Z"), Verdict.EXPIRED, "expiry", id="expired"
        ),
        pytest.param(
            hosted(issued_on="2030-01-01T00:00:00Z"),
            Verdict.NOT_YET_VALID,
            "issued-on",
            id="future-issued-on",
        ),
        pytest.param(hosted(issued_on="yesterday"), Verdict.INVALID, "issued-on", id="bad-date"),
        pytest.param(
            hosted(expires="2023-01-01T00:00:00Z"),
            Verdict.INVALID,
            "expiry",
            id="expires-before-issued",
        ),
        pytest.param(
            hosted(**{"@context": "https://w3id.org/openbadges/invalid"}),
            Verdict.INVALID,
            "context",
            id="unknown-context",
        ),
        pytest.param(hosted(type="OtherAssertion"), Verdict.INVALID, "type", id="wrong-type"),
        pytest.param(with_route(URL, status(404)), Verdict.INVALID, "fetch", id="assertion-404"),
        pytest.param(
            with_route(URL, status(503)), Verdict.UNREACHABLE, "fetch", id="assertion-503"
        ),
        pytest.param(
            with_route(URL, status(403)), Verdict.UNREACHABLE, "fetch", id="assertion-403"
        ),
        pytest.param(
            with_route(URL, status(429)), Verdict.UNREACHABLE, "fetch", id="assertion-429"
        ),
        pytest.param(
            with_route(URL, timeout()), Verdict.UNREACHABLE, "fetch", id="assertion-timeout"
        ),
        pytest.param(
            with_route(KIT.badge_id, status(404)),
            Verdict.UNREACHABLE,
            "badgeclass",
            id="badgeclass-404",
        ),
        pytest.param(
            with_route(KIT.issuer_id, timeout()), Verdict.UNREACHABLE, "issuer", id="issuer-timeout"
        ),
        pytest.param(
            with_route(KIT.badge_id, b"<html><body>moved</body></html>"),
            Verdict.INVALID,
            "badgeclass",
            id="badgeclass-not-json",
        ),
    ],
)
def test_hosted_assertion_verdicts(
    fetcher: FakeFetcher, verdict: Verdict, check: str | None
) -> None:
    result = run(fetcher)
    assert result.verdict is verdict
    if check is not None:
        assert check in failed(result)


@pytest.mark.parametrize(
    ("fetcher", "expected"),
    [
        pytest.param(hosted(expires="2020-01-01T00:00:00Z"), "ob2-hosted", id="read"),
        pytest.param(with_route(URL, status(503)), "unknown", id="never-read"),
    ],
)
def test_format_is_known_once_the_assertion_is_read(fetcher: FakeFetcher, expected: str) -> None:
    assert run(fetcher).format == expected


def test_valid_hosted_badge_shows_its_evidence() -> None:
    result = run(hosted())
    assert result.recipient is RecipientStatus.MATCHED
    assert result.issuer is not None and result.issuer.name == KIT.name
    assert result.achievement is not None and result.achievement.name == "Robotics Fundamentals"
    assert result.achievement.criteria == "Pass the robotics practical."
    assert result.achievement.tags == ("robotics", "python")
    assert [(s.name, s.framework, s.code) for s in result.skills] == [
        ("Robot programming", "ESCO", "S1.2.3")
    ]
    assert result.issued_on == datetime(2024, 1, 15, 10, tzinfo=UTC)
    assert result.credential_id == URL


def test_revocation_reason_and_expiry_date_are_shown() -> None:
    revoked = run(hosted(revoked=True, revocationReason="Awarded in error"))
    expired = run(hosted(expires="2024-06-30T00:00:00Z"))
    assert "Awarded in error" in failed(revoked)["revocation"]
    assert "30 Jun 2024" in failed(expired)["expiry"]


def test_missing_assertion_says_not_found_rather_than_forged() -> None:
    result = run(with_route(URL, status(404)))
    assert failed(result)["fetch"] == NOT_FOUND


def test_every_fetched_document_is_recorded_with_its_hash() -> None:
    fetcher = hosted()
    result = run(fetcher)
    body = fetcher.routes[URL].content()
    assert [d.url for d in result.documents] == [
        URL,
        KIT.badge_id,
        KIT.issuer_id,
        KIT.revocation_list_id,
    ]
    assert result.documents[0].sha256 == hashlib.sha256(body).hexdigest()
    assert result.documents[0].status == 200


def test_assertion_is_revalidated_but_shared_documents_may_come_from_cache() -> None:
    fetcher = hosted()
    run(fetcher)
    revalidated = {r.url: r.revalidate for r in fetcher.requests}
    assert revalidated == {
        URL: True,
        KIT.badge_id: False,
        KIT.issuer_id: False,
        KIT.revocation_list_id: True,
    }


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/octet-stream", "application/json"]
)
def test_json_served_with_a_generic_type_is_sniffed(content_type: str) -> None:
    fetcher = hosted()
    fetcher.add(URL, FakeRoute(body=json.dumps(KIT.hosted_assertion()), content_type=content_type))
    assert run(fetcher).verdict is Verdict.VERIFIED


def test_embedded_badgeclass_and_anonymous_issuer_need_no_fetch() -> None:
    badge = {**KIT.badge_class(), "issuer": KIT.issuer_profile(id=None, revocationList=None)}
    fetcher = FakeFetcher({URL: KIT.hosted_assertion(badge=badge)})
    result = run(fetcher)
    assert result.verdict is Verdict.VERIFIED
    assert fetcher.urls == [URL]
    assert any(c.id == "issuer" and c.outcome is Outcome.WARN for c in result.checks)


def test_embedded_issuer_with_an_address_is_read_from_that_address() -> None:
    evil = IssuerKit(base="https://evil.example")
    claimed = KIT.issuer_profile(verification={"allowedOrigins": ["evil.example"]})
    badge = {**KIT.badge_class(), "issuer": claimed}
    fetcher = FakeFetcher(
        {**KIT.documents(), evil.assertion_id(): evil.hosted_assertion(badge=badge)}
    )
    result = run(fetcher, evil.assertion_id())
    assert fetcher.urls == [evil.assertion_id(), KIT.issuer_id]
    assert result.verdict is Verdict.INVALID
    assert "hosted-origin" in failed(result)


@pytest.mark.parametrize(
    ("requested", "assertion_id"),
    [
        pytest.param("https://issuer.example/old/a1", URL, id="id-is-final-url"),
        pytest.param(URL, "https://issuer.example/old/a1", id="id-is-requested-url"),
    ],
)
def test_redirects_keep_the_id_check(requested: str, assertion_id: str) -> None:
    target = "https://issuer.example/old/a1" if requested == URL else URL
    fetcher = FakeFetcher(KIT.documents())
    fetcher.add(requested, redirect(target))
    fetcher.add(target, KIT.hosted_assertion(id=assertion_id))
    assert run(fetcher, requested).verdict is Verdict.VERIFIED


def test_copy_served_under_another_address_is_replaced_by_the_one_at_its_id() -> None:
    elsewhere = "https://mirror.example/copy.json"
    fetcher = hosted()
    fetcher.add(elsewhere, KIT.hosted_assertion(email="someone.else@example.com"))
    result = run(fetcher, elsewhere)
    assert result.verdict is Verdict.VERIFIED
    assert fetcher.urls[:2] == [elsewhere, URL]


def test_id_that_does_not_serve_the_badge_is_invalid() -> None:
    elsewhere = "https://mirror.example/copy.json"
    fetcher = hosted()
    fetcher.add(elsewhere, KIT.hosted_assertion())
    fetcher.add(URL, KIT.hosted_assertion(id="https://issuer.example/assertions/other.json"))
    result = run(fetcher, elsewhere)
    assert result.verdict is Verdict.INVALID
    assert "id" in failed(result)


def test_file_copy_is_checked_against_the_issuers_copy() -> None:
    fetcher = hosted(revoked=True)
    data = json.dumps(KIT.hosted_assertion()).encode()
    result = verify(Source.from_bytes(data, "badge.json"), fetcher=fetcher, now=NOW)
    assert result.verdict is Verdict.REVOKED
    assert fetcher.urls[0] == URL


def test_recipient_is_skipped_without_emails_and_does_not_change_the_verdict() -> None:
    result = run(hosted(email="someone.else@example.com"), emails=())
    assert result.verdict is Verdict.VERIFIED
    assert result.recipient is RecipientStatus.SKIPPED


def test_several_failures_resolve_by_precedence() -> None:
    result = run(hosted(email="x@example.com", expires="2024-06-30T00:00:00Z"))
    assert {"recipient", "expiry"} <= failed(result).keys()
    assert result.verdict is Verdict.RECIPIENT_MISMATCH


def test_web_page_that_maps_to_no_badge_is_unsupported_and_named() -> None:
    page = "https://portfolio.example/me"
    fetcher = FakeFetcher(
        {page: FakeRoute(body="<!doctype html><p>hi</p>", content_type="text/html")}
    )
    result = run(fetcher, page)
    assert result.verdict is Verdict.UNSUPPORTED
    assert page in failed(result)["format"]


def test_provider_page_is_mapped_before_fetching() -> None:
    uuid = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    api = f"https://api.credly.com/v1/obi/v2/badge_assertions/{uuid}"
    fetcher = FakeFetcher({api: status(404)})
    result = run(fetcher, f"https://www.credly.com/badges/{uuid}/public_url")
    assert fetcher.urls == [api]
    assert result.checks[0].id == "provider"


def test_html_answer_is_mapped_after_fetching() -> None:
    uuid = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    short = "https://short.example/b"
    page = f"https://www.credly.com/badges/{uuid}"
    api = f"https://api.credly.com/v1/obi/v2/badge_assertions/{uuid}"
    fetcher = FakeFetcher(
        {short: redirect(page), page: FakeRoute("<html><body>", content_type="text/html")}
    )
    run(fetcher, short)
    assert fetcher.urls == [short, page, api]


def test_non_web_url_is_invalid_without_fetching() -> None:
    fetcher = FakeFetcher()
    result = run(fetcher, "file:///etc/passwd")
    assert result.verdict is Verdict.INVALID
    assert fetcher.requests == []


def test_badgeclass_fetch_failure_is_a_fetch_error_detail() -> None:
    result = run(with_route(KIT.badge_id, FakeRoute(error=FetchFailure.DNS)))
    assert KIT.badge_id in failed(result)["badgeclass"]


def test_issuer_profile_claiming_another_sites_identity_is_read_from_that_site() -> None:
    evil = IssuerKit(base="https://evil.example")
    fake_profile = KIT.issuer_profile(verification={"allowedOrigins": ["evil.example"]})
    fetcher = FakeFetcher(
        {
            **KIT.documents(),
            evil.assertion_id(): evil.hosted_assertion(badge=evil.badge_id),
            evil.badge_id: evil.badge_class(issuer=evil.issuer_id),
            evil.issuer_id: fake_profile,
        }
    )
    result = run(fetcher, evil.assertion_id())
    assert KIT.issuer_id in fetcher.urls
    assert result.verdict is Verdict.INVALID
    assert "hosted-origin" in failed(result)


def test_issuer_profile_whose_claimed_address_disowns_it_is_invalid() -> None:
    other = "https://elsewhere.example/issuer.json"
    fetcher = hosted()
    fetcher.add(KIT.issuer_id, KIT.issuer_profile(id=other))
    fetcher.add(other, KIT.issuer_profile(id="https://elsewhere.example/someone-else.json"))
    result = run(fetcher)
    assert result.verdict is Verdict.INVALID
    assert "issuer" in failed(result)


def test_revoked_badge_still_names_what_was_revoked() -> None:
    result = run(hosted(revoked=True, revocationReason="Awarded in error"))
    assert result.verdict is Verdict.REVOKED
    assert result.achievement is not None and result.achievement.name == "Robotics Fundamentals"
    assert result.issuer is not None and result.issuer.id == KIT.issuer_id


def test_naming_a_revoked_badge_never_changes_its_verdict() -> None:
    result = run(with_route(KIT.badge_id, status(500), revoked=True))
    assert result.verdict is Verdict.REVOKED
    assert result.achievement is None
    assert set(failed(result)) == {"revocation"}
