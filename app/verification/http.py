"""SafeFetcher: Skillproof's one outbound HTTP client for URLs from untrusted documents.

It talks HTTP/1.1 through a keep-alive pool on the standard library's http.client whose every
connection goes to a checked address (netclient.py, netguard.py), built on the first request that
reaches the network: a batch of local files, or of documents answered from the cache, never
imports the HTTP stack.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .fetcher import ACCEPT_JSON, FetchError, FetchFailure, FetchResponse
from .httpbody import ACCEPT_ENCODING, read_body, too_large
from .httpcache import HttpCache
from .netdeadline import deadline
from .netpolicy import NO_PRIVATE_HOSTS, Allowlist, check_address, literal_address, parse_allowlist
from .tls import LazyTlsContext, ca_paths_from_environ
from .weburl import WebUrl, join, parse_web_url

if TYPE_CHECKING:
    import httpx

    from .netclient import Pool
    from .netguard import Connector, Resolver

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 5
CHECKED_URL_CACHE = 1024  # the issuer, BadgeClass and image URLs most badges share
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def user_agent(version: str | None = None) -> str:
    """'Skillproof/<version> (+credential verifier)'; the installed version unless given (the
    command line gives it: reading package metadata costs a tenth of its start-up)."""
    if version is None:
        import importlib.metadata

        try:
            version = importlib.metadata.version("skillproof")
        except importlib.metadata.PackageNotFoundError:
            version = "dev"
    return f"Skillproof/{version} (+credential verifier)"


class SafeFetcher:
    """The Fetcher that refuses non-public addresses, caps sizes and times, and caches."""

    def __init__(
        self,
        *,
        allowlist: Allowlist = NO_PRIVATE_HOSTS,
        ca_file: str | None = None,
        ca_dir: str | None = None,
        connect_timeout: float = 5.0,
        total_timeout: float = 20.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        cache: HttpCache | None = None,
        resolver: Resolver | None = None,
        connector: Connector | None = None,
        max_connections: int = 20,
        version: str | None = None,
    ) -> None:
        self._allowlist = allowlist
        self._total_timeout = total_timeout
        self._max_bytes = max_bytes
        self.cache = HttpCache() if cache is None else cache
        # Parsing and checking a URL costs more than a cache hit: the same shared documents are
        # asked for by every badge. Only accepted URLs are kept (lru_cache keeps no exceptions).
        self._checked_url: Callable[[str], WebUrl] = functools.lru_cache(CHECKED_URL_CACHE)(
            self._check_url
        )
        self._tls = LazyTlsContext(ca_file, ca_dir)  # a missing CA file is an error right away
        self._net = (resolver, connector, max_connections)
        self._timeouts = (connect_timeout, total_timeout)
        self._user_agent = user_agent(version)
        self._pool: Pool | None = None
        self._pool_lock = threading.Lock()
        self._in_flight: dict[_FlightKey, _Flight] = {}
        self._in_flight_lock = threading.Lock()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], **options: Any) -> SafeFetcher:
        """Build from SKILLPROOF_ALLOW_PRIVATE_HOSTS, SSL_CERT_FILE and SSL_CERT_DIR."""
        allowlist = parse_allowlist(environ.get("SKILLPROOF_ALLOW_PRIVATE_HOSTS", ""))
        ca_file, ca_dir = ca_paths_from_environ(environ)
        return cls(allowlist=allowlist, ca_file=ca_file, ca_dir=ca_dir, **options)

    def fetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_JSON,
        max_bytes: int | None = None,
        revalidate: bool = False,
    ) -> FetchResponse:
        """GET `url`, following up to 5 checked redirects; any HTTP status is a response."""
        limit = self._max_bytes if max_bytes is None else max_bytes
        with deadline(self._total_timeout):
            return self._follow(url, accept, limit, revalidate)

    def prepare(self) -> None:
        """Load the HTTP stack now, on this thread. A caller about to start several fetches at
        once and then import more code calls it first: otherwise the fetching threads import it
        while competing with that code for the interpreter, and send their requests later."""
        self._connection_pool()

    def close(self) -> None:
        """Close pooled connections."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def __enter__(self) -> SafeFetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _follow(self, url: str, accept: str, limit: int, revalidate: bool) -> FetchResponse:
        redirects: list[str] = []
        target = self._checked_url(url)
        while True:
            response = self._get(target, accept, limit, revalidate)
            location = response.headers.get("location")
            if response.status not in _REDIRECT_STATUSES or not location:
                return dataclasses.replace(response, redirects=tuple(redirects))
            redirects.append(str(target))
            if len(redirects) > MAX_REDIRECTS:
                detail = f"the web address redirected more than {MAX_REDIRECTS} times"
                raise FetchError(url, FetchFailure.TOO_MANY_REDIRECTS, detail)
            target = self._checked_url(join(target, location))

    def _check_url(self, url: str) -> WebUrl:
        """Parse and check a URL before anything is sent; refusals raise FetchError."""
        parsed = parse_web_url(url)
        address = literal_address(parsed.host)
        if address is not None:
            reason = check_address(address, parsed.effective_port, self._allowlist)
            if reason is not None:
                detail = f"{reason}; Skillproof only contacts public internet addresses"
                raise FetchError(url, FetchFailure.BLOCKED, detail)
        return parsed

    def _get(self, target: WebUrl, accept: str, limit: int, revalidate: bool) -> FetchResponse:
        """One document from the cache or the network. A fetch asked for while the same fetch
        is under way waits for its answer instead of sending a request of its own: a batch of
        badges from one issuer asks for its BadgeClass, profile and revocation list all at once.
        A revalidating fetch joins only another revalidating one, whose request was still on
        the wire when it asked, so the answer is as fresh as its own would have been."""
        key = (str(target), accept, limit, revalidate)
        with self._in_flight_lock:
            flight = self._in_flight.get(key)
            if flight is None:
                flight = self._in_flight[key] = _Flight()
                leading = True
            else:
                leading = False
        if not leading:
            joined = flight.answer()
            return (
                joined if joined is not None else self._get_alone(target, accept, limit, revalidate)
            )
        try:
            response = self._get_alone(target, accept, limit, revalidate)
        except FetchError as exc:
            self._land(key, flight, error=exc)
            raise
        except BaseException:
            self._land(key, flight)  # the others fetch alone
            raise
        self._land(key, flight, response=response)
        return response

    def _land(
        self,
        key: _FlightKey,
        flight: _Flight,
        *,
        response: FetchResponse | None = None,
        error: FetchError | None = None,
    ) -> None:
        """End a fetch under way: whoever asks from now on sends a request of their own."""
        with self._in_flight_lock:
            del self._in_flight[key]
        flight.finish(response=response, error=error)

    def _get_alone(
        self, target: WebUrl, accept: str, limit: int, revalidate: bool
    ) -> FetchResponse:
        key = str(target)
        lookup = self.cache.lookup(key, accept, revalidate=revalidate)
        if lookup.fresh is not None:
            return _within(lookup.fresh, limit)
        response = self._request(target, accept, limit, lookup.conditional)
        if response.status == 304 and lookup.conditional:
            refreshed = self.cache.refresh(key, accept, response.headers)
            if refreshed is not None:
                return _within(refreshed, limit)
            response = self._request(target, accept, limit, {})  # evicted meanwhile
        self.cache.store(key, accept, response)
        return response

    def _request(
        self, target: WebUrl, accept: str, limit: int, conditional: Mapping[str, str]
    ) -> FetchResponse:
        import http.client

        from .netguard import Refused

        url = str(target)
        headers = [
            ("Host", target.netloc),
            ("User-Agent", self._user_agent),
            ("Accept", accept),
            ("Accept-Encoding", ACCEPT_ENCODING),
            *conditional.items(),
        ]
        try:
            response = self._connection_pool().get(target, headers)
            try:
                received = _plain_headers(response.headers)
                content = read_body(url, received, response.chunks(), limit)
            finally:
                response.release()
        except Refused as exc:
            raise FetchError(url, exc.failure, exc.detail) from None
        except (http.client.HTTPException, ValueError, OSError) as exc:
            raise _fetch_error(url, target.host, exc) from exc
        return FetchResponse(url, response.status, content, received)

    def _connection_pool(self) -> Pool:
        with self._pool_lock:
            if self._pool is None:
                from .netclient import Pool
                from .netguard import Guard, direct_connector, system_resolver

                resolver, connector, max_connections = self._net
                guard = Guard(
                    self._allowlist, resolver or system_resolver, connector or direct_connector
                )
                connect_timeout, io_timeout = self._timeouts
                self._pool = Pool(
                    guard,
                    self._tls,
                    connect_timeout=connect_timeout,
                    io_timeout=io_timeout,
                    max_connections=max_connections,
                )
            return self._pool


