"""A locked or full database answers 503 with Retry-After and a friendly page, never a 500."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import peewee
import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Candidate, Role
from tests.conftest import make_settings
from tests.support.api import bearer, token
from tests.support.builders import DEFAULT_PASSWORD, build_org, build_user

QUICK_BUSY_TIMEOUT_MS = 50  # the app gives up on a held lock at once instead of after 10 s


def _signed_in(app: Flask) -> FlaskClient:
    app.config["WTF_CSRF_ENABLED"] = False
    acme = build_org("Acme Hiring", "acme")
    build_user(acme, "recruiter@acme.test", Role.RECRUITER)
    client = app.test_client()
    client.post("/login", data={"email": "recruiter@acme.test", "password": DEFAULT_PASSWORD})
    return client


@pytest.fixture
def sqlite_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Flask, Path]]:
    from app import create_app, db

    monkeypatch.setitem(db.SQLITE_PRAGMAS, "busy_timeout", QUICK_BUSY_TIMEOUT_MS)
    path = tmp_path / "test.db"
    application = create_app(make_settings(f"sqlite:///{path}"))
    db.migrate()
    yield application, path
    if not db.db.is_closed():
        db.db.close()


def _lock(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_write_while_sqlite_is_locked_gets_a_friendly_503_with_retry_after(
    sqlite_app: tuple[Flask, Path],
) -> None:
    app, path = sqlite_app
    client = _signed_in(app)
    holder = _lock(path)
    try:
        response = client.post("/candidates/", data={"name": "Ada", "emails": "ada@example.com"})
    finally:
        holder.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Temporarily unavailable" in response.text and "try again" in response.text
    assert Candidate.select().count() == 0


def test_pages_read_while_another_connection_holds_the_write_lock(
    sqlite_app: tuple[Flask, Path],
) -> None:
    app, path = sqlite_app
    client = _signed_in(app)
    holder = _lock(path)
    try:
        pages = [client.get(url).status_code for url in ("/candidates/", "/", "/alerts/")]
    finally:
        holder.close()
    assert pages == [200, 200, 200]


def test_an_api_write_while_sqlite_is_locked_gets_a_json_503(
    sqlite_app: tuple[Flask, Path],
) -> None:
    app, path = sqlite_app
    secret = token(build_org("Acme Hiring", "acme"))
    holder = _lock(path)
    try:
        response = app.test_client().post(
            "/api/v1/candidates", json={"name": "Ada"}, headers=bearer(secret)
        )
    finally:
        holder.close()
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.json["error"]["code"] == "database_busy"


def test_a_full_disk_gets_a_503_that_says_so(sqlite_app: tuple[Flask, Path]) -> None:
    from app import db

    app, path = sqlite_app
    client = _signed_in(app)
    pages = db.db.execute_sql("PRAGMA page_count").fetchone()[0]
    db.db.close()
    # Every connection the app opens may not grow the file: SQLite's own "disk is full".
    full = peewee.SqliteDatabase(str(path), pragmas={**db.SQLITE_PRAGMAS, "max_page_count": pages})
    db.db.initialize(full)
    notes = "x" * 9_000  # within the 10,000-character cap, more than the pages left
    response = client.post("/candidates/", data={"name": "Ada", "emails": "", "notes": notes})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "120"
    assert "run out of storage" in response.text


def test_an_error_that_is_a_bug_stays_a_500(sqlite_app: tuple[Flask, Path]) -> None:
    from app import db

    app, _ = sqlite_app
    client = _signed_in(app)
    db.db.execute_sql("DROP TABLE candidate_email")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post("/candidates/", data={"name": "Ada", "emails": "ada@example.com"})
    assert response.status_code == 500 and "Retry-After" not in response.headers


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        pytest.param(peewee.OperationalError("database is locked"), "busy", id="sqlite-locked"),
        pytest.param(peewee.OperationalError("database or disk is full"), "full", id="sqlite-full"),
        pytest.param(peewee.OperationalError(psycopg.errors.DiskFull()), "full", id="pg-disk"),
        pytest.param(
            peewee.OperationalError(psycopg.errors.LockNotAvailable()), "busy", id="pg-lock"
        ),
        pytest.param(
            peewee.OperationalError(psycopg.errors.TooManyConnections()), "busy", id="pg-conns"
        ),
        pytest.param(peewee.OperationalError("no such table: candidate"), None, id="bug"),
        pytest.param(peewee.IntegrityError("UNIQUE constraint failed"), None, id="integrity"),
    ],
)
def test_database_errors_are_told_apart(error: Exception, reason: str | None) -> None:
    from app.db import unavailable

    found = unavailable(error)
    assert (found.reason if found else None) == reason


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[tuple[Flask, str]]:
    from app import create_app, db

    quick = postgres_url + "?options=-c%20lock_timeout%3D100"  # wait 100 ms for a row lock
    application = create_app(make_settings(quick))
    db.migrate()
    yield application, postgres_url
    if not db.db.is_closed():
        db.db.close()


@pytest.mark.postgres
def test_a_row_locked_too_long_on_postgres_gets_a_503(pg_app: tuple[Flask, str]) -> None:
    from app.services import candidates as candidate_service

    app, url = pg_app
    acme = build_org("Acme Hiring", "acme")
    secret = token(acme)
    candidate = candidate_service.create(acme, "Ada", ["ada@example.com"])
    with psycopg.connect(url) as holder:
        holder.execute("SELECT id FROM candidate WHERE id = %s FOR UPDATE", (candidate.id,))
        response = app.test_client().patch(
            f"/api/v1/candidates/{candidate.id}", json={"name": "Ada L."}, headers=bearer(secret)
        )
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert Candidate.get_by_id(candidate.id).name == "Ada"


@pytest.mark.postgres
def test_a_full_disk_on_postgres_gets_a_503(pg_app: tuple[Flask, str]) -> None:
    from app import db

    app, _ = pg_app
    client = _signed_in(app)
    db.db.execute_sql(  # the server's own error for a full disk, SQLSTATE 53100
        "CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$;"
        "CREATE TRIGGER disk_full BEFORE INSERT ON candidate "
        "FOR EACH ROW EXECUTE FUNCTION disk_full()"
    )
    response = client.post("/candidates/", data={"name": "Ada", "emails": "ada@example.com"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "120"
    assert "run out of storage" in response.text
