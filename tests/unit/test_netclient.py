"""The verifier's HTTP/1.1 client (netclient.py, on http.client) against raw sockets: the cases a
well-behaved test server never shows (a header dripped byte by byte, a body ended by closing, an
idle connection the server dropped, a body left unread) end in a response or a plain failure,
and never in a connection reused in a broken state."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from app.verification.fetcher import FetchError, FetchFailure
from app.verification.http import SafeFetcher
from app.verification.netpolicy import parse_allowlist

Script = Callable[[socket.socket], None]


class RawServer:
    """Accepts connections on 127.0.0.1 and runs the next script on each (the last repeats)."""

    def __init__(self, *scripts: Script) -> None:
        self.scripts = list(scripts)
        self.accepted = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            script = self.scripts[min(self.accepted, len(self.scripts) - 1)]
            self.accepted += 1
            threading.Thread(target=self._run, args=(script, connection), daemon=True).start()

    @staticmethod
    def _run(script: Script, connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):
            script(connection)

    def close(self) -> None:
        self._listener.close()


def read_request(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def keep_alive(body: bytes, answers: int = 10) -> Script:
    def script(connection: socket.socket) -> None:
        for _ in range(answers):
            if not read_request(connection):
                return
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
            )

    return script


@pytest.fixture
def servers() -> Iterator[Callable[..., RawServer]]:
    started: list[RawServer] = []

    def start(*scripts: Script) -> RawServer:
        started.append(RawServer(*scripts))
        return started[-1]

    yield start
    for server in started:
        server.close()


@pytest.fixture
def fetcher() -> Iterator[SafeFetcher]:
    with SafeFetcher(
        allowlist=parse_allowlist("127.0.0.1"), connect_timeout=2.0, total_timeout=0.5
    ) as made:
        yield made


def test_a_header_dripped_a_byte_at_a_time_is_cut_off_at_the_total_deadline(
    servers: Callable[..., RawServer], fetcher: SafeFetcher
) -> None:
    def drip(connection: socket.socket) -> None:
        read_request(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        for _ in range(200):  # each byte well within any per-read timeout
            connection.sendall(b"X")
            time.sleep(0.02)

    server = servers(drip)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url())
    assert caught.value.failure is FetchFailure.TIMEOUT
    assert time.monotonic() - started < 2.0  # the deadline (0.5 s), not the 4 s of dripping


def test_a_body_ended_by_closing_the_connection_is_read_whole(
    servers: Callable[..., RawServer], fetcher: SafeFetcher
) -> None:
    body = b'{"type": "Assertion", "pad": "' + b"x" * 200_000 + b'"}'

    def close_delimited(connection: socket.socket) -> None:
        read_request(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body)

    server = servers(close_delimited)
    assert fetcher.fetch(server.url()).content == body
    assert fetcher.fetch(server.url("/again")).content == body  # a new connection, not the dead one
    assert server.accepted == 2


def test_keep_alive_reuses_one_connection(
    servers: Callable[..., RawServer], fetcher: SafeFetcher
) -> None:
    server = servers(keep_alive(b"{}"))
    for n in range(3):
        assert fetcher.fetch(server.url(f"/{n}")).content == b"{}"
    assert server.accepted == 1


def test_an_idle_connection_the_server_dropped_is_replaced_without_a_failure(
    servers: Callable[..., RawServer], fetcher: SafeFetcher
) -> None:
    server = servers(keep_alive(b'{"n": 1}', answers=1), keep_alive(b'{"n": 2}'))
    assert fetcher.fetch(server.url("/a")).content == b'{"n": 1}'
    time.sleep(0.1)  # the first connection is closed by now
    assert fetcher.fetch(server.url("/b")).content == b'{"n": 2}'
    assert server.accepted == 2


def test_a_connection_whose_body_was_left_unread_is_not_reused(
    servers: Callable[..., RawServer], fetcher: SafeFetcher
) -> None:
    big, small = b"y" * 5000, b'{"ok": true}'
    server = servers(keep_alive(big, answers=1), keep_alive(small))
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url("/big"), max_bytes=1000)
    assert caught.value.failure is FetchFailure.TOO_LARGE
    assert fetcher.fetch(server.url("/small")).content == small  # not the rest of the big body
    assert server.accepted == 2


def test_a_utf8_header_value_is_read_as_utf8(
    servers: Callable[..., RawServer], fetcher: SafeFetcher
) -> None:
    def utf8_header(connection: socket.socket) -> None:
        read_request(connection)
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Issuer: "
            + "Université".encode()
            + b"\r\nX-Legacy: caf\xe9\r\n\r\n{}"
        )

    response = fetcher.fetch(servers(utf8_header).url())
    assert response.headers["x-issuer"] == "Université"
    assert response.headers["x-legacy"] == "café"  # Latin-1, as HTTP/1.1 once allowed


def test_the_request_carries_host_user_agent_accept_and_encoding_once_each(
    servers: Callable[..., RawServer], fetcher: SafeFetcher
) -> None:
    seen: list[bytes] = []

    def record(connection: socket.socket) -> None:
        seen.append(read_request(connection))
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")

    server = servers(record)
    fetcher.fetch(server.url("/x?y=1"))
    lines = seen[0].decode("latin-1").split("\r\n")
    assert lines[0] == "GET /x?y=1 HTTP/1.1"
    names = [line.split(":", 1)[0].lower() for line in lines[1:] if line]
    assert sorted(names) == ["accept", "accept-encoding", "host", "user-agent"]
    assert f"Host: 127.0.0.1:{server.port}" in lines


def test_headers_past_the_cap_are_a_protocol_failure_not_megabytes_in_memory(
    servers: Callable[..., RawServer], fetcher: SafeFetcher
) -> None:
    # Each line and the count are within http.client's own limits (64 KiB, 100 headers): only
    # the total is too much, as h11 would have refused at 16 KiB.
    def bloated(connection: socket.socket) -> None:
        read_request(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        for n in range(90):
            connection.sendall(b"X-Pad-%d: %s\r\n" % (n, b"p" * 60_000))
        connection.sendall(b"Content-Length: 2\r\n\r\n{}")

    with pytest.raises(FetchError) as caught:
        fetcher.fetch(servers(bloated).url())
    assert caught.value.failure is FetchFailure.PROTOCOL


def test_a_large_first_chunk_of_body_read_with_the_headers_is_fine(
    servers: Callable[..., RawServer], fetcher: SafeFetcher
) -> None:
    body = b'{"pad": "' + b"z" * 300_000 + b'"}'
    server = servers(keep_alive(body))
    assert fetcher.fetch(server.url()).content == body
    assert fetcher.fetch(server.url("/2")).content == body  # and the connection is reused
    assert server.accepted == 1
