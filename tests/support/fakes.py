"""A dict-based Fetcher for tests: canned responses by URL, redirects, failures, a request log."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.verification.fetcher import ACCEPT_JSON, FetchError, FetchFailure, FetchResponse

MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FakeRoute:
    """One canned answer. A dict/list body is served as JSON; `error` raises FetchError instead."""

    body: Any = b""
    status: int = 200
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    redirect_to: str | None = None
    error: FetchFailure | None = None

    def content(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()

    def media_type(self) -> str:
        if self.content_type is not None:
            return self.content_type
        if isinstance(self.body, dict | list):
            return "application/ld+json"
        return "application/octet-stream"


RouteLike = FakeRoute | dict[str, Any] | list[Any] | bytes | str


@dataclass(frozen=True)
class FakeRequest:
    url: str
    accept: str
    revalidate: bool


def timeout() -> FakeRoute:
    return FakeRoute(error=FetchFailure.TIMEOUT)


def status(code: int, body: Any = b"") -> FakeRoute:
    return FakeRoute(body=body, status=code)


def redirect(to: str, code: int = 301) -> FakeRoute:
    return FakeRoute(status=code, redirect_to=to)


class FakeFetcher:
    """Implements the Fetcher protocol from a dict of URL -> route; unknown URLs answer 404."""

    def __init__(self, routes: Mapping[str, RouteLike] | None = None) -> None:
        self.routes: dict[str, FakeRoute] = {}
        self.requests: list[FakeRequest] = []
        for url, route in (routes or {}).items():
            self.add(url, route)

    def add(self, url: str, route: RouteLike) -> None:
        self.routes[url] = route if isinstance(route, FakeRoute) else FakeRoute(body=route)

    @property
    def urls(self) -> list[str]:
        """Every URL requested, in order (redirect hops included)."""
        return [r.url for r in self.requests]

    def fetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_JSON,
        max_bytes: int | None = None,
        revalidate: bool = False,
    ) -> FetchResponse:
        redirects: list[str] = []
        current = url
        while True:
            self.requests.append(FakeRequest(current, accept, revalidate))
            route = self.routes.get(current, FakeRoute(body=b"Not Found", status=404))
            if route.error is not None:
                raise FetchError(current, route.error, f"fake {route.error.value}")
            if route.redirect_to is None:
                return self._response(current, route, tuple(redirects), max_bytes)
            redirects.append(current)
            if len(redirects) > MAX_REDIRECTS:
                raise FetchError(url, FetchFailure.TOO_MANY_REDIRECTS, "too many redirects")
            current = route.redirect_to

    @staticmethod
    def _response(
        url: str, route: FakeRoute, redirects: tuple[str, ...], max_bytes: int | None
    ) -> FetchResponse:
        content = route.content()
        if max_bytes is not None and len(content) > max_bytes:
            raise FetchError(url, FetchFailure.TOO_LARGE, "the document is too large")
        headers = {
            "content-type": route.media_type(),
            **{k.lower(): v for k, v in route.headers.items()},
        }
        return FetchResponse(url, route.status, content, headers, redirects)


class ThreadRecording:
    """Wraps a fetcher and records which thread asked for each URL (fetches ahead run on the
    "prefetch" pool's threads)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.threads: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def fetch(self, url: str, **options: Any) -> FetchResponse:
        with self._lock:
            self.threads.setdefault(url, []).append(threading.current_thread().name)
        response: FetchResponse = self.inner.fetch(url, **options)
        return response


class HeldFetcher(FakeFetcher):
    """A FakeFetcher whose every fetch sets `entered`, then waits for `release` (5 s at most)."""

    def __init__(self, routes: Mapping[str, Any] | None = None) -> None:
        super().__init__(routes)
        self.entered, self.release = threading.Event(), threading.Event()

    def fetch(self, url: str, **options: Any) -> FetchResponse:
        self.entered.set()
        self.release.wait(5)
        return super().fetch(url, **options)


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll `condition` until it holds or `timeout` passes; whether it held."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.001)
    return condition()
