"""The in-memory HTTP cache on its own: freshness, validators, 304 refresh, LRU byte bound."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from app.verification.fetcher import FetchResponse
from app.verification.httpcache import HttpCache, cache_directives

URL, ACCEPT = "https://issuer.test/badge", "application/json"


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def response(
    headers: Mapping[str, str], body: bytes = b"{}", status: int = 200, url: str = URL
) -> FetchResponse:
    return FetchResponse(url, status, body, dict(headers))


def test_a_response_is_fresh_for_max_age_then_needs_revalidation() -> None:
    clock = Clock()
    cache = HttpCache(clock=clock)
    cache.store(URL, ACCEPT, response({"cache-control": "max-age=60", "etag": '"a"'}))
    clock.now += 59
    assert cache.lookup(URL, ACCEPT).fresh is not None
    clock.now += 2
    lookup = cache.lookup(URL, ACCEPT)
    assert lookup.fresh is None
    assert lookup.conditional == {"if-none-match": '"a"'}


def test_s_maxage_wins_over_max_age_and_age_counts_against_it() -> None:
    clock = Clock()
    cache = HttpCache(clock=clock)
    headers = {"cache-control": "max-age=1000, s-maxage=100", "age": "90"}
    cache.store(URL, ACCEPT, response(headers))
    clock.now += 5
    assert cache.lookup(URL, ACCEPT).fresh is not None
    clock.now += 6
    assert cache.lookup(URL, ACCEPT).fresh is None


@pytest.mark.parametrize(
    ("expires", "fresh"),
    [
        pytest.param("Sun, 29 Nov 2026 10:05:00 GMT", True, id="five-minutes-later"),
        pytest.param("Sun, 29 Nov 2026 09:00:00 GMT", False, id="in-the-past"),
        pytest.param("0", False, id="invalid-means-expired"),
    ],
)
def test_expires_is_measured_against_the_date_header(expires: str, fresh: bool) -> None:
    cache = HttpCache(clock=Clock())
    headers = {"date": "Sun, 29 Nov 2026 10:00:00 GMT", "expires": expires, "etag": '"e"'}
    cache.store(URL, ACCEPT, response(headers))
    assert (cache.lookup(URL, ACCEPT).fresh is not None) is fresh


def test_no_cache_is_stored_but_always_revalidated() -> None:
    cache = HttpCache(clock=Clock())
    cache.store(URL, ACCEPT, response({"cache-control": "no-cache, max-age=600", "etag": '"n"'}))
    lookup = cache.lookup(URL, ACCEPT)
    assert lookup.fresh is None and lookup.conditional == {"if-none-match": '"n"'}


def test_revalidate_ignores_freshness_and_asks_with_both_validators() -> None:
    cache = HttpCache(clock=Clock())
    stamp = "Tue, 03 Nov 2026 10:00:00 GMT"
    headers = {"cache-control": "max-age=600", "etag": '"r"', "last-modified": stamp}
    cache.store(URL, ACCEPT, response(headers))
    lookup = cache.lookup(URL, ACCEPT, revalidate=True)
    assert lookup.fresh is None
    assert lookup.conditional == {"if-none-match": '"r"', "if-modified-since": stamp}


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param(response({"cache-control": "no-store", "etag": '"x"'}), id="no-store"),
        pytest.param(response({"etag": '"x"'}, status=404), id="not-200"),
        pytest.param(response({"etag": '"x"', "vary": "*"}), id="vary-star"),
        pytest.param(
            response({"content-type": "application/json"}), id="no-freshness-no-validator"
        ),
    ],
)
def test_unstorable_responses_are_not_kept(stored: FetchResponse) -> None:
    cache = HttpCache(clock=Clock())
    cache.store(URL, ACCEPT, stored)
    assert cache.stats().entries == 0
    assert cache.lookup(URL, ACCEPT).conditional == {}


def test_a_no_store_answer_drops_the_copy_stored_before() -> None:
    cache = HttpCache(clock=Clock())
    cache.store(URL, ACCEPT, response({"etag": '"old"'}))
    cache.store(URL, ACCEPT, response({"cache-control": "no-store"}))
    assert cache.stats().entries == 0


def test_a_304_refreshes_headers_and_freshness_but_keeps_the_body() -> None:
    clock = Clock()
    cache = HttpCache(clock=clock)
    cache.store(URL, ACCEPT, response({"etag": '"v"', "content-length": "2"}, body=b"{}"))
    refreshed = cache.refresh(URL, ACCEPT, {"cache-control": "max-age=30", "content-length": "0"})
    assert refreshed is not None and refreshed.from_cache
    assert refreshed.content == b"{}"
    assert refreshed.headers["content-length"] == "2"
    assert cache.lookup(URL, ACCEPT).fresh is not None
    assert cache.stats().revalidated_304 == 1


def test_refresh_without_a_stored_copy_returns_none() -> None:
    assert HttpCache().refresh(URL, ACCEPT, {"etag": '"v"'}) is None


def test_entries_are_keyed_on_accept() -> None:
    cache = HttpCache(clock=Clock())
    cache.store(URL, "image/png", response({"cache-control": "max-age=60"}, body=b"png"))
    assert cache.lookup(URL, ACCEPT).fresh is None
    hit = cache.lookup(URL, "image/png").fresh
    assert hit is not None and hit.content == b"png"


def test_the_least_recently_used_entry_is_evicted_past_the_byte_bound() -> None:
    fresh = {"cache-control": "max-age=600"}
    cache = HttpCache(max_bytes=3500, clock=Clock())
    for name in ("a", "b", "c"):
        cache.store(f"{URL}/{name}", ACCEPT, response(fresh, body=b"x" * 1000))
    assert cache.stats().entries == 2  # "a" went to make room for "c"
    assert cache.lookup(f"{URL}/b", ACCEPT).fresh is not None  # "b" is now the most recent
    cache.store(f"{URL}/d", ACCEPT, response(fresh, body=b"x" * 1000))
    kept = [n for n in "abcd" if cache.lookup(f"{URL}/{n}", ACCEPT).fresh is not None]
    assert kept == ["b", "d"]
    assert cache.stats().size_bytes <= 3500


def test_an_entry_bigger_than_the_whole_cache_is_not_stored() -> None:
    cache = HttpCache(max_bytes=1000, clock=Clock())
    cache.store(URL, ACCEPT, response({"cache-control": "max-age=60"}, body=b"x" * 2000))
    assert cache.stats().entries == 0


def test_counters_and_the_304_share() -> None:
    cache = HttpCache(clock=Clock())
    cache.store(URL, ACCEPT, response({"etag": '"v"'}))
    cache.refresh(URL, ACCEPT, {})
    cache.refresh(URL, ACCEPT, {})
    cache.store(f"{URL}/x", ACCEPT, response({"cache-control": "max-age=60"}))
    cache.lookup(f"{URL}/x", ACCEPT)
    stats = cache.stats()
    assert (stats.misses, stats.revalidated_304, stats.hits) == (2, 2, 1)
    assert stats.share_304 == pytest.approx(0.4)


def test_cache_control_directives_are_parsed_case_insensitively_and_unquoted() -> None:
    headers = {"cache-control": 'Max-Age="60", no-cache, private="set-cookie"'}
    assert cache_directives(headers) == {"max-age": "60", "no-cache": "", "private": "set-cookie"}
