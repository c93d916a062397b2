"""Conformance: every OB 1.x/2.0 corpus file with an upstream verdict, through verify().

Each file is verified as bytes (a hosted fixture also by its URL where the upstream test did so),
as of the corpus date, with the recipient's address from `recipient_vectors` when there is one.
The network is the corpus: the URLs the upstream tests mocked (`hosted_resources`, per source),
plus the fixture itself at its own address, because the upstream tests handed the validator the
assertion its issuer serves. Verdicts map as: valid, valid-with-warnings -> verified; invalid ->
revoked / expired / not_yet_valid when the reason says so, else invalid; baked -> a payload is
found (its verdict is the payload's); unbaked -> invalid, "no badge baked"; malformed-baked ->
invalid with a plain reason; hostile-image -> a clear verdict, no crash. Intended differences are
pinned (strict xfail) with their reason.
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
UNEXPECTED = "unexpected error"
# The upstream test verified these by URL (tests/test_verify.py test_verify_function).
BY_URL = {
    "ob2-validator-core/test_components/2_0_basic_assertion.json": (
        "https://example.org/beths-robotics-badge.json"
    ),
}

NOT_AN_ASSERTION = (
    "a BadgeClass or Issuer profile on its own: the 1EdTech validator checks any OB 2.0 node, "
    "Skillproof verifies awarded badges only and says 'not an Open Badges assertion' (invalid)"
)
EXTENSION_SCHEMA = (
    "extension nodes are not validated against their JSON schemas (that would mean fetching "
    "schemas the credential names); the badge's own checks all pass -> verified"
)
KEY_NOT_FOUND = (
    "the signing key cannot be fetched (the spec says it does not exist): ARCHITECTURE.md makes "
    "any failure to fetch a document other than the credential itself `unreachable`, not `invalid`"
)
_1ED = "1edtech-dc-validator/ob20/"
PINNED: dict[str, str] = {
    **dict.fromkeys(
        [
            f"{_1ED}assets/badge-with-data-image.json",
            f"{_1ED}assets/badgeclass-with-complex-image.json",
            f"{_1ED}assets/badgeclass1.json",
            f"{_1ED}issuer-compact-iri-validation.json",
            f"{_1ED}rdf-validation/valid-alignment-object.json",
            f"{_1ED}rdf-validation/valid-badge-class-empty-criteria-type.json",
            f"{_1ED}rdf-validation/valid-badge-class.json",
            f"{_1ED}rdf-validation/valid-cool-class.json",
            f"{_1ED}rdf-validation/valid-issuer-extension.json",
        ],
        NOT_AN_ASSERTION,
    ),
    f"{_1ED}assertion-with-extension-node-invalid.json": EXTENSION_SCHEMA,
    "ob2-spec/examples/examples/signed-badges-example-definition--jws.jws": KEY_NOT_FOUND,
}


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


def _params() -> list[Any]:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.xfail(strict=True, reason=PINNED[case.path])]
            if case.path in PINNED
            else [],
        )
        for case in CASES
    ]


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


def agrees(case: Case, result: VerificationResult) -> bool:
    """Whether our result says what the corpus says (see the module docstring)."""
    checks = {c.id: c for c in result.checks}
    details = failed(result)
    if UNEXPECTED in details:
        return False
    if case.verdict == "baked":
        baked = checks.get("baked")
        return baked is not None and baked.outcome is Outcome.PASS
    if case.verdict == "unbaked":
        return result.verdict is Verdict.INVALID and NO_BADGE in details
    if case.verdict == "malformed-baked":
        baked = checks.get("baked")
        return (
            result.verdict is Verdict.INVALID
            and baked is not None
            and baked.outcome is Outcome.FAIL
            and NO_BADGE not in baked.detail
        )
    if case.verdict == "hostile-image":
        return result.verdict in set(Verdict) and bool(details)
    return result.verdict is expected_verdict(case)


@pytest.fixture(scope="module", autouse=True)
def agreement_report(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print 'OB2 corpus: N/M agree' once the module has run."""
    yield
    agreeing = sum(agrees(case, run(case)) for case in CASES)
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    line = (
        f"OB2 corpus: {agreeing}/{len(CASES)} agree "
        f"({len(PINNED)} pinned differences, {len(CASES) - agreeing - len(PINNED)} unexplained)"
    )
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)


@pytest.mark.parametrize("case", _params())
def test_corpus_file_gets_the_upstream_verdict(case: Case) -> None:
    result = run(case)
    assert agrees(case, result), (
        f"expected {case.verdict} ({case.reason}), got {result.verdict}: {failed(result)}"
    )


def test_every_pinned_difference_is_a_corpus_file() -> None:
    assert set(PINNED) <= {case.path for case in CASES}


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
