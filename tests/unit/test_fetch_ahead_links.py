"""Following a badge's links ahead of the verifier (issue 14): each document a fetched one names
is fetched as soon as it arrives, exactly as the verification will ask for it, so a batch's
chain of fetches runs while the verifier loads. The rules only choose what to fetch early: the
verifier reads every document itself, and a document misread costs at most a request."""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from app.verification.fetcher import FetchResponse
from app.verification.ob2 import ahead
from app.verification.prefetch import Link, Prefetching, fetch_early
from app.verification.result import Verdict
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.fakes import FakeFetcher, HeldFetcher, ThreadRecording, wait_until
from tests.support.ob2_builders import DEFAULT_EMAIL, IssuerKit

NOW = datetime(2025, 1, 1, tzinfo=UTC)
KIT = IssuerKit()
OTHER = IssuerKit(base="https://elsewhere.example")


def served(document: Any, url: str = "", status: int = 200, **extra: Any) -> FetchResponse:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return FetchResponse(url, status, body, **extra)


def urls(links: list[Link]) -> list[tuple[str, bool]]:
    return [(url, revalidate) for url, revalidate, _ in links]


# -- what each document names ----------------------------------------------------------------


def test_a_hosted_assertion_names_its_badge_class_which_names_its_issuer() -> None:
    assertion = KIT.hosted_assertion("a1")
    links = ahead.from_credential(assertion["id"], served(assertion, assertion["id"]))
    assert urls(links) == [(KIT.badge_id, False)]
    assert links[0][2] is ahead.from_badge_class

    from_badge = ahead.from_badge_class(KIT.badge_id, served(KIT.badge_class(), KIT.badge_id))
    assert urls(from_badge) == [(KIT.issuer_id, False)]
    assert from_badge[0][2] is ahead.from_issuer


def test_an_issuer_names_its_revocation_list_which_is_revalidated() -> None:
    links = ahead.from_issuer(KIT.issuer_id, served(KIT.issuer_profile(), KIT.issuer_id))
    assert links == [(KIT.revocation_list_id, True, None)]


def test_an_embedded_issuer_with_its_own_address_is_read_from_there() -> None:
    # the verifier reads an issuer's profile only as the issuer serves it (own_copy)
    badge_class = KIT.badge_class(issuer={"id": KIT.issuer_id, "name": "Embedded"})
    links = ahead.from_badge_class(KIT.badge_id, served(badge_class))
    assert urls(links) == [(KIT.issuer_id, False)]


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(KIT.hosted_assertion("a1", badge=KIT.badge_class()), id="embedded-badge"),
        pytest.param(KIT.hosted_assertion("a1", id=OTHER.assertion_id("a1")), id="not-its-own"),
        pytest.param(KIT.hosted_assertion("a1", badge="file:///etc/passwd"), id="not-a-web-link"),
        pytest.param(KIT.hosted_assertion("a1", badge=["x"]), id="badge-not-a-link"),
        pytest.param(
            {"credentialSubject": {"id": "did:example:1"}, "id": KIT.assertion_id("a1")},
            id="ob3-credential",
        ),
        pytest.param([1, 2], id="not-an-object"),
        pytest.param(b"<html>a certificate page</html>", id="a-page"),
        pytest.param(b'{"id": "x", "id": "y"}', id="duplicate-names"),
        pytest.param(b"[" * 100_000, id="nested-too-deep"),
    ],
)
def test_a_credential_that_names_nothing_to_fetch_yields_no_links(document: Any) -> None:
    url = KIT.assertion_id("a1")
    assert ahead.from_credential(url, served(document, url)) == []


def test_an_error_response_is_not_read_for_links() -> None:
    assertion = KIT.hosted_assertion("a1")
    response = served(assertion, assertion["id"], status=404)
    assert ahead.from_credential(assertion["id"], response) == []
    assert ahead.from_badge_class(KIT.badge_id, served(KIT.badge_class(), status=500)) == []
    assert ahead.from_issuer(KIT.issuer_id, served(KIT.issuer_profile(), status=410)) == []


def test_an_embedded_revocation_list_is_not_fetched() -> None:
    profile = KIT.issuer_profile(revocationList={"revokedAssertions": []})
    assert ahead.from_issuer(KIT.issuer_id, served(profile)) == []


def test_a_redirected_assertion_is_followed_when_it_names_the_address_that_served_it() -> None:
    assertion = KIT.hosted_assertion("a1")
    short = "https://short.example/a1"
    response = served(assertion, assertion["id"], redirects=(short,))
    assert urls(ahead.from_credential(short, response)) == [(KIT.badge_id, False)]


def test_a_signed_badge_names_its_key_and_a_badge_class_on_the_keys_site() -> None:
    token = KIT.signed_assertion("s1").encode()
    links = ahead.from_credential("https://cv.example/s1.jws", served(token))
    assert urls(links) == [(KIT.key_id, False), (KIT.badge_id, False)]
    assert [follow for _, _, follow in links] == [None, ahead.from_badge_class]


