"""What the verifier needs from the network: one protocol, so tests can inject their own."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


class FetchFailure(enum.StrEnum):
    """Why a fetch produced no HTTP response at all."""

    BAD_URL = "bad_url"  # not http(s), unparsable, credentials in the URL
    BLOCKED = "blocked"  # resolves to an address that is not globally routable
    DNS = "dns"
    CONNECT = "connect"  # refused, reset, unreachable
    TIMEOUT = "timeout"
    TLS = "tls"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    PROTOCOL = "protocol"  # malformed HTTP


class FetchError(Exception):
    """A fetch that produced no usable HTTP response; `detail` is plain words for a recruiter."""

    def __init__(self, url: str, failure: FetchFailure, detail: str) -> None:
        super().__init__(f"{url}: {detail}")
        self.url = url
        self.failure = failure
        self.detail = detail


@dataclass(frozen=True, slots=True)
class FetchResponse:
    """An HTTP response of any status. `url` is the final URL after redirects."""

    url: str
    status: int
    content: bytes
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    redirects: tuple[str, ...] = ()  # URLs that redirected, in order, the requested one first
    from_cache: bool = False  # answered from cache (fresh, or revalidated with a 304)

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-case ('' when absent)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


ACCEPT_JSON = "application/ld+json, application/json;q=0.9, */*;q=0.1"
ACCEPT_IMAGE = "image/png, image/svg+xml, image/*;q=0.8"


class Fetcher(Protocol):
    """Fetch one URL. Returns any HTTP status as a response; raises FetchError otherwise.

    `revalidate=True` is for documents whose freshness matters on every check (assertions,
    revocation and status lists): a cached copy is never used without a conditional request.
    """

    def fetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_JSON,
        max_bytes: int | None = None,
        revalidate: bool = False,
    ) -> FetchResponse: ...
