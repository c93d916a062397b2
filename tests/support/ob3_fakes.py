"""A fetcher that answers from a dict, for OB 3.0 tests (no network)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.verification.fetcher import ACCEPT_JSON, FetchError, FetchFailure, FetchResponse


@dataclass
class FakeFetcher:
    """Serves `documents` (URL -> JSON value, bytes, int status or FetchError); else 404."""

    documents: dict[str, Any] = field(default_factory=dict)
    calls: list[tuple[str, bool]] = field(default_factory=list)

    def add(self, url: str, value: Any) -> FakeFetcher:
        self.documents[url] = value
        return self

    def fetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_JSON,
        max_bytes: int | None = None,
        revalidate: bool = False,
    ) -> FetchResponse:
        self.calls.append((url, revalidate))
        value = self.documents.get(url)
        if isinstance(value, FetchError):
            raise value
        if value is None:
            return FetchResponse(url, 404, b"not found")
        if isinstance(value, int):
            return FetchResponse(url, value, b"")
        body = value if isinstance(value, bytes) else json.dumps(value).encode()
        if max_bytes is not None and len(body) > max_bytes:
            raise FetchError(url, FetchFailure.TOO_LARGE, "the document is too large")
        return FetchResponse(url, 200, body, {"content-type": "application/json"})

    def fetched(self, url: str) -> bool:
        return any(called == url for called, _ in self.calls)


def timeout(url: str) -> FetchError:
    return FetchError(url, FetchFailure.TIMEOUT, "the server did not answer in time")


def as_documents(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return dict(mapping)
