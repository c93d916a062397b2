"""A status list shared by a batch of credentials is verified once (issue 14): the checks that
reach it at the same moment wait for the one verifying it, instead of all verifying its proof at
once (which made 200 OB 3.0 credentials a third slower once their fetches of the list were
shared). An outcome that is not kept (a failure, a proof with its own expiry) is never shared."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from app.verification.ob3 import status
from app.verification.result import Verdict
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.ob3_builders import IssuerKit, bitstring_entry, build_credential
from tests.support.ob3_fakes import FakeFetcher

NOW = datetime(2025, 1, 1, tzinfo=UTC)


class SlowVerification:
    """Counts calls and how many ran at once; each takes `seconds`."""

    def __init__(self, seconds: float = 0.1) -> None:
        self.seconds = seconds
        self.calls = 0
        self.running = 0
        self.most_at_once = 0
        self.lock = threading.Lock()

    def __call__(self) -> Any:
        with self.lock:
            self.calls += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(self.seconds)
        with self.lock:
            self.running -= 1
        return object()


def _at_once(count: int, call: Any) -> list[Any]:
    start = threading.Barrier(count)

    def run(_: int) -> Any:
        start.wait()
        return call()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_checks_reaching_one_list_at_once_share_one_verification() -> None:
    cache, verification = status._ListCache(), SlowVerification()

    outcomes = _at_once(8, lambda: cache.verified("list", verification, lambda _: True))

    assert verification.calls == 1
    assert len({id(outcome) for outcome in outcomes}) == 1


def test_an_outcome_that_is_not_kept_is_verified_by_each_check_in_turn() -> None:
    cache, verification = status._ListCache(), SlowVerification(0.02)

    outcomes = _at_once(6, lambda: cache.verified("list", verification, lambda _: False))

    assert verification.calls == 6
    assert verification.most_at_once == 1
    assert len({id(outcome) for outcome in outcomes}) == 6


def test_a_verification_that_raises_lets_the_next_check_verify() -> None:
    cache = status._ListCache()

    def broken() -> Any:
        raise RuntimeError("the key could not be read")

    with pytest.raises(RuntimeError):
        cache.verified("list", broken, lambda _: True)
    assert cache.verified("list", SlowVerification(0), lambda _: True) is not None


class AllAtOnce:
    """Hands `url` to no check until `count` checks have asked for it."""

    def __init__(self, inner: FakeFetcher, url: str, count: int) -> None:
        self.inner, self.url, self.barrier = inner, url, threading.Barrier(count, timeout=10)

    def fetch(self, url: str, **options: Any) -> Any:
        response = self.inner.fetch(url, **options)
        if url == self.url:
            self.barrier.wait()
        return response


def test_a_batch_sharing_a_status_list_verifies_the_lists_proof_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kit = IssuerKit.did_key(seed=31)
    url = f"https://issuer.example/status/batch-{time.monotonic_ns()}"  # never verified before
    fetcher = AllAtOnce(FakeFetcher({url: kit.status_list(url, set_bits=[5])}), url, 8)
    credentials = [
        json.dumps(kit.sign(build_credential(kit, status=bitstring_entry(url, n)))).encode()
        for n in range(8)
    ]
    proofs_checked: list[str] = []
    real_authenticate = status.authenticate

    def counting(document: Any, *args: Any) -> Any:
        proofs_checked.append(str(document.get("id")))
        return real_authenticate(document, *args)

    monkeypatch.setattr(status, "authenticate", counting)

    def check(data: bytes) -> Verdict:
        return verify(Source.from_bytes(data, "vc.json"), fetcher=fetcher, now=NOW).verdict

    with ThreadPoolExecutor(8) as pool:
        verdicts = list(pool.map(check, credentials))

    assert verdicts == [Verdict.VERIFIED] * 5 + [Verdict.REVOKED] + [Verdict.VERIFIED] * 2
    assert len(proofs_checked) == 1


def test_a_check_stops_waiting_for_a_slow_verification_and_verifies_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = status._ListCache()
    monkeypatch.setattr(status._ListCache, "WAIT_SECONDS", 0.05)
    slow, quick = SlowVerification(2.0), SlowVerification(0)
    leader = threading.Thread(target=cache.verified, args=("list", slow, lambda _: True))
    leader.start()
    while slow.calls == 0:
        time.sleep(0.001)

    started = time.monotonic()
    outcome = cache.verified("list", quick, lambda _: True)

    assert time.monotonic() - started < 1.0  # not the 2 s the other takes
    assert outcome is not None and quick.calls == 1
    leader.join()
