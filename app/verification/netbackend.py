"""The httpcore network backend under webhooks' httpx client (httpxclient.py): every
connection goes through netguard.Guard, which resolves once, checks every address and connects
to the one it checked. The verifier's own fetches use netclient.py instead.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore

from .netdeadline import bounded
from .netguard import (
    ConnectFailed,
    Connector,
    Guard,
    Resolver,
    direct_connector,
    system_resolver,
    unusable_when_idle,
)
from .netpolicy import Allowlist

TlsContext = Callable[[], Any]
"""The ssl.SSLContext for TLS connections, built on first use (loading CAs takes ~50 ms)."""


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
            return unusable_when_idle(self._sock)
        return None


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
        self._guard = Guard(allowlist, resolver, connector)
        self._tls = tls_context

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            sock = self._guard.connect(host, port, timeout)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc)) from exc
        except ConnectFailed as exc:
            # Raised inside `except` so the cause survives httpcore's `raise exc from None`.
            raise httpcore.ConnectError(str(exc)) from exc
        for option in socket_options or ():
            sock.setsockopt(*option)
        return DeadlineStream(SocketStream(sock), self._tls)
