"""SafeFetcher: Skillproof's one outbound HTTP client for URLs from untrusted documents."""

from __future__ import annotations

import dataclasses
import functools
import os
import ssl
import threading
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

import httpcore
import httpx

from .fetcher import ACCEPT_JSON, FetchError, FetchFailure, FetchResponse
from .httpbody import ACCEPT_ENCODING, read_body, too_large
from .httpcache import HttpCache
from .netbackend import (
    Connector,
    GuardedBackend,
    PoolTransport,
    Refused,
    Resolver,
    deadline,
    direct_connector,
    system_resolver,
)
from .netpolicy import (
    NO_PRIVATE_HOSTS,
    Allowlist,
    check_address,
    check_host_syntax,
    literal_address,
    parse_allowlist,
)

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


def ca_paths_from_environ(environ: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(ca_file, ca_dir) from SSL_CERT_FILE / SSL_CERT_DIR; empty values count as unset."""
    return environ.get("SSL_CERT_FILE") or None, environ.get("SSL_CERT_DIR") or None


def make_ssl_context(ca_file: str | None = None, ca_dir: str | None = None) -> ssl.SSLContext:
    """Verify against certifi's CA bundle plus an extra CA file / hashed CA directory."""
    import certifi  # imported with the first TLS connection (it pulls in importlib.resources)

    context = ssl.create_default_context(cafile=certifi.where())
    if ca_file or ca_dir:
        try:
            context.load_verify_locations(cafile=ca_file, capath=ca_dir)
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(f"the extra CA certificates could not be loaded: {exc}") from exc
    return context


class LazyTlsContext:
    """The TLS context, built on the first https connection: loading the CA bundles costs more
    than starting the command, and a batch of http-only or local targets never needs them.
    Extra CA files must be readable at once, so that a missing one is a configuration error.
    """

    def __init__(self, ca_file: str | None = None, ca_dir: str | None = None) -> None:
        for path, readable in ((ca_file, os.path.isfile), (ca_dir, os.path.isdir)):
            if path and not (readable(path) and os.access(path, os.R_OK)):
                raise ValueError(f"the extra CA certificates could not be loaded: {path}")
        self._paths = (ca_file, ca_dir)
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def __call__(self) -> ssl.SSLContext:
        with self._lock:
            if self._context is None:
                try:
                    self._context = make_ssl_context(*self._paths)
                except ValueError as exc:  # unreadable content: this connection fails as TLS
                    raise ssl.SSLError(str(exc)) from exc
            return self._context


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
        resolver: Resolver = system_resolver,
        connector: Connector = direct_connector,
        max_connections: int = 20,
        version: str | None = None,
    ) -> None:
        self._allowlist = allowlist
        self._total_timeout = total_timeout
        self._max_bytes = max_bytes
        self.cache = HttpCache() if cache is None else cache
        # Parsing and checking a URL costs more than a cache hit: the same shared documents are
        # asked for by every badge. Only accepted URLs are kept (lru_cache keeps no exceptions).
        self._checked_url: Callable[[str], httpx.URL] = functools.lru_cache(CHECKED_URL_CACHE)(
            self._check_url
        )
        backend = GuardedBackend(
            allowlist, resolver, connector, tls_context=LazyTlsContext(ca_file, ca_dir)
        )
        self._client = _client(
            backend, connect_timeout, total_timeout, max_connections, user_agent(version)
        )

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

    def close(self) -> None:
        """Close pooled connections."""
        self._client.close()

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
            target = self._checked_url(_join(target, location))

    def _check_url(self, url: str) -> httpx.URL:
        """Parse and check a URL before anything is sent; refusals raise FetchError."""
        parsed = _parse_url(url)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        address = literal_address(parsed.host)
        if address is not None:
            reason = check_address(address, port, self._allowlist)
            if reason is not None:
                detail = f"{reason}; Skillproof only contacts public internet addresses"
                raise FetchError(url, FetchFailure.BLOCKED, detail)
        return parsed.copy_with(fragment=None)

    def _get(self, target: httpx.URL, accept: str, limit: int, revalidate: bool) -> FetchResponse:
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
        self, target: httpx.URL, accept: str, limit: int, conditional: Mapping[str, str]
    ) -> FetchResponse:
        url = str(target)
        headers = {"accept": accept, "accept-encoding": ACCEPT_ENCODING, **conditional}
        try:
            with self._client.stream("GET", target, headers=headers) as response:
                content = read_body(url, response, limit)
        except Refused as exc:
            raise FetchError(url, exc.failure, exc.detail) from None
        except (httpx.HTTPError, httpcore.NetworkError, httpcore.TimeoutException, OSError) as exc:
            raise _fetch_error(url, target.host, exc) from exc
        return FetchResponse(url, response.status_code, content, _plain_headers(response))


