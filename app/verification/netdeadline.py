"""One wall-clock deadline per fetch, shared by every connect, read and write it makes.

Kept apart from the network backend so that a fetch answered from the cache, or a batch of
local files, never imports the HTTP stack.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class _Deadline(threading.local):
    at: float | None = None


_DEADLINE = _Deadline()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Bound every connect, read and write of this thread's fetch by one wall-clock deadline."""
    previous = _DEADLINE.at
    _DEADLINE.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _DEADLINE.at = previous


def bounded(timeout: float | None, expired: type[Exception]) -> float | None:
    """`timeout` shortened to what is left of this thread's deadline; `expired` once none is."""
    if _DEADLINE.at is None:
        return timeout
    left = _DEADLINE.at - time.monotonic()
    if left <= 0:
        raise expired("the total time for this fetch ran out")
    return left if timeout is None else min(timeout, left)