_FlightKey = tuple[str, str, int, bool]  # url, accept, byte limit, revalidate


class _Flight:
    """One fetch under way, and what it gave the callers who waited for it."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._response: FetchResponse | None = None
        self._error: FetchError | None = None

    def finish(self, *, response: FetchResponse | None, error: FetchError | None) -> None:
        """Record the answer and wake the waiting callers."""
        self._response, self._error = response, error
        self._done.set()

    def answer(self) -> FetchResponse | None:
        """The leader's response, or its FetchError raised again; None when the leader failed
        otherwise. The leader's deadline bounds the wait."""
        self._done.wait()
        if self._error is not None:
            raise FetchError(self._error.url, self._error.failure, self._error.detail)
        return self._response


def guarded_client(
    allowlist: Allowlist, *, ca_file: str | None = None, ca_dir: str | None = None, timeout: float
) -> httpx.Client:
    """A plain httpx client for requests that are not fetches (webhooks): httpxclient.py."""
    from .httpxclient import guarded_client as client

    return client(allowlist, ca_file=ca_file, ca_dir=ca_dir, timeout=timeout)


def _within(response: FetchResponse, limit: int) -> FetchResponse:
    if len(response.content) > limit:
        raise too_large(response.url, limit)
    return response


def _plain_headers(raw: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Lower-case names; repeated headers joined with ', ' (as HTTP allows for lists)."""
    headers: dict[str, str] = {}
    for name, value in raw:
        key, text = name.lower(), _header_text(value)
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


def _header_text(value: str) -> str:
    """http.client reads header bytes as Latin-1; a server that sent UTF-8 gets it back."""
    if value.isascii():
        return value
    raw = value.encode("latin-1", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return value


def _fetch_error(url: str, host: str, exc: Exception) -> FetchError:
    failure, detail = _classify(host, exc)
    return FetchError(url, failure, detail)


def _classify(host: str, exc: Exception) -> tuple[FetchFailure, str]:
    import http.client
    import ssl

    from .netguard import ConnectFailed

    root = _root_cause(exc)
    if isinstance(exc, TimeoutError) or isinstance(root, TimeoutError):
        return FetchFailure.TIMEOUT, f"the server {host} did not answer in time"
    if isinstance(root, ssl.SSLCertVerificationError):
        why = root.verify_message or "unknown reason"
        return FetchFailure.TLS, f"the TLS certificate of {host} could not be verified ({why})"
    if isinstance(root, ssl.SSLError):
        return FetchFailure.TLS, f"a secure (TLS) connection to {host} could not be set up"
    if isinstance(root, ConnectionRefusedError):
        return FetchFailure.CONNECT, f"the server {host} refused the connection"
    if isinstance(exc, ConnectFailed):
        return FetchFailure.CONNECT, f"the server {host} could not be reached"
    if isinstance(exc, http.client.InvalidURL):
        return FetchFailure.BAD_URL, "the web address is not valid"
    if isinstance(exc, http.client.HTTPException | ValueError):
        return FetchFailure.PROTOCOL, f"the server {host} did not send a valid HTTP answer"
    return FetchFailure.CONNECT, f"the connection to {host} broke off"


def _root_cause(exc: BaseException) -> BaseException:
    seen: set[int] = set()
    while True:
        inner = exc.__cause__ or exc.__context__
        if inner is None or id(inner) in seen:
            return exc
        seen.add(id(exc))
        exc = inner
