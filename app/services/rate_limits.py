"""Rate-limit counters in the app's own database, shared by every web worker.

`SKILLPROOF_RATE_LIMIT_STORAGE=database://` keeps Flask-Limiter's fixed-window counters in the
`rate_limit_counter` table (SQLite or PostgreSQL), so N gunicorn workers, or web servers on
several machines, count one budget per client without a Redis or memcached server.
"""

from __future__ import annotations

import random
import time

import peewee
from limits.storage import Storage

from app.db import db
from app.models import RateLimitCounter

SCHEME = "database"
SWEEP_SHARE = 0.01  # of increments that also delete ended windows


class DatabaseStorage(Storage):
    """A `limits` storage (fixed window) over the app's database connection."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_: object):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> type[Exception]:
        return peewee.DatabaseError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add `amount` to the window of `key` (a new window when the last one ended)."""
        now = time.time()
        ended = RateLimitCounter.expires_at <= now
        query = (
            RateLimitCounter.insert(key=key, hits=amount, expires_at=now + expiry)
            .on_conflict(
                conflict_target=[RateLimitCounter.key],
                update={
                    RateLimitCounter.hits: peewee.Case(
                        None, [(ended, amount)], RateLimitCounter.hits + amount
                    ),
                    RateLimitCounter.expires_at: peewee.Case(
                        None, [(ended, now + expiry)], RateLimitCounter.expires_at
                    ),
                },
            )
            .returning(RateLimitCounter.hits)
        )
        with db.atomic():  # one statement, atomic on both databases; closes any open read
            hits = int(query.execute()[0].hits)
        if random.random() < SWEEP_SHARE:  # every client address leaves a row: drop old ones
            sweep(now)
        return hits

    def get(self, key: str) -> int:
        row = self._live(key)
        return int(row.hits) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._live(key)
        return float(row.expires_at) if row else time.time()

    def check(self) -> bool:
        try:
            RateLimitCounter.select().limit(1).execute()
        except peewee.DatabaseError:
            return False
        return True

    def reset(self) -> int | None:
        return int(RateLimitCounter.delete().execute())

    def clear(self, key: str) -> None:
        RateLimitCounter.delete().where(RateLimitCounter.key == key).execute()

    def _live(self, key: str) -> RateLimitCounter | None:
        return (
            RateLimitCounter.select()
            .where((RateLimitCounter.key == key) & (RateLimitCounter.expires_at > time.time()))
            .first()
        )


def sweep(now: float | None = None) -> int:
    """Delete the windows that ended; returns how many."""
    moment = time.time() if now is None else now
    return int(RateLimitCounter.delete().where(RateLimitCounter.expires_at <= moment).execute())
