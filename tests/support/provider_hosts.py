"""Badge providers' real host names (www.credly.com, api.credly.com, ...) served over real TLS
by one loopback server, for tests of links recognised by host and path.

    with ProviderHosts(tmp_path, "www.credly.com", "api.credly.com") as hosts:
        hosts.route("www.credly.com", "/users/ada/badges.json", body=b"...",
                    headers={"content-type": "application/json"})
        hosts.install(monkeypatch)       # every fetcher the app builds now reaches them
        fetcher = hosts.fetcher()        # or a SafeFetcher of your own for pure tests

A throwaway CA signs one certificate naming every host; the fetcher trusts that CA, resolves the
names to 127.0.0.1 (allowed like any loopback issuer) and connects port 443 to the server's
port. Nothing else changes: redirects, caps and TLS checks run as in production, and a name the
test did not list still fails to resolve.
"""

from __future__ import annotations

import functools
import socket
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from app.verification.http import SafeFetcher
from app.verification.netpolicy import parse_allowlist
from tests.support.loopback import LoopbackServer, RecordedRequest, Route
from tests.support.tlscerts import make_pki


class ProviderHosts:
    """One HTTPS loopback server answering for several public host names."""

    def __init__(self, directory: Path, hostname: str, *also: str) -> None:
        self.hostnames = (hostname.lower(), *(name.lower() for name in also))
        self.pki = make_pki(directory, *self.hostnames)
        self.server = LoopbackServer(ssl_context=self.pki.server_context())
        self._routes: dict[tuple[str, str], Route] = {}

    def route(self, host: str, path: str, **route: Any) -> None:
        """Answer `path` (without query) on `host` as described by loopback.Route's fields."""
        self._routes[(host.lower(), path)] = Route(**route)
        self.server.route(path, handler=functools.partial(self._dispatch, path))

    def requests_to(self, host: str, path: str) -> list[RecordedRequest]:
        return [
            request for request in self.server.requests_to(path) if _host(request) == host.lower()
        ]

    def resolve(self, host: str, port: int) -> list[str]:
        """The fetcher's resolver: the listed names are 127.0.0.1, every other name is unknown."""
        if host.lower() not in self.hostnames:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} is not served in this test")
        return ["127.0.0.1"]

    def connect(self, ip: str, port: int, timeout: float | None) -> socket.socket:
        """The fetcher's connector: HTTPS on 443 reaches the loopback server."""
        return socket.create_connection((ip, self.server.port if port == 443 else port), timeout)

    def fetcher(self, **options: Any) -> SafeFetcher:
        """A safe fetcher that trusts the test CA and reaches these hosts."""
        options.setdefault("allowlist", parse_allowlist("127.0.0.1"))
        return SafeFetcher(
            ca_file=str(self.pki.ca_file), resolver=self.resolve, connector=self.connect, **options
        )

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Make every fetcher the app builds (web, API, worker, CLI) reach these hosts."""
        import jobs.worker
        from app.services import checking

        def build(**options: Any) -> SafeFetcher:
            options["ca_file"] = str(self.pki.ca_file)
            return SafeFetcher(resolver=self.resolve, connector=self.connect, **options)

        monkeypatch.setattr(checking, "SafeFetcher", build)
        monkeypatch.setattr(jobs.worker, "_fetchers", {})

    def _dispatch(self, path: str, request: RecordedRequest) -> Route:
        route = self._routes.get((_host(request), path), Route(status=404, body=b"not here"))
        return route.handler(request) if route.handler is not None else route

    def __enter__(self) -> ProviderHosts:
        self.server.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.server.stop()


def _host(request: RecordedRequest) -> str:
    return (request.header("host") or "").split(":")[0].lower()
