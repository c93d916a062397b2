"""Record the SQL a block of code sends, to pin a page or export to a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.db import db


@contextmanager
def recorded_queries() -> Iterator[list[str]]:
    """Every SQL statement executed inside the block, in order (the real database's)."""
    database = db.obj
    original = database.execute_sql
    queries: list[str] = []

    def recording(sql: str, *args: Any, **kwargs: Any) -> Any:
        queries.append(sql)
        return original(sql, *args, **kwargs)

    database.execute_sql = recording
    try:
        yield queries
    finally:
        del database.execute_sql


def touching(queries: list[str], table: str) -> int:
    """How many of the statements name this table (peewee quotes it: "table")."""
    return sum(f'"{table}"' in sql for sql in queries)
