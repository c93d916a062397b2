"""Fetching ahead (issue 14): a document fetched early is handed to the verification that asks
for it, once, so fetching ahead never costs a second request and never changes a verdict."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

import pytest

from app.verification import verify as verify_module
from app.verification.prefetch import Prefetching, fetch_early, import_ahead
from app.verification.result import Verdict
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.fakes import FakeFetcher, ThreadRecording, wait_until
from tests.support.ob2_builders import DEFAULT_EMAIL, IssuerKit
from tests.support.ob3_builders import IssuerKit as Ob3Kit
from tests.support.ob3_builders import bitstring_entry, build_credential
from tests.support.ob3_fakes import FakeFetcher as Ob3Fetcher

NOW = datetime(2025, 1, 1, tzinfo=UTC)
KIT = IssuerKit()


def test_a_prefetched_document_is_handed_over_once_then_fetched_again() -> None:
    fetcher = FakeFetcher(KIT.documents())
    with Prefetching(fetcher) as ahead:
        ahead.prefetch(KIT.issuer_id, revalidate=True)
        first = ahead.fetch(KIT.issuer_id, revalidate=True)
        assert fetcher.urls == [KIT.issuer_id]
        second = ahead.fetch(KIT.issuer_id, revalidate=True)
    assert first.ok and second.ok
    assert fetcher.urls == [KIT.issuer_id, KIT.issuer_id]


@pytest.mark.parametrize(
    ("given", "expected_verdict"),
    [
        pytest.param(KIT.assertion_id("a1"), Verdict.VERIFIED, id="hosted"),
        pytest.param(f"  {KIT.assertion_id('a1')}\n", Verdict.VERIFIED, id="with-spaces"),
        pytest.param("https://nowhere.example/none.json", Verdict.INVALID, id="not-found"),
    ],
)
def test_a_link_fetched_early_is_the_one_the_verification_uses(
    given: str, expected_verdict: Verdict
) -> None:
    recording = ThreadRecording(FakeFetcher(KIT.hosted("a1")))
    with Prefetching(recording) as ahead:
        fetch_early(ahead, [given])
        assert wait_until(lambda: given.strip() in recording.threads)  # under way on the pool
        result = verify(Source.from_url(given), fetcher=ahead, now=NOW, emails=[DEFAULT_EMAIL])
    assert result.verdict is expected_verdict
    assert len(recording.threads[given.strip()]) == 1
    assert recording.threads[given.strip()][0].startswith("prefetch")


def test_a_provider_page_is_fetched_early_at_the_address_of_its_badge_data() -> None:
    page = "https://www.credly.com/badges/0b6bfa1c-0b1e-4a4e-9b0a-2f0a2d8a9b11"
    data = "https://api.credly.com/v1/obi/v2/badge_assertions/0b6bfa1c-0b1e-4a4e-9b0a-2f0a2d8a9b11"
    fetcher = FakeFetcher()
    with Prefetching(fetcher) as ahead:
        fetch_early(ahead, [page, "file:///etc/passwd"])
        verify(Source.from_url(page), fetcher=ahead, now=NOW)
    assert fetcher.urls.count(data) == 1
    assert not any(url.startswith("file:") for url in fetcher.urls)


def test_an_ob3_status_list_is_asked_for_ahead_as_its_check_will_fetch_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.verification.ob3 import status

    asked: list[tuple[object, dict[str, Any]]] = []

    def recording_prefetch(fetcher: Any, url: object, **options: Any) -> None:
        asked.append((url, options))
        real_prefetch(fetcher, url, **options)

    real_prefetch = verify_module.prefetch
    monkeypatch.setattr(verify_module, "prefetch", recording_prefetch)
    kit = Ob3Kit.did_key(seed=14)
    url = "https://issuer.example/status/14"
    credential = kit.sign(build_credential(kit, status=bitstring_entry(url, 3)))
    fetcher = Ob3Fetcher({url: kit.status_list(url, set_bits=[])})
    data = json.dumps(credential).encode()
    result = verify(Source.from_bytes(data, "ob3.json"), fetcher=fetcher, now=NOW)
    assert result.verdict is Verdict.VERIFIED, result.checks
    assert asked == [(url, {"max_bytes": status.LIST_LIMIT, "revalidate": True})]
    assert fetcher.calls == [(url, True)]  # handed over (or fetched directly): never twice


def test_import_ahead_loads_each_module_once_on_a_pool_thread() -> None:
    name = "tabnanny"  # a standard module nothing else here imports
    sys.modules.pop(name, None)
    import_ahead(name)
    import_ahead(name)
    import tabnanny  # waits for the pool thread's import if it is still running

    assert sys.modules[name] is tabnanny