def test_a_signed_badge_names_nothing_beyond_its_key_before_its_signature_is_checked() -> None:
    # a forged token makes us contact no site but the one its key names (ob2/signed.py)
    token = KIT.signed_assertion("s1", badge=OTHER.badge_id).encode()
    links = ahead.from_credential("https://cv.example/s1.jws", served(token))
    assert urls(links) == [(KIT.key_id, False)]


def test_a_signed_badge_without_a_key_link_names_nothing() -> None:
    token = KIT.signed_assertion("s1", verification={"type": "signed"}).encode()
    assert ahead.from_credential("https://cv.example/s1.jws", served(token)) == []


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"a.b", id="two-parts"),
        pytest.param(b"a..c", id="empty-payload"),
        pytest.param(b"a.!!!!.c", id="not-base64"),
        pytest.param(b"a." + base64.urlsafe_b64encode(b"[1]") + b".c", id="payload-not-object"),
        pytest.param(b"a." + b"A" * (ahead.MAX_TOKEN_BYTES + 1) + b".c", id="too-large"),
    ],
)
def test_a_token_that_cannot_be_read_names_nothing(content: bytes) -> None:
    assert ahead.from_credential("https://cv.example/x.jws", served(content)) == []


# -- Prefetching follows them ------------------------------------------------------------------


def test_a_hosted_badges_whole_chain_is_fetched_ahead_and_each_document_once() -> None:
    recording = ThreadRecording(FakeFetcher(KIT.hosted("a1")))
    chain = [KIT.assertion_id("a1"), KIT.badge_id, KIT.issuer_id, KIT.revocation_list_id]
    with Prefetching(recording) as batch:
        fetch_early(batch, [chain[0]])
        assert wait_until(lambda: all(url in recording.threads for url in chain))
        result = verify(Source.from_url(chain[0]), fetcher=batch, now=NOW, emails=[DEFAULT_EMAIL])
    assert result.verdict is Verdict.VERIFIED, result.checks
    assert {url: len(recording.threads[url]) for url in chain} == dict.fromkeys(chain, 1)
    assert all(recording.threads[url][0].startswith("prefetch") for url in chain)


def test_a_signed_badges_key_and_badge_class_are_fetched_ahead() -> None:
    token = KIT.signed_assertion("s1")
    link = "https://cv.example/s1.jws"
    recording = ThreadRecording(FakeFetcher({**KIT.documents(), link: token.encode()}))
    with Prefetching(recording) as batch:
        fetch_early(batch, [link])
        ahead_of_time = [link, KIT.key_id, KIT.badge_id, KIT.issuer_id, KIT.revocation_list_id]
        assert wait_until(lambda: all(url in recording.threads for url in ahead_of_time))
        result = verify(Source.from_url(link), fetcher=batch, now=NOW, emails=[DEFAULT_EMAIL])
    assert result.verdict is Verdict.VERIFIED, result.checks
    assert all(len(recording.threads[url]) == 1 for url in ahead_of_time)


def test_a_link_rule_that_fails_never_fails_the_fetch_it_came_from() -> None:
    def broken(url: str, response: FetchResponse) -> list[Link]:
        raise RuntimeError("a bug in a link rule")

    fetcher = FakeFetcher(KIT.documents())
    with Prefetching(fetcher) as batch:
        batch.prefetch(KIT.issuer_id, follow=broken)
        response = batch.fetch(KIT.issuer_id)
    assert response.ok
    assert fetcher.urls == [KIT.issuer_id]


def test_nothing_is_followed_once_the_batch_is_closed() -> None:
    fetcher = HeldFetcher(KIT.hosted("a1"))
    batch = Prefetching(fetcher)
    batch.prefetch(KIT.assertion_id("a1"), revalidate=True, follow=ahead.from_credential)
    assert fetcher.entered.wait(5)  # the assertion is on its way
    closing = threading.Thread(target=batch.close)  # waits for it
    closing.start()
    assert wait_until(lambda: batch._closed)  # the moment under test
    fetcher.release.set()
    closing.join(5)
    time.sleep(0.05)  # a follow-up would be submitted now, if it were allowed
    assert fetcher.urls == [KIT.assertion_id("a1")]


def test_a_batch_that_does_not_wait_on_close_leaves_fetches_under_way_behind() -> None:
    fetcher = HeldFetcher(KIT.documents())
    batch = Prefetching(fetcher, wait_on_close=False)
    batch.prefetch(KIT.issuer_id, follow=ahead.from_issuer)
    assert fetcher.entered.wait(5)
    closing = threading.Thread(target=batch.close)
    closing.start()
    closing.join(1)
    finished_without_waiting = not closing.is_alive()
    fetcher.release.set()
    assert finished_without_waiting
