"""Fetch ahead: a verification names the documents it will need as soon as their addresses are
known, and reads each one later from the fetch already in flight.

A badge's documents form chains (assertion -> BadgeClass -> issuer -> revocation list); the ones
that do not depend on each other (a signed badge's key and its BadgeClass, an issuer's key and
its revocation list) are fetched at the same time, so a verification waits for its longest
chain of dependent fetches, not for the sum of them all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, TypeAlias

from app.verification.fetcher import ACCEPT_JSON, Fetcher, FetchResponse

if TYPE_CHECKING:  # concurrent.futures (and the logging it loads) only once something prefetches
    from concurrent.futures import Future, ThreadPoolExecutor

POOL_THREADS = 32
_Key = tuple[str, str, bool, int | None]  # url, accept, revalidate, max_bytes
# What a fetched document names to fetch next (ob2/ahead.py): given the URL asked for and its
# response, the links as (url, revalidate, what to follow from that one's response).
Follow: TypeAlias = Callable[[str, FetchResponse], Iterable["Link"]]
Link: TypeAlias = tuple[str, bool, "Follow | None"]

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _shared_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            from concurrent.futures import ThreadPoolExecutor

            _pool = ThreadPoolExecutor(POOL_THREADS, thread_name_prefix="prefetch")
        return _pool


class Prefetching:
    """A Fetcher for one verification that can start fetches early (`prefetch`).

    A prefetched document is handed to the first `fetch` of the same URL, once: a document that
    must be revalidated on every check is still fetched once per check. A prefetch that has not
    started by the time it is needed is cancelled and fetched directly, so fetching ahead never
    makes a verification wait longer.
    """

    def __init__(self, inner: Fetcher, *, wait_on_close: bool = True) -> None:
        self._inner = inner
        self._started: dict[_Key, Future[FetchResponse]] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._wait_on_close = wait_on_close

    def prefetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_JSON,
        max_bytes: int | None = None,
        revalidate: bool = False,
        follow: Follow | None = None,
    ) -> None:
        """Start fetching `url` in the background, unless it is already on its way; with
        `follow`, then prefetch (as JSON) the links it finds in the response, and so on."""
        key = (url, accept, revalidate, max_bytes)
        with self._lock:
            if key not in self._started and not self._closed:
                self._started[key] = _shared_pool().submit(self._fetch_ahead, key, follow)

    def _fetch_ahead(self, key: _Key, follow: Follow | None) -> FetchResponse:
        url, accept, revalidate, max_bytes = key
        response = self._inner.fetch(url, accept=accept, max_bytes=max_bytes, revalidate=revalidate)
        if follow is not None:
            try:
                links = list(follow(url, response))
            except Exception:  # a hint never fails the fetch it came from
                links = []
            for link, link_revalidate, then in links:
                self.prefetch(link, revalidate=link_revalidate, follow=then)
        return response

    def fetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_JSON,
        max_bytes: int | None = None,
        revalidate: bool = False,
    ) -> FetchResponse:
        with self._lock:
            ahead = self._started.pop((url, accept, revalidate, max_bytes), None)
        if ahead is None or ahead.cancel():
            return self._inner.fetch(url, accept=accept, max_bytes=max_bytes, revalidate=revalidate)
        return ahead.result()

    def close(self) -> None:
        """Drop the fetches nobody asked for: those not started are cancelled, those under way
        are waited for, so that nothing reaches the inner fetcher after the verification ends
        (a recording fetcher's evidence is read then). Without `wait_on_close` (a command-line
        run about to exit, whose fetches ahead may name documents no check then needed) they
        are left to finish or time out on their own."""
        with self._lock:
            self._closed = True  # a fetch under way follows no more links
            left, self._started = list(self._started.values()), {}
        running = [future for future in left if not future.cancel()]
        if running and self._wait_on_close:
            from concurrent.futures import wait

            wait(running)

    def __enter__(self) -> Prefetching:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def prefetch(
    fetcher: Fetcher, url: object, *, max_bytes: int | None = None, revalidate: bool = False
) -> None:
    """Hint that `url` will be fetched (as JSON, with these options); a no-op for fetchers that
    cannot fetch ahead and for anything that is not an http(s) address."""
    if isinstance(fetcher, Prefetching) and isinstance(url, str) and url.startswith("http"):
        fetcher.prefetch(url, max_bytes=max_bytes, revalidate=revalidate)


def fetch_early(fetcher: Prefetching, urls: Iterable[str]) -> None:
    """Start fetching credentials given as links exactly as `verify` will ask for them (a
    provider's page mapped to its badge data, revalidated), so that the first fetches are in
    flight while the verifier itself is still loading, and the documents they name after them
    (ob2/ahead.py)."""
    from app.verification.ob2.ahead import from_credential
    from app.verification.providers import match

    for given in urls:
        url = given.strip()
        if url.startswith(("http://", "https://")):
            mapped = match(url)
            fetcher.prefetch(mapped.url if mapped else url, revalidate=True, follow=from_credential)


_imported_ahead: set[str] = set()


def import_ahead(*modules: str) -> None:
    """Import modules on a pool thread while the caller waits for the network (a library that
    costs more to import than the fetch takes); each module once per process."""
    with _pool_lock:
        wanted = [name for name in modules if name not in _imported_ahead]
        _imported_ahead.update(wanted)
    if wanted:
        _shared_pool().submit(_import_all, wanted)


def _import_all(modules: list[str]) -> None:
    import importlib

    for name in modules:
        importlib.import_module(name)
