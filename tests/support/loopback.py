"""A programmable HTTP(S) server on 127.0.0.1 for tests that need a real socket.

    with LoopbackServer() as server:
        server.route("/badge", body=b'{"id": 1}', headers={"content-type": "application/json"})
        server.route("/old", redirect="/badge")                 # 302 to a path or a full URL
        server.route("/slow", body=b"x" * 100, drip=0.05)       # one byte every 50 ms
        server.route("/dyn", handler=lambda req: Route(status=304 if req.header("if-none-match")
                                                        else 200))
        url = server.url("/badge")                              # http://127.0.0.1:<port>/badge
        ...
        server.requests                                         # every request, in order

Pass `ssl_context=` (a server-side ssl.SSLContext) for HTTPS; `server.sni_names` records the
names clients sent in TLS SNI. Unknown paths answer 404. The server speaks HTTP/1.1 with
keep-alive, so clients can pool connections; each connection is served on its own thread.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it; header names lower-case."""

    method: str
    path: str
    headers: Mapping[str, str]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Route:
    """How to answer a path.

    status/headers/body: the response. redirect: sets Location (and status 302 unless a 3xx
    status is given). delay: seconds to wait before answering. drip: seconds between body bytes
    (a slow server). chunked: send the body with Transfer-Encoding: chunked instead of
    Content-Length. handler: compute the Route per request (conditional answers, counters).
    """

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    redirect: str | None = None
    delay: float = 0.0
    drip: float = 0.0
    chunked: bool = False
    handler: Callable[[RecordedRequest], Route] | None = None


class LoopbackServer:
    """A threaded HTTP(S) server on 127.0.0.1 and a free port, with programmable routes."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self.sni_names: list[str | None] = []
        if ssl_context is not None:
            ssl_context.sni_callback = self._record_sni
        self._httpd = _Server(("127.0.0.1", 0), _handler_class(self), ssl_context)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def scheme(self) -> str:
        return "http" if self._httpd.ssl_context is None else "https"

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        """The full URL of `path`; pass `host` to use a name your resolver maps to 127.0.0.1."""
        return f"{self.scheme}://{host}:{self.port}{path}"

    def route(self, path: str, **route: Any) -> None:
        """Answer `path` (without query) as described by Route's fields."""
        with self._lock:
            self._routes[path] = Route(**route)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == path]

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _answer(self, request: RecordedRequest) -> Route:
        with self._lock:
            self._requests.append(request)
            route = self._routes.get(request.path.split("?")[0], Route(status=404, body=b"nope"))
        return route.handler(request) if route.handler is not None else route

    def _record_sni(self, sslobj: Any, name: str | None, context: ssl.SSLContext) -> None:
        with self._lock:
            self.sni_names.append(name)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        ssl_context: ssl.SSLContext | None,
    ) -> None:
        self.ssl_context = ssl_context
        super().__init__(address, handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs on the connection's own thread, never on the accept loop.
        if self.ssl_context is not None:
            try:
                request = self.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up early are part of the tests


def _handler_class(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall between header and body writes
        timeout = 5

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            headers = {name.lower(): value for name, value in self.headers.items()}
            route = server._answer(RecordedRequest(self.command, self.path, headers))
            _respond(self, route)

        do_HEAD = do_GET  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _respond(handler: BaseHTTPRequestHandler, route: Route) -> None:
    time.sleep(route.delay)
    status = route.status if route.redirect is None or 300 <= route.status < 400 else 302
    handler.send_response(status)
    headers = {name.lower(): value for name, value in route.headers.items()}
    if route.redirect is not None:
        headers["location"] = route.redirect
    if route.chunked:
        headers["transfer-encoding"] = "chunked"
    else:
        headers.setdefault("content-length", str(len(route.body)))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    try:
        _write_body(handler, route)
    except (TimeoutError, BrokenPipeError, ConnectionResetError, ssl.SSLError):
        handler.close_connection = True


def _write_body(handler: BaseHTTPRequestHandler, route: Route) -> None:
    if route.status in (204, 304) or handler.command == "HEAD":
        return
    size = 1 if route.drip else 16 * 1024 if route.chunked else max(1, len(route.body))
    pieces = [route.body[i : i + size] for i in range(0, len(route.body), size)]
    for piece in pieces:
        if route.chunked:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        else:
            handler.wfile.write(piece)
        handler.wfile.flush()
        time.sleep(route.drip)
    if route.chunked:
        handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()
