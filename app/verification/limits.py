"""Cooperative cancellation: a caller that stops waiting makes the work stop too.

The API verifies under a time limit in a worker thread; when the limit passes it sets the
thread's cancel event, and the verifier stops at its next checkpoint (a fetch, a step of JSON-LD
expansion or canonicalization) instead of finishing work nobody will read.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_EVENT: ContextVar[threading.Event | None] = ContextVar("skillproof_cancel", default=None)


class Cancelled(Exception):  # noqa: N818 - it names what happened, like KeyboardInterrupt
    """The caller stopped waiting for this check; its work was abandoned."""


@contextmanager
def cancellable(event: threading.Event) -> Iterator[None]:
    """Work done inside stops at its next checkpoint once `event` is set."""
    token = _EVENT.set(event)
    try:
        yield
    finally:
        _EVENT.reset(token)


def checkpoint() -> None:
    """Raise Cancelled when the caller has stopped waiting."""
    event = _EVENT.get()
    if event is not None and event.is_set():
        raise Cancelled


def cancelled() -> bool:
    event = _EVENT.get()
    return event is not None and event.is_set()
