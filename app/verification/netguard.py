"""Resolve once, check every address, connect to the checked one: the part of outbound
connections that does not depend on the HTTP library above it.

The verifier's fetches (netclient.py, on the standard library's http.client) and webhooks
(netbackend.py, an httpcore backend under httpx) both connect through `Guard`. The name is
resolved once per connection, every address it resolves to must be allowed, and the socket is
opened to the address that was checked; TLS SNI, certificate checks and the Host header still use
the name, so there is no window for DNS rebinding between the check and the connection.
"""

from __future__ import annotations

import select
import socket
from collections.abc import Callable, Sequence

from .fetcher import FetchFailure
from .netdeadline import bounded
from .netpolicy import Allowlist, check_address, literal_address

Resolver = Callable[[str, int], Sequence[str]]
"""Resolve (host name, port) to IP address strings; raise OSError when the name is unknown."""

Connector = Callable[[str, int, float | None], socket.socket]
"""Open a TCP socket to (checked IP address, port) within a timeout."""


class Refused(Exception):
    """The guard refused to connect; carries the failure kind and a plain-words detail."""

    def __init__(self, failure: FetchFailure, detail: str) -> None:
        super().__init__(detail)
        self.failure = failure
        self.detail = detail


class ConnectFailed(OSError):
    """No checked address of the server accepted a connection (the cause says why)."""


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system (getaddrinfo), keeping its order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def direct_connector(ip: str, port: int, timeout: float | None) -> socket.socket:
    """Open a plain TCP connection to an already checked IP address, without resolving it again
    (socket.create_connection would look the literal up, loading the IDNA codec to do so)."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((ip, port))
    except BaseException:
        sock.close()
        raise
    return sock


def unusable_when_idle(sock: socket.socket) -> bool:
    """An idle kept-alive connection that must not be reused: closed here, or readable (the
    server closed its side, or wrote out of turn)."""
    if sock.fileno() == -1:
        return True
    poll = select.poll()
    poll.register(sock.fileno(), select.POLLIN)
    return bool(poll.poll(0))


class Guard:
    """Opens TCP connections to (host, port) only through addresses the allowlist accepts."""

    def __init__(
        self,
        allowlist: Allowlist,
        resolver: Resolver = system_resolver,
        connector: Connector = direct_connector,
    ) -> None:
        self._allowlist = allowlist
        self._resolver = resolver
        self._connector = connector

    def connect(self, host: str, port: int, timeout: float | None) -> socket.socket:
        """A connected socket with TCP_NODELAY; Refused for a name that cannot be resolved or
        an address not allowed, TimeoutError when connecting takes too long (or the calling
        thread's fetch deadline passes), ConnectFailed when no address accepts."""
        addresses = self.checked_addresses(host, port)
        last = len(addresses) - 1
        for index, address in enumerate(addresses):
            try:
                sock = self._connector(address, port, bounded(timeout, TimeoutError))
            except TimeoutError:
                raise
            except OSError as exc:
                if index == last:
                    raise ConnectFailed(str(exc)) from exc
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        raise ConnectFailed("no address to connect to")

    def checked_addresses(self, host: str, port: int) -> list[str]:
        """Resolve `host` once and return its addresses, or raise Refused if any is not allowed."""
        addresses = self._resolve(host, port)
        for address in addresses:
            reason = check_address(address, port, self._allowlist)
            if reason is not None:
                raise Refused(FetchFailure.BLOCKED, _blocked_detail(host, address, reason))
        return addresses

    def _resolve(self, host: str, port: int) -> list[str]:
        if literal_address(host) is not None:
            return [host]
        try:
            addresses = list(self._resolver(host, port))
        except (OSError, UnicodeError):
            addresses = []
        if not addresses:
            raise Refused(FetchFailure.DNS, f"the server name {host} could not be found")
        return addresses


def _blocked_detail(host: str, address: str, reason: str) -> str:
    if host == address:
        return f"{reason}; Skillproof only contacts public internet addresses"
    return f"the name {host} points to an address Skillproof does not contact ({reason})"
