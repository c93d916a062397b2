"""Conformance: OB 3.0 / CLR 2.0 / VC files from the shared corpus against their upstream verdicts.

Network resources come from the corpus (expected.json `hosted_resources`) through a fetcher;
date-dependent verdicts are evaluated as of the corpus date (or just after the start date when a
"valid" file has expired since). Every file, baked images included, goes through verify() and
must give the verdict and reason pinned in corpus_pins_ob3.json (tests/support/corpus_pins.py).
Agreement with upstream is a summary, not a test verdict: valid and valid-with-warnings ->
verified; invalid -> revoked / expired / not_yet_valid when the reason names one, else invalid;
status-check-error -> unreachable or invalid; schema-valid (an unsigned example) -> invalid.
Only files with a proof count (docs/conformance.md); unsigned examples are reported apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from app.verification.fetcher import FetchResponse
from app.verification.ob3 import verify_vc
from app.verification.result import Verdict, VerificationResult
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.corpus_ob3 import CORPUS, CorpusCase, CorpusFetcher, cases
from tests.support.corpus_pins import (
    REPIN,
    UNEXPECTED,
    PinBook,
    pin_of,
)

SUMMARY = "OB 3.0, CLR 2.0, VC"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}"),
]

_1ED = "1edtech-dc-validator/"
BOOK = PinBook("ob3")
CASES = list(cases()) if CORPUS.is_dir() else []


def run(case: CorpusCase) -> VerificationResult:
    """The file's bytes through verify(), as an upload would go: JSON, a token or an image."""
    source = Source.from_bytes(case.data(), case.path)
    return verify(source, fetcher=CorpusFetcher(), now=case.as_of)


def agrees_with_upstream(case: CorpusCase) -> bool:
    """Whether our pinned verdict is the corpus verdict (mapped as the module docstring says);
    for the summary in docs/conformance.md (tests/support/conformance_doc.py)."""
    return Verdict(BOOK[case.path].verdict) in case.allowed()


def case_bytes(case: CorpusCase) -> bytes:
    return case.data()


@pytest.fixture(scope="module", autouse=True)
def _repin() -> Iterator[None]:
    yield
    BOOK.write()


@pytest.mark.parametrize("case", [pytest.param(case, id=case.path) for case in CASES])
def test_corpus_file_gets_our_pinned_verdict_and_reason(case: CorpusCase) -> None:
    result = run(case)
    got = pin_of(result)
    if REPIN:
        BOOK.record(case.path, got)
    assert UNEXPECTED not in got.reason
    assert case.path in BOOK, f"not pinned yet: {got}"
    assert got == BOOK[case.path]


def test_every_pin_is_a_corpus_file() -> None:
    assert sorted(set(BOOK.pins) - {case.path for case in CASES}) == []


class _PublishedKeyFetcher(CorpusFetcher):
    """The corpus, plus a controller document at each https issuer listing the fragment's key."""

    def __init__(self, issuer: str, method: str) -> None:
        super().__init__()
        self.issuer, self.method = issuer, method

    def fetch(self, url: str, **options: Any) -> FetchResponse:
        if url != self.issuer:
            return super().fetch(url, **options)
        document = {
            "id": self.issuer,
            "assertionMethod": [
                {
                    "id": self.method,
                    "type": "Multikey",
                    "controller": self.issuer,
                    "publicKeyMultibase": self.method.split("#", 1)[1],
                }
            ],
        }
        return FetchResponse(url, 200, json.dumps(document).encode())


KEY_URL_SAMPLES = [
    pytest.param(f"{_1ED}ob30/simple.json", Verdict.VERIFIED, id="simple"),
    pytest.param(f"{_1ED}ob30/simple_v1.json", Verdict.VERIFIED, id="simple-vcdm-1.1"),
    pytest.param(f"{_1ED}ob30/simple.1ob", Verdict.VERIFIED, id="simple-1ob"),
    pytest.param(f"{_1ED}ob30/simple-eddsa-2022.json", Verdict.VERIFIED, id="legacy-suite-name"),
    pytest.param(f"{_1ED}ob30/simple-context-alias.json", Verdict.VERIFIED, id="context-alias"),
    pytest.param(f"{_1ED}ob30/endorsement-valid.json", Verdict.VERIFIED, id="endorsement"),
    pytest.param(
        f"{_1ED}ob30/simple-err-proof-value.json", Verdict.INVALID, id="garbled-proof-value"
    ),
    pytest.param(f"{_1ED}ob30/simple-err-expired.json", Verdict.EXPIRED, id="expired"),
    pytest.param(f"{_1ED}ob30/simple-err-issued.json", Verdict.NOT_YET_VALID, id="not-yet-valid"),
    pytest.param(f"{_1ED}clr20/simple.json", Verdict.VERIFIED, id="clr"),
    pytest.param(
        "ob3-spec/test-vector-ob/linked-data-proof-ob--signed-credential.json",
        Verdict.VERIFIED,
        id="spec-test-vector-ob",
    ),
    pytest.param(
        "ob3-spec/test-vector-clr/linked-data-proof-clr--signed-credential.json",
        Verdict.VERIFIED,
        id="spec-test-vector-clr",
    ),
]


@pytest.mark.parametrize(("path", "verdict"), KEY_URL_SAMPLES)
def test_key_url_samples_verify_when_the_issuer_publishes_the_key(
    path: str, verdict: Verdict
) -> None:
    case = next(c for c in cases() if c.path == path)
    payload = case.payload()
    assert isinstance(payload, Mapping)
    proofs = payload["proof"] if isinstance(payload["proof"], list) else [payload["proof"]]
    method = proofs[0]["verificationMethod"]
    fetcher = _PublishedKeyFetcher(method.split("#", 1)[0], method)

    result = verify_vc(payload, target=path, fetcher=fetcher, now=case.as_of)

    assert result.verdict is verdict, [c.detail for c in result.checks if c.outcome == "fail"]
