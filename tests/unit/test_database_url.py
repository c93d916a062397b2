"""Database URLs open what they say, and the classic in-memory trap is refused."""

from __future__ import annotations

from pathlib import Path

import peewee
import pytest

from app.db import DatabaseUrlError, open_database


def test_three_slashes_is_a_relative_file_four_an_absolute_one(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path}/x.db")
    assert isinstance(database, peewee.SqliteDatabase)
    assert database.database == f"{tmp_path}/x.db"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("sqlite://app.db", id="two-slashes"),
        pytest.param("sqlite://", id="empty"),
        pytest.param("sqlite:///:memory:", id="memory"),
        pytest.param("mysql://x/y", id="mysql"),
    ],
)
def test_urls_that_would_lose_data_are_refused(url: str) -> None:
    with pytest.raises(DatabaseUrlError):
        open_database(url)


def test_sqlite_gets_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path}/y.db")
    with database.connection_context():
        assert database.execute_sql("pragma journal_mode").fetchone()[0] == "wal"
        assert database.execute_sql("pragma foreign_keys").fetchone()[0] == 1
        assert database.execute_sql("pragma busy_timeout").fetchone()[0] == 10_000


def test_postgres_url_parts_are_decoded() -> None:
    database = open_database("postgresql://us%40er:p%3Ass@db.internal:5433/skill?sslmode=require")
    assert isinstance(database, peewee.PostgresqlDatabase)
    assert database.database == "skill"
    assert database.connect_params["user"] == "us@er"
    assert database.connect_params["password"] == "p:ss"
    assert database.connect_params["port"] == 5433
    assert database.connect_params["sslmode"] == "require"
