"""Parsing and checking the web addresses the safe fetcher is given (all of them untrusted).

Only http(s) with a plain DNS name or a canonical IP literal, no user name or password, a valid
port; the host is lower-cased (IDNA for a non-ASCII name), the default port dropped, the path
and query percent-encoded where needed and the fragment (never sent) removed, so that one
document has one cache key.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from .fetcher import FetchError, FetchFailure
from .netpolicy import check_host_syntax

DEFAULT_PORTS = {"http": 80, "https": 443}
# RFC 3986 characters that may stand unencoded in a path or query ('%' keeps escapes as sent).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


@dataclass(frozen=True, slots=True)
class WebUrl:
    """A checked http(s) address: `target` is the path and query as sent on the request line."""

    scheme: str
    host: str  # lower-case ASCII; an IPv6 literal without brackets
    port: int | None  # None for the scheme's default port
    target: str

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.scheme]

    @property
    def netloc(self) -> str:
        """Host (IPv6 in brackets) and non-default port: the Host header's value."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"

    def __str__(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.target}"


def parse_web_url(url: str) -> WebUrl:
    """The checked address, or FetchError(BAD_URL) saying in plain words what is wrong."""
    if not isinstance(url, str) or any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise _bad("the web address is not valid", url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _bad("the web address is not valid", url) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise _bad("only http and https web addresses can be checked", url)
    if "@" in parts.netloc:
        detail = "the web address contains a user name or password, which Skillproof does not send"
        raise _bad(detail, url)
    host = _ascii_host(parts.hostname or "", url)
    problem = check_host_syntax(host)
    if problem is None and port is not None and not 0 < port < 65536:
        problem = "the web address has an invalid port number"
    if problem is not None:
        raise _bad(problem, url)
    target = quote(parts.path, safe=_PATH_SAFE) or "/"
    if parts.query:
        target += "?" + quote(parts.query, safe=_QUERY_SAFE)
    return WebUrl(scheme, host, None if port == DEFAULT_PORTS[scheme] else port, target)


def join(base: WebUrl, location: str) -> str:
    """A redirect's Location resolved against the address that sent it (checked again later)."""
    try:
        return urljoin(str(base), location)
    except ValueError:
        return location  # parse_web_url names the problem


def _ascii_host(host: str, url: str) -> str:
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise _bad("the host name contains characters that are not allowed", url) from None


def _bad(detail: str, url: object) -> FetchError:
    return FetchError(str(url), FetchFailure.BAD_URL, detail)


def same_origin(a: str, b: str) -> bool:
    """Both URLs have the same scheme, host and port."""
    try:
        first, second = urlsplit(a), urlsplit(b)
        return (first.scheme, first.hostname, first.port) == (
            second.scheme,
            second.hostname,
            second.port,
        ) and bool(first.hostname)
    except ValueError:
        return False
