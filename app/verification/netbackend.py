"""The httpcore network backend that resolves once, checks every address and connects to it.

httpcore asks the backend for a TCP stream to (host name, port); this backend resolves the
name itself, refuses the connection when any address is not allowed, and connects to the
address it checked. TLS SNI, certificate checks and the Host header still use the name, so
there is no window for DNS rebinding between the check and the connection.
"""

from __future__ import annotations

import select
import socket
import ssl
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpcore

from .fetcher import FetchFailure
from .netdeadline import bounded
from .netpolicy import Allowlist, check_address, literal_address

Resolver = Callable[[str, int], Sequence[str]]
"""Resolve (host name, port) to IP address strings; raise OSError when the name is unknown."""

Connector = Callable[[str, int, float | None], socket.socket]
"""Open a TCP socket to (checked IP address, port) within a timeout."""

TlsContext = Callable[[], Any]
"""The ssl.SSLContext for TLS connections, built on first use (loading CAs takes ~50 ms)."""


class Refused(Exception):
    """The backend refused to connect; carries the failure kind and a plain-words detail."""

    def __init__(self, failure: FetchFailure, detail: str) -> None:
        super().__init__(detail)
        self.failure = failure
        self.detail = detail


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system (getaddrinfo), keeping its order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def direct_connector(ip: str, port: int, timeout: float | None) -> socket.socket:
    """Open a plain TCP connection to an already checked address."""
    return socket.create_connection((ip, port), timeout)


@contextmanager
def _socket_errors(
    timeout_error: type[httpcore.TimeoutException], other_error: type[httpcore.NetworkError]
) -> Iterator[None]:
    try:
        yield
    except TimeoutError as exc:
        raise timeout_error(exc) from exc
    except OSError as exc:
        raise other_error(exc) from exc


class SocketStream(httpcore.NetworkStream):
    """A connected (TLS) socket as an httpcore stream, on httpcore's public interface only."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _socket_errors(httpcore.ReadTimeout, httpcore.ReadError):
            self._sock.settimeout(timeout)
            return self._sock.recv(max_bytes)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        with _socket_errors(httpcore.WriteTimeout, httpcore.WriteError):
            while buffer:
                self._sock.settimeout(timeout)
                buffer = buffer[self._sock.send(buffer) :]

    def close(self) -> None:
        self._sock.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        with _socket_errors(httpcore.ConnectTimeout, httpcore.ConnectError):
            try:
                self._sock.settimeout(timeout)
                wrapped = ssl_context.wrap_socket(self._sock, server_hostname=server_hostname)
            except Exception:
                self.close()
                raise
        return SocketStream(wrapped)

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":  # httpcore asks it selected_alpn_protocol(), as SSLSocket answers
            return self._sock if isinstance(self._sock, ssl.SSLSocket) else None
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "socket":
            return self._sock
        if info == "is_readable":  # an idle pooled connection the server closed or wrote to
            return self._sock.fileno() == -1 or bool(_readable(self._sock))
        return None


def _readable(sock: socket.socket) -> list[tuple[int, int]]:
    poll = select.poll()
    poll.register(sock.fileno(), select.POLLIN)
    return poll.poll(0)


class DeadlineStream(httpcore.NetworkStream):
    """A stream whose every operation also respects the calling thread's fetch deadline."""

    def __init__(self, inner: httpcore.NetworkStream, tls: TlsContext | None = None) -> None:
        self._inner = inner
        self._tls = tls

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = bounded(timeout, httpcore.ConnectTimeout)
        context = self._tls() if self._tls is not None else ssl_context
        return DeadlineStream(self._inner.start_tls(context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's sync backend, but every connection goes to a resolved and checked address."""

    def __init__(
        self,
        allowlist: Allowlist,
        resolver: Resolver = system_resolver,
        connector: Connector = direct_connector,
        tls_context: TlsContext | None = None,
    ) -> None:
        self._allowlist = allowlist
        self._resolver = resolver
        self._connector = connector
        self._tls = tls_context

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.checked_addresses(host, port)
        sock = self._connect_first(addresses, port, timeout)
        for option in socket_options or ():
            sock.setsockopt(*option)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return DeadlineStream(SocketStream(sock), self._tls)

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

    def _connect_first(
        self, addresses: list[str], port: int, timeout: float | None
    ) -> socket.socket:
        last = len(addresses) - 1
        for index, address in enumerate(addresses):
            try:
                return self._connector(address, port, bounded(timeout, httpcore.ConnectTimeout))
            except TimeoutError as exc:
                raise httpcore.ConnectTimeout(str(exc)) from exc
            except OSError as exc:
                # Raised inside `except` so the cause survives httpcore's `raise exc from None`.
                if index == last:
                    raise httpcore.ConnectError(str(exc)) from exc
        raise httpcore.ConnectError("no address to connect to")


def _blocked_detail(host: str, address: str, reason: str) -> str:
    if host == address:
        return f"{reason}; Skillproof only contacts public internet addresses"
    return f"the name {host} points to an address Skillproof does not contact ({reason})"
