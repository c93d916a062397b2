"""Conformance: every OB 1.x/2.0 corpus file with an upstream verdict, through verify().

Each file is verified as bytes (a hosted fixture also by its URL where the upstream test did so),
as of the corpus date, with the recipient's address from `recipient_vectors` when there is one.
The network is the corpus: the URLs the upstream tests mocked (`hosted_resources`, per source),
plus the fixture itself at its own address, because the upstream tests handed the validator the
assertion its issuer serves. Every case must give the verdict and reason pinned in
corpus_pins_ob2.json (tests/support/corpus_pins.py). Agreement with upstream is a summary in
docs/conformance.md, counted over files with a signature or a hosted link: valid,
valid-with-warnings -> verified; invalid -> revoked / expired / not_yet_valid when the reason
says so, else invalid; baked -> a payload is found; unbaked -> invalid, "no badge baked";
malformed-baked -> invalid with a plain reason; hostile-image -> a clear verdict, no crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.verification.baked import BakedError, read_png, read_svg
from app.verification.recipient import check_recipient
from app.verification.result import Outcome, RecipientStatus, Verdict, VerificationResult
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.corpus_fetcher import CORPUS, CorpusFetcher, expected
from tests.support.corpus_pins import (
    REPIN,
    UNEXPECTED,
    Pin,
    PinBook,
    pin_of,
)

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}"),
]

SOURCES = (
    "1edtech-dc-validator/ob20/",
    "ob2-validator-core/",
    "badgr-server-testfiles/",
    "bakery/",
    "ob2-spec/",
    "ob1-mozilla-validator/",
)
IMAGE_VERDICTS = ("baked", "unbaked", "malformed-baked", "hostile-image")
NO_BADGE = "no badge baked"
# The upstream test verified these by URL (tests/test_verify.py test_verify_function).
BY_URL = {
    "ob2-validator-core/test_components/2_0_basic_assertion.json": (
        "https://example.org/beths-robotics-badge.json"
    ),
}

BOOK = PinBook("ob2")
SUMMARY = "Open Badges 1.x, 2.0"


@dataclass(frozen=True)
class Case:
    path: str
    verdict: str
    reason: str
    url: str | None = None  # verify this address instead of the file's bytes

    @property
    def id(self) -> str:
        return f"{self.path} (by URL)" if self.url else self.path


def _corpus() -> Mapping[str, Any]:
    return expected() if CORPUS.is_dir() else {"files": {}, "recipient_vectors": [], "_meta": {}}


def _cases() -> Iterator[Case]:
    for path, entry in sorted(_corpus()["files"].items()):
        if path.startswith(SOURCES):
            yield Case(path, entry["verdict"], entry.get("reason", ""))
            if path in BY_URL:
                yield Case(path, entry["verdict"], entry.get("reason", ""), BY_URL[path])


CASES = list(_cases())


def _as_of() -> datetime:
    generated = _corpus()["_meta"].get("generated", "2026-11-29")
    return datetime.fromisoformat(generated).replace(tzinfo=UTC)


def _emails(path: str) -> tuple[str, ...]:
    return tuple(
        vector["plaintext"]
        for vector in _corpus()["recipient_vectors"]
        if path in vector["files"] and vector["type"].lower() in ("email", "emailaddress")
    )


def _own_copy(path: str, data: bytes, fetcher: CorpusFetcher) -> dict[str, bytes]:
    """The fixture (or the JSON baked in it) at its own address, unless the corpus serves one."""
    data = _baked_json(path, data)
    try:
        doc = json.loads(data)
    except ValueError:
        return {}
    if not isinstance(doc, dict):
        return {}
    verify_block = doc.get("verify")
    urls = [doc.get("id"), verify_block.get("url") if isinstance(verify_block, dict) else None]
    served = {url for url in urls if isinstance(url, str) and url.startswith(("http:", "https:"))}
    return {url: data for url in served if not _serves_file(fetcher, url)}


def _baked_json(path: str, data: bytes) -> bytes:
    reader = {".png": read_png, ".svg": read_svg}.get(Path(path).suffix)
    if reader is None:
        return data
    try:
        return (reader(data).ob2 or "").encode()
    except BakedError:
        return b""


def _serves_file(fetcher: CorpusFetcher, url: str) -> bool:
    try:
        return fetcher.fetch(url).ok
    except Exception:
        return False


def run(case: Case) -> VerificationResult:
    data = (CORPUS / case.path).read_bytes()
    fetcher = CorpusFetcher(case.path)
    fetcher = CorpusFetcher(case.path, extra=_own_copy(case.path, data, fetcher))
    source = Source.from_url(case.url) if case.url else Source.from_bytes(data, case.path)
    return verify(source, fetcher=fetcher, now=_as_of(), emails=_emails(case.path))


def expected_verdict(case: Case) -> Verdict:
    if case.verdict in ("valid", "valid-with-warnings"):
        return Verdict.VERIFIED
    reason = case.reason.lower()
    for prefix, verdict in (
        ("revoked", Verdict.REVOKED),
        ("expired", Verdict.EXPIRED),
        ("not-yet-valid", Verdict.NOT_YET_VALID),
    ):
        if reason.startswith(prefix):
            return verdict
    return Verdict.INVALID


def failed(result: VerificationResult) -> str:
    return " | ".join(f"{c.id}: {c.detail}" for c in result.checks if c.outcome is Outcome.FAIL)


def agrees(case: Case, pin: Pin, reason: str) -> bool:
    """Whether our pinned verdict says what the corpus says (see the module docstring)."""
    verdict = Verdict(pin.verdict)
    if case.verdict == "baked":
        return not reason.startswith("baked:")
    if case.verdict == "unbaked":
        return verdict is Verdict.INVALID and NO_BADGE in reason
    if case.verdict == "malformed-baked":
        return verdict is Verdict.INVALID and reason.startswith("baked:") and NO_BADGE not in reason
    if case.verdict == "hostile-image":
        return bool(reason)
    return verdict is expected_verdict(case)


@pytest.fixture(scope="module", autouse=True)
def _repin() -> Iterator[None]:
    yield
    BOOK.write()


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_corpus_file_gets_our_pinned_verdict_and_reason(case: Case) -> None:
    result = run(case)
    got = pin_of(result)
    if REPIN:
        BOOK.record(case.id, got)
    assert UNEXPECTED not in got.reason
    assert case.id in BOOK, f"not pinned yet: {got}"
    assert got == BOOK[case.id]


def test_every_pin_is_a_corpus_case() -> None:
    assert sorted(set(BOOK.pins) - {case.id for case in CASES}) == []


def agrees_with_upstream(case: Case) -> bool:
    """For the summary in docs/conformance.md (tests/support/conformance_doc.py)."""
    return agrees(case, BOOK[case.id], BOOK[case.id].reason)


def case_bytes(case: Case) -> bytes:
    return (CORPUS / case.path).read_bytes()


# -- recipient vectors -------------------------------------------------------------------------


def _vectors() -> list[Any]:
    return [
        pytest.param(vector, id=f"{vector['type']}:{vector['plaintext']}")
        for vector in _corpus()["recipient_vectors"]
    ]


def _identity(vector: Mapping[str, Any]) -> dict[str, Any]:
    identity = {"type": vector["type"], "identity": vector["identity"]}
    if "hashed" in vector:
        identity["hashed"] = vector["hashed"]
    if vector.get("salt") is not None:
        identity["salt"] = vector["salt"]
    return identity


@pytest.mark.parametrize("vector", _vectors())
def test_recipient_vector_matches_its_plaintext(vector: Mapping[str, Any]) -> None:
    outcome = check_recipient(_identity(vector), [vector["plaintext"]])
    if vector["type"].lower() in ("email", "emailaddress"):
        assert outcome.status is RecipientStatus.MATCHED, outcome.detail
    else:  # a name: nothing to compare an e-mail address with
        assert outcome.status is RecipientStatus.NOT_CHECKABLE, outcome.detail


@pytest.mark.parametrize("vector", _vectors())
def test_recipient_vector_does_not_match_another_address(vector: Mapping[str, Any]) -> None:
    outcome = check_recipient(_identity(vector), ["someone.else@example.com"])
    assert outcome.status in (RecipientStatus.MISMATCH, RecipientStatus.NOT_CHECKABLE)
    if vector["type"].lower() in ("email", "emailaddress"):
        assert outcome.status is RecipientStatus.MISMATCH
