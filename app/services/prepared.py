"""Statements peewee builds once and the worker runs for every credential with new values.

Building a query's SQL in peewee costs more CPU than SQLite takes to run it (0.1-0.3 ms each);
the worker runs the same few statements for every credential it verifies. A statement is built
once per database kind with `Slot` placeholders and run with each call's values, converted by
the same `Field.db_value` peewee would apply: the SQL and parameters are peewee's own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import peewee

from app.db import db

Row = TypeVar("Row", bound=peewee.Model)
_built: dict[tuple[type, Hashable], tuple[str, tuple[object, ...]]] = {}
_lock = threading.Lock()
_sqlite_writer = threading.Lock()


@contextmanager
def one_writer() -> Iterator[None]:
    """On SQLite, this process's threads queue for the write lock here, woken in turn.

    SQLite allows one writer at a time anyway, but its busy handler polls with sleeps of up to
    100 ms: 32 worker threads waiting there idle the batch far longer than their writes take.
    """
    if isinstance(db.obj, peewee.SqliteDatabase):
        with _sqlite_writer:
            yield
    else:
        yield


@dataclass(frozen=True)
class Slot:
    """Where a value goes in a prepared statement, and the field that converts it."""

    name: str
    field: peewee.Field


def slot(name: str, field: peewee.Field) -> peewee.Value:
    """A placeholder for the value named `name`, converted as `field` converts it."""
    return peewee.Value(Slot(name, field), converter=False)


def statement(key: Hashable, build: Callable[[], peewee.Query]) -> tuple[str, tuple[object, ...]]:
    """The SQL and parameters of `build()`, built once per database kind and `key`."""
    # The SQL depends on the database class only (quoting, parameter style, RETURNING).
    cache_key = (type(db.obj), key)
    found = _built.get(cache_key)
    if found is None:
        sql, params = build().sql()
        found = (sql, tuple(params))
        with _lock:
            _built[cache_key] = found
    return found


def bind(params: Sequence[object], values: Mapping[str, object]) -> list[object]:
    """The parameters with every slot replaced by its value, converted by its field."""
    return [
        value.field.db_value(values[value.name]) if isinstance(value, Slot) else value
        for value in params
    ]


def select(
    model: type[Row],
    fields: Sequence[peewee.Field],
    key: Hashable,
    build: Callable[[], peewee.Query],
    **values: Any,
) -> list[Row]:
    """The rows of a prepared SELECT of `fields`, as partial `model` instances.

    Values are converted by each field's `python_value`, as peewee does; `__no_default__` keeps
    the fields not selected unset instead of computing their defaults, as peewee does too.
    """
    sql, params = statement(key, build)
    cursor = db.execute_sql(sql, bind(params, values))
    return [_row(model, fields, row) for row in cursor.fetchall()]


def _row(model: type[Row], fields: Sequence[peewee.Field], row: Sequence[object]) -> Row:
    data = {field.name: field.python_value(value) for field, value in zip(fields, row, strict=True)}
    instance = model(__no_default__=1, **data)
    instance._dirty.clear()  # as read from the database, like peewee's own rows
    return instance


def execute(key: Hashable, build: Callable[[], peewee.Query], **values: Any) -> Any:
    """Run a prepared UPDATE, INSERT or DELETE; returns the cursor."""
    sql, params = statement(key, build)
    return db.execute_sql(sql, bind(params, values))


def rows_affected(cursor: Any) -> int:
    return int(db.obj.rows_affected(cursor))


def inserted_id(cursor: Any) -> int:
    """The primary key of the row a prepared single-row INSERT created."""
    if db.obj.returning_clause:  # peewee adds RETURNING "id" where the database has it
        return int(cursor.fetchone()[0])
    return int(cursor.lastrowid)
