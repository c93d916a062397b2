"""The database: one peewee proxy, opened from a URL, with migrations."""

from __future__ import annotations

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
    return peewee.SqliteDatabase(filename, pragmas=SQLITE_PRAGMAS, check_same_thread=False)


def _postgres(url: str) -> peewee.PostgresqlDatabase:
    parts = urlsplit(url)
    options: dict[str, Any] = dict(parse_qsl(parts.query))
    return peewee.PostgresqlDatabase(
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
