"""The database: one peewee proxy, opened from a URL, with migrations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import peewee
from flask import Flask
from peewee_migrate import Router

db = peewee.DatabaseProxy()
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
}


# NUL is refused by PostgreSQL in text, and lone surrogates (JSON's "\ud800") cannot be encoded
# as UTF-8 by either driver: both would fail the whole write, leaving a credential "verifying".
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def storable(params: Sequence[object] | None) -> Sequence[object] | None:
    """Query parameters with every NUL and lone surrogate in text replaced by U+FFFD."""
    if not params or not any(isinstance(p, str) and UNSTORABLE.search(p) for p in params):
        return params
    return [UNSTORABLE.sub(REPLACEMENT, p) if isinstance(p, str) else p for p in params]


class _StorableText:
    """Mixed into peewee's databases: text that cannot be stored is stored safely instead."""

    def execute_sql(self, sql: str, params: Sequence[object] | None = None) -> Any:
        return super().execute_sql(sql, storable(params))  # type: ignore[misc]


class SqliteDatabase(_StorableText, peewee.SqliteDatabase):
    pass


class PostgresqlDatabase(_StorableText, peewee.PostgresqlDatabase):
    pass


class DatabaseUrlError(ValueError):
    """A DATABASE_URL Skillproof cannot open."""


def open_database(url: str) -> peewee.Database:
    """A peewee database for `url`: sqlite:///relative/or//absolute.db or postgresql://..."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return _sqlite(parts.netloc, parts.path)
    if parts.scheme in {"postgres", "postgresql"}:
        return _postgres(url)
    raise DatabaseUrlError(
        f"unsupported database URL scheme {parts.scheme!r} (sqlite or postgresql)"
    )


def _sqlite(netloc: str, path: str) -> peewee.SqliteDatabase:
    if netloc:
        # sqlite://app.db would put the file name in the host part: peewee reads it as :memory:
        raise DatabaseUrlError("write SQLite URLs with three slashes: sqlite:///path/to/file.db")
    filename = path[1:]  # sqlite:///relative.db, sqlite:////absolute.db
    if not filename or filename == ":memory:":
        raise DatabaseUrlError("an in-memory SQLite database is a different database per thread")
    Path(filename).parent.mkdir(parents=True, exist_ok=True)
    return SqliteDatabase(filename, pragmas=SQLITE_PRAGMAS, check_same_thread=False)


def _postgres(url: str) -> peewee.PostgresqlDatabase:
    parts = urlsplit(url)
    options: dict[str, Any] = dict(parse_qsl(parts.query))
    return PostgresqlDatabase(
        unquote(parts.path.lstrip("/")),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        host=parts.hostname,
        port=parts.port,
        **options,
    )


def write_transaction() -> Any:
    """A transaction that takes the write lock up front on SQLite.

    A deferred SQLite transaction that reads first and writes later fails at once with
    "database is locked" (without waiting for busy_timeout) when another connection wrote in
    between; BEGIN IMMEDIATE waits for the lock instead.
    """
    if isinstance(db.obj, peewee.SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()


@dataclass(frozen=True)
class Unavailable:
    """Why the database cannot take a request right now, and when to try again."""

    reason: str  # "busy" or "full"
    retry_after: int  # seconds


BUSY = Unavailable("busy", 5)
FULL = Unavailable("full", 120)
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
SQLITE_FULL = ("database or disk is full", "disk i/o error")
# PostgreSQL SQLSTATEs: 53xxx insufficient resources (53100 disk full), 55P03 lock timeout,
# 40001/40P01 serialisation failure and deadlock, 57014 statement timeout, 57P0x shutdown,
# 08xxx no connection.
PG_FULL = ("53100",)
PG_BUSY_PREFIXES = ("53", "55P03", "40001", "40P01", "57014", "57P0", "08")


def unavailable(error: BaseException) -> Unavailable | None:
    """Busy or full when `error` is the database being locked, overloaded or out of disk.

    Anything else (a missing table, bad SQL) is a bug and answers None: it stays a 500.
    """
    if not isinstance(error, peewee.OperationalError | peewee.InterfaceError):
        return None
    causes = _chain(error)
    for cause in causes:
        state = getattr(cause, "sqlstate", None)
        if isinstance(state, str):
            if state.startswith(PG_FULL):
                return FULL
            return BUSY if state.startswith(PG_BUSY_PREFIXES) else None
    text = " ".join(str(cause) for cause in causes).lower()
    if any(phrase in text for phrase in SQLITE_FULL):
        return FULL
    if any(phrase in text for phrase in SQLITE_BUSY):
        return BUSY
    if "connection" in text and isinstance(db.obj, peewee.PostgresqlDatabase):
        return BUSY  # the server is down or restarting: no SQLSTATE to read
    return None


def _chain(error: BaseException) -> list[BaseException]:
    """The error, the driver's error peewee wrapped (`orig`), and what it was raised from.

    SQLite rolls a full-disk transaction back by itself, so peewee's own ROLLBACK then fails
    with "no transaction is active": the first error is that one's context.
    """
    found: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending and len(found) < 8:
        cause = pending.pop(0)
        if cause is None or cause in found:
            continue
        found.append(cause)
        pending += [getattr(cause, "orig", None), cause.__cause__, cause.__context__]
    return found


def bind(url: str) -> peewee.Database:
    """Point the proxy at the database `url` names."""
    database = open_database(url)
    db.initialize(database)
    return database


def migrate() -> list[str]:
    """Apply pending migrations; returns the names applied."""
    with db.connection_context():
        router = Router(db.obj, migrate_dir=MIGRATIONS_DIR, ignore=["basemodel"])
        return list(router.run())


def init_app(app: Flask) -> None:
    """Open a connection per request, close it after."""
    app.before_request(_connect)
    app.teardown_appcontext(_close)


def _connect() -> None:
    db.connect(reuse_if_open=True)


def _close(_exc: BaseException | None) -> None:
    if not db.is_closed():
        db.close()