def guarded_client(
    allowlist: Allowlist, *, ca_file: str | None = None, ca_dir: str | None = None, timeout: float
) -> httpx.Client:
    """A plain httpx client whose every connection goes to a resolved and checked address.

    For requests that are not fetches (an organisation's webhook, which its admin chose):
    no redirects followed, no cache; `Refused` is raised for an address not allowed.
    """
    backend = GuardedBackend(allowlist, tls_context=LazyTlsContext(ca_file, ca_dir))
    return _client(backend, timeout, timeout, 4, "Skillproof-Webhook/1")


def _client(
    backend: GuardedBackend,
    connect_timeout: float,
    total_timeout: float,
    max_connections: int,
    agent: str,
) -> httpx.Client:
    # The backend's own lazily built context is the one TLS uses; this stand-in (no CAs loaded,
    # so it could verify nothing) only keeps httpcore from building its own.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # The guarded backend goes into an httpcore pool of our own: httpcore keeps per-origin
    # pooling, httpx keeps its client, and every TCP connect is checked.
    pool = httpcore.ConnectionPool(
        ssl_context=context,
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=5.0,
        retries=0,
        network_backend=backend,
    )
    timeout = httpx.Timeout(total_timeout, connect=connect_timeout)
    headers = {"user-agent": agent}
    return httpx.Client(
        transport=PoolTransport(pool),
        trust_env=False,
        follow_redirects=False,
        timeout=timeout,
        headers=headers,
    )


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        raise FetchError(url, FetchFailure.BAD_URL, "the web address is not valid") from None
    if parsed.scheme not in ("http", "https"):
        detail = "only http and https web addresses can be checked"
        raise FetchError(url, FetchFailure.BAD_URL, detail)
    if parsed.userinfo:
        detail = "the web address contains a user name or password, which Skillproof does not send"
        raise FetchError(url, FetchFailure.BAD_URL, detail)
    problem = check_host_syntax(parsed.raw_host.decode("ascii", "replace"))
    if problem is None and parsed.port is not None and not 0 < parsed.port < 65536:
        problem = "the web address has an invalid port number"
    if problem is not None:
        raise FetchError(url, FetchFailure.BAD_URL, problem)
    return parsed


def _join(base: httpx.URL, location: str) -> str:
    try:
        return str(base.join(location))
    except (httpx.InvalidURL, ValueError):
        return location  # _parse_url names the problem


def _within(response: FetchResponse, limit: int) -> FetchResponse:
    if len(response.content) > limit:
        raise too_large(response.url, limit)
    return response


def _plain_headers(response: httpx.Response) -> dict[str, str]:
    return {name: ", ".join(response.headers.get_list(name)) for name in response.headers}


def _fetch_error(url: str, host: str, exc: Exception) -> FetchError:
    failure, detail = _classify(host, exc)
    return FetchError(url, failure, detail)


def _classify(host: str, exc: Exception) -> tuple[FetchFailure, str]:
    root = _root_cause(exc)
    if isinstance(exc, httpx.TimeoutException | httpcore.TimeoutException) or isinstance(
        root, TimeoutError
    ):
        return FetchFailure.TIMEOUT, f"the server {host} did not answer in time"
    if isinstance(root, ssl.SSLCertVerificationError):
        why = root.verify_message or "unknown reason"
        return FetchFailure.TLS, f"the TLS certificate of {host} could not be verified ({why})"
    if isinstance(root, ssl.SSLError):
        return FetchFailure.TLS, f"a secure (TLS) connection to {host} could not be set up"
    if isinstance(root, ConnectionRefusedError):
        return FetchFailure.CONNECT, f"the server {host} refused the connection"
    if isinstance(exc, httpx.ConnectError):
        return FetchFailure.CONNECT, f"the server {host} could not be reached"
    if isinstance(exc, httpx.NetworkError | httpcore.NetworkError | OSError):
        return FetchFailure.CONNECT, f"the connection to {host} broke off"
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return FetchFailure.BAD_URL, "the web address is not valid"
    return FetchFailure.PROTOCOL, f"the server {host} did not send a valid HTTP answer"


def _root_cause(exc: BaseException) -> BaseException:
    seen: set[int] = set()
    while True:
        inner = exc.__cause__ or exc.__context__
        if inner is None or id(inner) in seen:
            return exc
        seen.add(id(exc))
        exc = inner
