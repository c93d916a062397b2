"""New work wakes an idle worker at once instead of at its next poll.

In one process (`skillproof serve` with its embedded scheduler) an event is enough. Workers in
other processes on PostgreSQL LISTEN on a channel that every enqueue NOTIFYs (delivered when
the enqueuing transaction commits); on SQLite they keep their short poll.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import peewee

from app.db import db

log = logging.getLogger(__name__)
CHANNEL = "skillproof_work"

_work = threading.Event()


def work_queued() -> None:
    """Credentials were queued: wake this process's worker and, on PostgreSQL, every other."""
    _work.set()
    if isinstance(db.obj, peewee.PostgresqlDatabase):
        db.execute_sql(f"NOTIFY {CHANNEL}")


def wake() -> None:
    """Wake this process's idle worker (new work seen by a listener, or a stop request)."""
    _work.set()


def begin_look() -> None:
    """Called before a worker looks for due work: anything queued from now on wakes it again."""
    _work.clear()


def rest(seconds: float) -> bool:
    """Wait until work is queued, or `seconds` at most; whether work woke the worker."""
    return _work.wait(seconds)


def listen(database_url: str, stop: threading.Event, *, timeout: float = 5.0) -> None:
    """Turn PostgreSQL notifications on CHANNEL into wake-ups until `stop` is set (a thread)."""
    import psycopg

    while not stop.is_set():
        try:
            with psycopg.connect(database_url, autocommit=True) as connection:
                connection.execute(f"LISTEN {CHANNEL}")
                while not stop.is_set():
                    for _ in connection.notifies(timeout=timeout):
                        wake()
        except psycopg.Error:
            log.exception("listening for new work failed; polling until it is back")
            stop.wait(timeout)


def start_listener(database_url: str, stop: threading.Event) -> threading.Thread | None:
    """A daemon thread that listens for new work, on PostgreSQL only."""
    if not database_url.startswith(("postgres://", "postgresql://")):
        return None
    thread = threading.Thread(
        target=listen, args=(database_url, stop), name="work-listener", daemon=True
    )
    thread.start()
    return thread


# Results: a page waiting for verdicts (a long poll) is answered as soon as one is stored.

_stored = threading.Condition()
RECHECK_SECONDS = 0.25  # how often a waiting page looks again, for workers in other processes


def result_stored() -> None:
    """A verification result was stored in this process: wake the pages waiting for one."""
    with _stored:
        _stored.notify_all()


def wait_for_change(changed: Callable[[], bool], timeout: float) -> bool:
    """Wait until `changed()` is true, at most `timeout` seconds; whether it became true.

    It is asked again whenever this process stores a result, and every RECHECK_SECONDS for
    results stored by workers in other processes.
    """
    deadline = time.monotonic() + timeout
    while not changed():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        with _stored:
            _stored.wait(min(left, RECHECK_SECONDS))
    return True
