"""A small in-memory HTTP cache (RFC 9111, the parts a GET-only verifier needs).

Only 200 responses are stored, keyed on URL and Accept. Freshness comes from s-maxage,
max-age or Expires (no heuristic freshness); `no-cache` and `revalidate=True` force a
conditional request. LRU eviction keeps the total size under a byte bound. Thread-safe.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .fetcher import FetchResponse

DEFAULT_CACHE_BYTES = 32 * 1024 * 1024
_ENTRY_OVERHEAD = 256
# Headers a 304 must not overwrite: they describe the stored body, not the new one.
_KEEP_ON_304 = frozenset({"content-length", "content-encoding", "transfer-encoding"})


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counters since the cache was made; `misses` counts full responses fetched."""

    hits: int = 0
    revalidated_304: int = 0
    misses: int = 0
    entries: int = 0
    size_bytes: int = 0

    @property
    def share_304(self) -> float:
        """The share of answered lookups that a 304 revalidation served."""
        total = self.hits + self.revalidated_304 + self.misses
        return self.revalidated_304 / total if total else 0.0


@dataclass(frozen=True, slots=True)
class CacheLookup:
    """What to do for a fetch: serve `fresh` as is, or send `conditional` headers."""

    fresh: FetchResponse | None = None
    conditional: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Entry:
    response: FetchResponse
    stored_at: float
    initial_age: float
    lifetime: float
    size: int


class HttpCache:
    """Thread-safe, byte-bounded LRU store of 200 responses with RFC 9111 freshness."""

    def __init__(
        self,
        max_bytes: int = DEFAULT_CACHE_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_bytes = max_bytes
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._stats = CacheStats()

    def lookup(self, url: str, accept: str, *, revalidate: bool = False) -> CacheLookup:
        """A fresh copy to serve (counted as a hit), or the validators for a conditional request."""
        with self._lock:
            entry = self._entries.get((url, accept))
            if entry is None:
                return CacheLookup()
            self._entries.move_to_end((url, accept))
            if not revalidate and self._age(entry) < entry.lifetime:
                self._count(hits=1)
                return CacheLookup(fresh=dataclasses.replace(entry.response, from_cache=True))
            return CacheLookup(conditional=_validators(entry.response.headers))

    def store(self, url: str, accept: str, response: FetchResponse) -> None:
        """Record a full response fetched from the network (a miss); keep it when storable."""
        with self._lock:
            self._count(misses=1)
            self._remove((url, accept))
            lifetime = _storable_lifetime(response)
            if lifetime is not None:
                self._insert((url, accept), response, lifetime)

    def refresh(
        self, url: str, accept: str, not_modified: Mapping[str, str]
    ) -> FetchResponse | None:
        """Apply a 304's headers to the stored copy and return it; None when nothing is stored."""
        with self._lock:
            entry = self._entries.get((url, accept))
            if entry is None:
                return None
            headers = dict(entry.response.headers)
            headers.update((k, v) for k, v in not_modified.items() if k not in _KEEP_ON_304)
            response = dataclasses.replace(entry.response, headers=headers)
            self._remove((url, accept))
            self._insert((url, accept), response, _freshness_lifetime(headers))
            self._count(revalidated_304=1)
            return dataclasses.replace(response, from_cache=True)

    def stats(self) -> CacheStats:
        """A snapshot of the counters and the current size."""
        with self._lock:
            return dataclasses.replace(
                self._stats, entries=len(self._entries), size_bytes=self._size
            )

    def clear(self) -> None:
        """Drop every stored response (the counters stay)."""
        with self._lock:
            self._entries.clear()
            self._size = 0

    def _age(self, entry: _Entry) -> float:
        return entry.initial_age + max(0.0, self._clock() - entry.stored_at)

    def _count(self, *, hits: int = 0, revalidated_304: int = 0, misses: int = 0) -> None:
        s = self._stats
        self._stats = dataclasses.replace(
            s,
            hits=s.hits + hits,
            revalidated_304=s.revalidated_304 + revalidated_304,
            misses=s.misses + misses,
        )

    def _insert(self, key: tuple[str, str], response: FetchResponse, lifetime: float) -> None:
        size = _entry_size(key, response)
        if size > self._max_bytes:
            return
        age = _parse_seconds(response.headers.get("age")) or 0.0
        self._entries[key] = _Entry(response, self._clock(), age, lifetime, size)
        self._size += size
        while self._size > self._max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._size -= evicted.size

    def _remove(self, key: tuple[str, str]) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._size -= entry.size


def cache_directives(headers: Mapping[str, str]) -> dict[str, str]:
    """Cache-Control directives as lower-case names mapped to their (unquoted) values."""
    directives: dict[str, str] = {}
    for part in headers.get("cache-control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            directives[name.strip().lower()] = value.strip().strip('"')
    return directives


def _storable_lifetime(response: FetchResponse) -> float | None:
    """The freshness lifetime when the response may be stored, else None."""
    headers = response.headers
    directives = cache_directives(headers)
    if response.status != 200 or "no-store" in directives:
        return None
    if headers.get("vary", "").strip() == "*":
        return None
    lifetime = _freshness_lifetime(headers)
    has_validator = "etag" in headers or "last-modified" in headers
    return lifetime if lifetime > 0 or has_validator else None


def _freshness_lifetime(headers: Mapping[str, str]) -> float:
    directives = cache_directives(headers)
    if "no-cache" in directives:
        return 0.0
    for name in ("s-maxage", "max-age"):
        if name in directives:
            return _parse_seconds(directives[name]) or 0.0
    return _expires_lifetime(headers)


def _expires_lifetime(headers: Mapping[str, str]) -> float:
    expires, date = headers.get("expires"), headers.get("date")
    if not expires or not date:
        return 0.0
    from email.utils import parsedate_to_datetime  # rare: most servers send max-age or nothing

    try:
        delta = parsedate_to_datetime(expires) - parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return 0.0  # an invalid Expires means "already expired"
    return max(0.0, delta.total_seconds())


def _parse_seconds(value: str | None) -> float | None:
    if value is None or not value.strip().isdigit():
        return None
    return float(value.strip())


def _validators(headers: Mapping[str, str]) -> dict[str, str]:
    conditional: dict[str, str] = {}
    if "etag" in headers:
        conditional["if-none-match"] = headers["etag"]
    if "last-modified" in headers:
        conditional["if-modified-since"] = headers["last-modified"]
    return conditional


def _entry_size(key: tuple[str, str], response: FetchResponse) -> int:
    header_bytes = sum(len(k) + len(v) for k, v in response.headers.items())
    return len(response.content) + header_bytes + len(key[0]) + len(key[1]) + _ENTRY_OVERHEAD
