"""The shared conformance corpus for OB 3.0 / VC tests: files, verdicts, hosted resources."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.verification.fetcher import ACCEPT_JSON, FetchError, FetchFailure, FetchResponse
from app.verification.ob3.dids import did_web_url
from app.verification.result import Verdict

CORPUS = (Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus").resolve()
SOURCES = (
    "1edtech-dc-validator/ob30/",
    "1edtech-dc-validator/clr20/",
    "dcc-vc-test-fixtures/",
    "dcc-verifier-core/",
    "vc-test-vectors/",
    "ob3-spec/",
    "ob3-spec-published-examples/",
)


@dataclass(frozen=True)
class CorpusCase:
    path: str
    verdict: str
    reason: str
    as_of: datetime

    def data(self) -> bytes:
        return (CORPUS / self.path).read_bytes()

    def payload(self) -> Mapping[str, Any] | str:
        text = (CORPUS / self.path).read_text(encoding="utf-8").strip()
        if text.startswith("{"):
            value: Mapping[str, Any] = json.loads(text)
            return value
        return text

    def allowed(self) -> frozenset[Verdict]:
        """The verdicts of ours that agree with the corpus verdict."""
        if self.verdict in ("valid", "valid-with-warnings"):
            return frozenset({Verdict.VERIFIED})
        if self.verdict == "status-check-error":
            return frozenset({Verdict.UNREACHABLE, Verdict.INVALID})
        if self.verdict == "schema-valid":
            return frozenset({Verdict.INVALID})  # unsigned: "carries no proof"
        reason = self.reason.lower()
        if "revoked" in reason:
            return frozenset({Verdict.REVOKED})
        if "expired" in reason:
            return frozenset({Verdict.EXPIRED})
        if "not-yet-valid" in reason:
            return frozenset({Verdict.NOT_YET_VALID})
        return frozenset({Verdict.INVALID})


def expected() -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    return data


def cases() -> Iterator[CorpusCase]:
    """Every OB 3.0 / CLR / VC file with a verdict, baked images included."""
    data = expected()
    generated = datetime.fromisoformat(data["_meta"]["generated"]).replace(tzinfo=UTC)
    for path, entry in sorted(data["files"].items()):
        if path.startswith(SOURCES):
            as_of = _as_of(entry, generated)
            yield CorpusCase(path, entry["verdict"], entry.get("reason", ""), as_of)


def _as_of(entry: Mapping[str, Any], generated: datetime) -> datetime:
    """The corpus date, or just after the latest start date when a valid file has expired since."""
    dates = {k: _date(v) for k, v in entry.get("time_fields", {}).items()}
    ends = [d for k, d in dates.items() if d and k in ("validUntil", "expirationDate", "jwt_exp")]
    starts = [
        d for k, d in dates.items() if d and k not in ("validUntil", "expirationDate", "jwt_exp")
    ]
    if entry["verdict"].startswith("valid") and any(e <= generated for e in ends) and starts:
        return max(starts) + timedelta(seconds=1)
    return generated


def _date(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class CorpusFetcher:
    """Serves the corpus's hosted resources (expected.json) by URL; anything else is unreachable."""

    def __init__(self) -> None:
        self.routes: dict[str, Path] = {}
        for group in expected()["hosted_resources"].values():
            for key, local in group.items():
                if not key.startswith("_"):
                    url = did_web_url(key) if key.startswith("did:web:") else key
                    self.routes[url] = CORPUS / local

    def fetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_JSON,
        max_bytes: int | None = None,
        revalidate: bool = False,
    ) -> FetchResponse:
        path = self._route(url)
        if path is None:
            raise FetchError(url, FetchFailure.DNS, "the site is not part of the test corpus")
        if not path.is_file():
            return FetchResponse(url, 404, b"")
        return FetchResponse(url, 200, path.read_bytes(), {"content-type": "application/json"})

    def _route(self, url: str) -> Path | None:
        if url in self.routes:
            return self.routes[url]
        prefixes = [p for p in self.routes if p.endswith("/") and url.startswith(p)]
        if not prefixes:
            return None
        prefix = max(prefixes, key=len)
        return self.routes[prefix] / url[len(prefix) :]
