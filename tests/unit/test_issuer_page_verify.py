"""A certificate page read over real TLS under the issuer's own name: every verdict it can get."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.verification.issuer_pages import FORMAT
from app.verification.result import Outcome, RecipientStatus, Verdict, VerificationResult
from app.verification.source import Source
from app.verification.verify import verify
from tests.support import issuer_pages as pages
from tests.support.provider_hosts import ProviderHosts

NOW = datetime(2026, 12, 3, tzinfo=UTC)
PATH = "/account/accomplishments/verify/ABCD1234EFGH"
URL = f"https://www.coursera.org{PATH}"
HTML = {"content-type": "text/html; charset=utf-8"}


@pytest.fixture
def hosts(tmp_path: Path) -> Iterator[ProviderHosts]:
    with ProviderHosts(tmp_path, "www.coursera.org", "coursera.org", "evil.example") as served:
        yield served


def _verify(
    hosts: ProviderHosts, url: str = URL, names: tuple[str, ...] = ()
) -> VerificationResult:
    return verify(Source.from_url(url), fetcher=hosts.fetcher(), now=NOW, names=names)


def _check(result: VerificationResult, check_id: str) -> tuple[Outcome, str]:
    found = next(c for c in result.checks if c.id == check_id)
    return found.outcome, found.detail


def test_a_page_naming_the_candidate_is_unsupported_with_a_passing_issuer_page_check(
    hosts: ProviderHosts,
) -> None:
    hosts.route("www.coursera.org", PATH, body=pages.coursera(), headers=HTML)
    result = _verify(hosts, names=("ada  LOVELACE",))
    assert result.verdict is Verdict.UNSUPPORTED
    assert result.format == FORMAT
    assert result.checks[0].id == "issuer-page"
    assert _check(result, "issuer-page") == (
        Outcome.PASS,
        "reachable on www.coursera.org and names ada  LOVELACE and 'Machine Learning'",
    )
    outcome, detail = _check(result, "format")
    assert outcome is Outcome.FAIL
    assert "an issuer's certificate page, not a verifiable credential" in detail
    assert result.recipient is RecipientStatus.MATCHED
    assert result.subject_name == "Ada Lovelace"
    assert result.achievement is not None and result.achievement.name == "Machine Learning"
    assert result.issuer is not None and result.issuer.name == "Coursera"
    assert len(hosts.requests_to("www.coursera.org", PATH)) == 1


def test_without_a_candidate_name_the_recipient_check_is_skipped(hosts: ProviderHosts) -> None:
    hosts.route("www.coursera.org", PATH, body=pages.coursera(), headers=HTML)
    result = _verify(hosts)
    assert result.verdict is Verdict.UNSUPPORTED
    assert result.recipient is RecipientStatus.SKIPPED
    assert _check(result, "issuer-page")[0] is Outcome.PASS


def test_a_page_naming_someone_else_is_a_recipient_mismatch(hosts: ProviderHosts) -> None:
    hosts.route("www.coursera.org", PATH, body=pages.coursera("Grace Hopper"), headers=HTML)
    result = _verify(hosts, names=("Ada Lovelace",))
    assert result.verdict is Verdict.RECIPIENT_MISMATCH
    assert result.recipient is RecipientStatus.MISMATCH
    assert "names Grace Hopper, not Ada Lovelace" in _check(result, "recipient")[1]


def test_a_javascript_shell_is_unsupported_saying_no_name_was_readable(
    hosts: ProviderHosts,
) -> None:
    hosts.route("www.coursera.org", PATH, body=pages.shell(), headers=HTML)
    result = _verify(hosts, names=("Ada Lovelace",))
    assert result.verdict is Verdict.UNSUPPORTED
    outcome, detail = _check(result, "issuer-page")
    assert outcome is Outcome.FAIL
    assert "did not show a holder's name Skillproof could read" in detail
    assert result.recipient is RecipientStatus.SKIPPED


@pytest.mark.parametrize(
    ("status", "verdict", "words"),
    [
        pytest.param(404, Verdict.INVALID, "not found at the issuer", id="404"),
        pytest.param(410, Verdict.INVALID, "not found at the issuer", id="410"),
        pytest.param(403, Verdict.UNREACHABLE, "HTTP 403", id="403"),
        pytest.param(503, Verdict.UNREACHABLE, "HTTP 503", id="503"),
        pytest.param(429, Verdict.UNREACHABLE, "HTTP 429", id="429"),
    ],
)
def test_http_answers_map_to_the_contracts_verdicts(
    hosts: ProviderHosts, status: int, verdict: Verdict, words: str
) -> None:
    hosts.route("www.coursera.org", PATH, status=status, body=pages.coursera(), headers=HTML)
    result = _verify(hosts, names=("Ada Lovelace",))
    assert result.verdict is verdict
    assert words in _check(result, "fetch")[1]


def test_an_unreachable_host_is_unreachable(tmp_path: Path) -> None:
    with ProviderHosts(tmp_path, "www.linkedin.com") as other:  # coursera does not resolve
        result = _verify(other, names=("Ada Lovelace",))
    assert result.verdict is Verdict.UNREACHABLE


def test_a_redirect_within_the_issuers_hosts_is_followed(hosts: ProviderHosts) -> None:
    hosts.route("coursera.org", "/verify/ABCD1234EFGH", redirect=URL)
    hosts.route("www.coursera.org", PATH, body=pages.coursera(), headers=HTML)
    result = _verify(hosts, "https://coursera.org/verify/ABCD1234EFGH", ("Ada Lovelace",))
    assert result.verdict is Verdict.UNSUPPORTED
    assert result.recipient is RecipientStatus.MATCHED


def test_a_redirect_to_another_site_is_invalid_even_if_that_site_names_the_candidate(
    hosts: ProviderHosts,
) -> None:
    hosts.route("www.coursera.org", PATH, redirect="https://evil.example/cert")
    hosts.route("evil.example", "/cert", body=pages.coursera(), headers=HTML)
    result = _verify(hosts, names=("Ada Lovelace",))
    assert result.verdict is Verdict.INVALID
    outcome, detail = _check(result, "issuer-page")
    assert outcome is Outcome.FAIL and "outside Coursera's own site" in detail
    assert result.recipient is RecipientStatus.SKIPPED


def test_an_issuer_page_is_never_verified_whatever_it_says(hosts: ProviderHosts) -> None:
    claims = b"<title>Verified credential</title><p>Signature verified. Awarded to Ada Lovelace"
    hosts.route("www.coursera.org", PATH, body=claims, headers=HTML)
    result = _verify(hosts, names=("Ada Lovelace",))
    assert result.verdict is not Verdict.VERIFIED


def test_the_command_line_passes_the_names_given_with_name(hosts: ProviderHosts) -> None:
    from app.cli import parse_verify
    from app.services.checking import verify_many

    options = parse_verify([URL, "--name", "Grace Hopper", "--name=Ada Lovelace", "--json"])
    assert options is not None and options.names == ("Grace Hopper", "Ada Lovelace")
    hosts.route("www.coursera.org", PATH, body=pages.coursera("Ada Lovelace"), headers=HTML)
    (result,) = verify_many(
        [Source.from_url(URL)], fetcher=hosts.fetcher(), now=NOW, names=options.names
    )
    assert result.recipient is RecipientStatus.MATCHED
