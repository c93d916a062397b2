"""The HTTP/1.1 client under SafeFetcher: the standard library's http.client, on sockets that
netguard.Guard opened to checked addresses, in a small keep-alive pool.

http.client is the parser urllib and urllib3 (so requests) use, and loads in a third of the time
httpcore and h11 take; the verifier's start-up is what a script running `skillproof verify`
feels. Every connect, send and receive is bounded by the calling thread's fetch deadline
(netdeadline.py), so a server that drips bytes cannot hold a fetch past it.
"""

from __future__ import annotations

import http.client
import io
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from .netdeadline import bounded
from .netguard import Guard, unusable_when_idle

if TYPE_CHECKING:
    import ssl

    from .weburl import WebUrl

TlsContext = Callable[[], "ssl.SSLContext"]
_Key = tuple[str, str, int]  # scheme, host, port
CHUNK = 64 * 1024
# What may be read before a response's headers end: h11 (under httpcore) allowed 16 KiB of
# headers; http.client alone would take 100 lines of 64 KiB each. This leaves room for 64 KiB of
# headers plus the first chunk of body read with them.
MAX_HEAD_BYTES = 64 * 1024 + CHUNK


class HeadersTooLarge(http.client.HTTPException):
    """The server sent more header bytes than MAX_HEAD_BYTES before its headers ended."""


class _DeadlineReader(io.RawIOBase):
    """A socket's receiving side where every receive waits at most `timeout` and never past the
    calling thread's fetch deadline."""

    def __init__(self, owner: _DeadlineSocket) -> None:
        super().__init__()
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        owner = self._owner
        owner.sock.settimeout(bounded(owner.timeout, TimeoutError))
        received = owner.sock.recv_into(buffer)
        if owner.head_budget is not None:
            owner.head_budget -= received
            if owner.head_budget < 0:
                raise HeadersTooLarge(f"more than {MAX_HEAD_BYTES} bytes before the body")
        return received

    def close(self) -> None:
        if not self.closed:
            super().close()
            self._owner.reader_closed()


class _DeadlineSocket:
    """What http.client asks of its socket (sendall, makefile, close), under the deadline.

    As with a real socket, the connection stays open while a response still reads from it:
    http.client closes its side of a connection the server will close before the body is read.
    """

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self.sock = sock
        self.timeout = timeout
        self.head_budget: int | None = None  # bytes left to read until the headers have ended
        self._readers = 0
        self._closed = False

    def sendall(self, data: bytes) -> None:
        self.sock.settimeout(bounded(self.timeout, TimeoutError))
        self.sock.sendall(data)

    def makefile(self, mode: str, *args: object, **kwargs: object) -> io.BufferedReader:
        self._readers += 1
        return io.BufferedReader(_DeadlineReader(self), CHUNK)

    def reader_closed(self) -> None:
        self._readers -= 1
        if self._closed and self._readers <= 0:
            self.sock.close()

    def close(self) -> None:
        self._closed = True
        if self._readers <= 0:
            self.sock.close()


class Connection(http.client.HTTPConnection):
    """One HTTP/1.1 connection to (scheme, host, port), opened through the guard."""

    def __init__(
        self,
        key: _Key,
        guard: Guard,
        tls: TlsContext,
        connect_timeout: float,
        io_timeout: float,
    ) -> None:
        scheme, host, port = key
        super().__init__(host, port, timeout=connect_timeout)
        self.key = key
        self.idle_since = 0.0
        self._guard = guard
        self._tls = tls if scheme == "https" else None
        self._connect_timeout = connect_timeout
        self._io_timeout = io_timeout

    def connect(self) -> None:
        sock = self._guard.connect(self.host, self.port, self._connect_timeout)
        try:
            if self._tls is not None:
                context = self._tls()
                sock.settimeout(bounded(self._connect_timeout, TimeoutError))
                sock = context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock = _DeadlineSocket(sock, self._io_timeout)

    def is_stale(self) -> bool:
        """An idle connection the server closed, or wrote to out of turn: not reusable."""
        wrapped = getattr(self.sock, "sock", None)
        return wrapped is None or unusable_when_idle(wrapped)


class Response:
    """A response whose body is read in chunks; `release()` pools or closes its connection."""

    def __init__(self, pool: Pool, connection: Connection, raw: http.client.HTTPResponse) -> None:
        self.status = raw.status
        self.headers: Sequence[tuple[str, str]] = raw.getheaders()
        self._pool = pool
        self._connection = connection
        self._raw = raw

    def chunks(self) -> Iterator[bytes]:
        while chunk := self._raw.read(CHUNK):
            yield chunk

    def release(self) -> None:
        """Back to the pool when the body was read to its end and the server keeps the
        connection open; closed otherwise (a body left unread would corrupt the next answer)."""
        reusable = self._raw.isclosed() and not self._raw.will_close
        self._raw.close()
        self._pool.give_back(self._connection, reusable)


class Pool:
    """Keep-alive HTTP/1.1 connections, at most `max_connections` in use at once."""

    def __init__(
        self,
        guard: Guard,
        tls: TlsContext,
        *,
        connect_timeout: float,
        io_timeout: float,
        max_connections: int,
        keepalive_expiry: float = 5.0,
    ) -> None:
        self._guard = guard
        self._tls = tls
        self._timeouts = (connect_timeout, io_timeout)
        self._slots = threading.BoundedSemaphore(max_connections)
        self._idle: dict[_Key, list[Connection]] = {}
        self._lock = threading.Lock()
        self._expiry = keepalive_expiry
        self._closed = False

    def get(self, target: WebUrl, headers: Sequence[tuple[str, str]]) -> Response:
        """Send GET `target` with these headers; the response once its headers have arrived.
        The caller reads `chunks()` and must call `release()`."""
        if not self._slots.acquire(timeout=bounded(None, TimeoutError)):
            raise TimeoutError("no connection was free in time")
        try:
            key = (target.scheme, target.host, target.effective_port)
            connection = self._idle_connection(key)
            if connection is not None:
                try:
                    return self._send(connection, target, headers)
                except (http.client.RemoteDisconnected, ConnectionError):
                    pass  # the server closed the idle connection as we reused it: a fresh one
            connection = Connection(key, self._guard, self._tls, *self._timeouts)
            return self._send(connection, target, headers)
        except BaseException:
            self._slots.release()
            raise

    def _send(
        self, connection: Connection, target: WebUrl, headers: Sequence[tuple[str, str]]
    ) -> Response:
        try:
            connection.putrequest("GET", target.target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                connection.putheader(name, value)
            connection.endheaders()
            wire = connection.sock
            assert isinstance(wire, _DeadlineSocket)
            wire.head_budget = MAX_HEAD_BYTES
            raw = connection.getresponse()
            wire.head_budget = None
            return Response(self, connection, raw)
        except BaseException:
            connection.close()
            raise

    def give_back(self, connection: Connection, reusable: bool) -> None:
        try:
            if reusable:
                connection.idle_since = time.monotonic()
                with self._lock:
                    if not self._closed:
                        self._idle.setdefault(connection.key, []).append(connection)
                        return
            connection.close()
        finally:
            self._slots.release()

    def _idle_connection(self, key: _Key) -> Connection | None:
        now = time.monotonic()
        while True:
            with self._lock:
                idle = self._idle.get(key)
                connection = idle.pop() if idle else None
            if connection is None:
                return None
            if now - connection.idle_since < self._expiry and not connection.is_stale():
                return connection
            connection.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()
