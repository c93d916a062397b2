"""A Fetcher that serves the shared corpus's OB 1.x/2.0 hosted resources (expected.json) by URL."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.verification.fetcher import ACCEPT_JSON, FetchError, FetchFailure, FetchResponse

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
OB2_GROUPS = ("1edtech-dc-validator/ob20/", "ob2-validator-core/")
_TYPES = {".json": "application/ld+json", ".png": "image/png", ".svg": "image/svg+xml"}


def expected() -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    return data


def routes_for(path: str) -> dict[str, Path]:
    """URL (or URL prefix ending in '/') -> corpus file (or folder): what the upstream tests of
    the source that `path` comes from served (`hosted_resources`); each source has its own."""
    for group, mapping in expected()["hosted_resources"].items():
        if group in OB2_GROUPS and path.startswith(group):
            return {k: CORPUS / v for k, v in mapping.items() if not k.startswith("_")}
    return {}


class CorpusFetcher:
    """Serves corpus files at the URLs the upstream tests of `path`'s source mocked.

    Other hosts do not resolve. `extra` adds documents by exact URL (a fixture at its own id).
    A URL under a mapped prefix whose file is missing answers 404, as the upstream mocks did.
    """

    def __init__(self, path: str = "", extra: Mapping[str, bytes] | None = None) -> None:
        self.routes = routes_for(path)
        self.extra = dict(extra or {})
        self.urls: list[str] = []

    def fetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_JSON,
        max_bytes: int | None = None,
        revalidate: bool = False,
    ) -> FetchResponse:
        self.urls.append(url)
        if url in self.extra:
            return FetchResponse(url, 200, self.extra[url], {"content-type": _TYPES[".json"]})
        path = self._route(url)
        if path is None:
            raise FetchError(url, FetchFailure.DNS, "the site is not part of the test corpus")
        if not path.is_file():
            return FetchResponse(url, 404, b"Not Found", {"content-type": "text/plain"})
        content_type = _TYPES.get(path.suffix, "application/octet-stream")
        return FetchResponse(url, 200, path.read_bytes(), {"content-type": content_type})

    def _route(self, url: str) -> Path | None:
        if url in self.routes:
            return self.routes[url]
        prefixes = [p for p in self.routes if p.endswith("/") and url.startswith(p)]
        if not prefixes:
            return None
        prefix = max(prefixes, key=len)
        return self.routes[prefix] / url[len(prefix) :].split("?")[0]
