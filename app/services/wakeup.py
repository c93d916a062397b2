"""New work wakes an idle worker at once instead of at its next poll.

In one process (`skillproof serve` with its embedded scheduler) an event is enough. Workers in
other processes on PostgreSQL LISTEN on a channel that every enqueue NOTIFYs (delivered when
the enqueuing transaction commits); on SQLite they keep their short poll.
"""

from __future__ import annotations

import logging
import threading

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
