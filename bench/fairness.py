"""Benchmark: does one organisation's hostile 1 MB document slow another's small valid check?

    .venv/bin/python bench/fairness.py [-n 40]

A small valid check is an OB 3.0 credential (did:key, eddsa-rdfc-2022, a BitstringStatusList
fetched over loopback HTTP) verified through `verify()` as the API and the workers do. It is
timed N times alone and N times started just after another thread submitted one hostile 1 MB
document (interleaved; each pair starts when the last is done), for each kind of document:

  wide   1 MB of tiny JSON values: refused by counting them, before parsing it;
  heavy  1 MB within every work limit (about 4,000 quads, long strings), keyed to its own
         issuer so the key binding passes and it must be canonicalized: the heavy lane's case.

Prints the medians and the ratio in flight / alone (limit 2x), and exits 1 past the limit.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.verification.http import SafeFetcher  # noqa: E402
from app.verification.netpolicy import parse_allowlist  # noqa: E402
from app.verification.result import Verdict, VerificationResult  # noqa: E402
from app.verification.source import Source  # noqa: E402
from app.verification.verify import verify  # noqa: E402
from bench.verify_ob3 import StaticServer  # noqa: E402
from tests.support.ob3_builders import IssuerKit, bitstring_entry, build_credential  # noqa: E402

LIMIT = 2.0
SIZE = 1024 * 1024
NOW = datetime.now(UTC)


def small_check(server: StaticServer) -> bytes:
    """A valid credential whose status list is served by `server`."""
    kit = IssuerKit.did_key(seed=7)
    list_url = server.url("/status/1")
    server.bodies["/status/1"] = json.dumps(kit.status_list(list_url, set_bits=[3])).encode()
    credential = build_credential(kit, status=bitstring_entry(list_url, 42))
    return json.dumps(kit.sign(credential)).encode()


def wide_document() -> bytes:
    """1 MB of tiny values under a defined term: cheap to send, costly to expand."""
    kit = IssuerKit.did_key(seed=8)
    credential = build_credential(kit)
    credential["credentialSubject"]["achievement"]["tag"] = ["x"] * (SIZE // 4)
    return _unsigned_proof(kit, credential)


def heavy_document() -> bytes:
    """1 MB within the work limits: ~800 alignments with long names, ~4,000 quads."""
    kit = IssuerKit.did_key(seed=9)
    credential = build_credential(kit)
    count = 800
    padding = "p" * (SIZE // count - 150)
    credential["credentialSubject"]["achievement"]["alignment"] = [
        {
            "type": ["Alignment"],
            "targetName": f"{index} {padding}",
            "targetUrl": f"https://skills.example/{index}",
        }
        for index in range(count)
    ]
    return _unsigned_proof(kit, credential)


def _unsigned_proof(kit: IssuerKit, credential: dict[str, Any]) -> bytes:
    """A proof by the issuer's own key with a wrong signature value: the binding passes, so
    the verifier must canonicalize the whole document to find the signature false."""
    credential["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": kit.key_id,
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "1" * 86,
    }
    return json.dumps(credential).encode()


def timed(check: Callable[[], VerificationResult], count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        result = check()
        times.append(time.perf_counter() - started)
        if result.verdict is not Verdict.VERIFIED:
            raise SystemExit(f"the small check was not verified: {result.checks}")
    return times


def under_load(
    check: Callable[[], VerificationResult], hostile: Callable[[], VerificationResult], count: int
) -> tuple[list[float], list[float], list[VerificationResult]]:
    """`count` pairs: `check` alone, then `check` started while a hostile document is in flight.

    Interleaving the two keeps a machine whose load drifts from skewing the ratio.
    """
    alone, loaded, answers = [], [], []

    def submit(began: threading.Event) -> None:
        began.set()
        answers.append(hostile())

    for _ in range(count):
        alone += timed(check, 1)
        began = threading.Event()
        worker = threading.Thread(target=submit, args=(began,), daemon=True)
        worker.start()
        began.wait()
        loaded += timed(check, 1)
        worker.join()
    return alone, loaded, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=40, help="small checks per measurement")
    args = parser.parse_args()
    worst = 0.0
    with StaticServer() as server, SafeFetcher(allowlist=parse_allowlist("127.0.0.1")) as fetcher:
        small = small_check(server)

        def check() -> VerificationResult:
            return verify(Source.from_bytes(small, "small.json"), fetcher=fetcher, now=NOW)

        timed(check, 5)  # warm: contexts processed, connection open
        for name, document in (("wide", wide_document()), ("heavy", heavy_document())):

            def hostile(document: bytes = document, name: str = name) -> VerificationResult:
                return verify(Source.from_bytes(document, name), fetcher=fetcher, now=NOW)

            first = hostile()  # also starts the heavy lane's process, outside the timing
            alone, loaded, answers = under_load(check, hostile, args.n)
            ratio = statistics.median(loaded) / statistics.median(alone)
            worst = max(worst, ratio)
            detail = next((c.detail for c in first.checks if c.outcome == "fail"), "")
            print(
                f"{name:5} {len(document) / SIZE:.1f} MB: small check alone "
                f"{statistics.median(alone) * 1000:5.1f} ms, with it in flight "
                f"{statistics.median(loaded) * 1000:5.1f} ms, ratio {ratio:.2f}x  "
                f"(hostile: {first.verdict}, {first.elapsed_ms:.0f} ms, {detail!r}; "
                f"{len(answers)} verified)"
            )
    print(f"worst ratio {worst:.2f}x (limit {LIMIT:.0f}x)")
    if worst > LIMIT:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
