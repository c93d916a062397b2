"""Fixtures shared by every test layer: an app on a fresh database, clients, builders."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from app.config import Settings
from app.models import Organization, Role, User
from tests.support.builders import DEFAULT_PASSWORD, build_org, build_user
from tests.support.smtp import SmtpServer

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"


def make_settings(database_url: str, **overrides: object) -> Settings:
    """Test settings: no scheduler, CSRF on unless a test turns it off."""
    values: dict[str, object] = {
        "env": "test",
        "secret_key": "test-secret-key-that-is-long-enough-0123456789",
        "database_url": database_url,
        "run_scheduler": False,
        "login_rate_limit": "1000 per minute",
        "invite_rate_limit": "1000 per minute",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


def serve_app(settings: Settings, *, csrf: bool = True) -> Iterator[Flask]:
    """An app on a migrated database, for a fixture to yield from; closes the database after."""
    from app import create_app, db

    application = create_app(settings)
    application.config["WTF_CSRF_ENABLED"] = csrf
    db.migrate()
    # No app context stays pushed: each request gets its own, as in production (flask-login
    # caches the user in `g`, which a shared context would carry from request to request).
    yield application
    if not db.db.is_closed():
        db.db.close()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    yield from serve_app(make_settings(database_url))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on loopback; the test reads what the app sent."""
    with SmtpServer() as server:
        yield server


def mail_settings(smtp: SmtpServer) -> dict[str, object]:
    """Settings overrides that send the app's e-mail, from Acme, to the test's SMTP server."""
    return {
        "smtp_host": smtp.host,
        "smtp_port": smtp.port,
        "smtp_from": "skillproof@acme.test",
        "smtp_starttls": False,
    }


@pytest.fixture
def mail_app(database_url: str, smtp: SmtpServer) -> Iterator[Flask]:
    """An app that e-mails through `smtp`, with links on its public address; CSRF off."""
    settings = make_settings(
        database_url, base_url="https://skillproof.acme.test", **mail_settings(smtp)
    )
    yield from serve_app(settings, csrf=False)


@pytest.fixture
def csrf_off(app: Flask) -> Flask:
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@pytest.fixture
def org(app: Flask) -> Organization:
    return build_org("Acme Hiring", "acme")


@pytest.fixture
def other_org(app: Flask) -> Organization:
    return build_org("Globex Talent", "globex")


@pytest.fixture
def admin(org: Organization) -> User:
    return build_user(org, "admin@acme.test", Role.ADMIN)


@pytest.fixture
def recruiter(org: Organization) -> User:
    return build_user(org, "recruiter@acme.test", Role.RECRUITER)


@pytest.fixture
def viewer(org: Organization) -> User:
    return build_user(org, "viewer@acme.test", Role.VIEWER)


class AuthActions:
    """Sign a test client in and out, as flaskr's tests do."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = DEFAULT_PASSWORD):  # type: ignore[no-untyped-def]
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):  # type: ignore[no-untyped-def]
        return self._client.post("/logout")


@pytest.fixture
def client(csrf_off: Flask) -> FlaskClient:
    return csrf_off.test_client()


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server URL: SKILLPROOF_TEST_DATABASE_URL, else a throwaway local cluster."""
    from tests.support import pgcluster

    url = os.environ.get("SKILLPROOF_TEST_DATABASE_URL")
    if url:
        yield url
        return
    if not pgcluster.available():
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL tests, but no PostgreSQL server is available")
        pytest.skip("PostgreSQL is not installed here (set SKILLPROOF_TEST_DATABASE_URL)")
    # Not under pytest's tmp dir: its parents are private to root, and the server runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="skillproof-pg-"))
    try:
        yield pgcluster.start(directory)
    finally:
        pgcluster.stop(directory)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the PostgreSQL server, dropped afterwards."""
    import psycopg

    name = f"skillproof_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(postgres_server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_app(postgres_url: str) -> Iterator[Flask]:
    """The app bound to a fresh, migrated PostgreSQL database; its connection closed after."""
    from app import create_app, db

    application = create_app(make_settings(postgres_url))
    db.migrate()
    yield application
    if not db.db.is_closed():
        db.db.close()


@pytest.fixture
def demo_server(  # a demo-mode app served on loopback: its own demo issuer answers
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Settings]]:
    from app import create_app, db

    monkeypatch.setattr("app.config.INSTANCE_DIR", tmp_path)
    settings = make_settings(f"sqlite:///{tmp_path / 'demo.db'}", demo_mode=True)
    app = create_app(settings)
    db.migrate()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}", settings
    finally:
        server.shutdown()
        thread.join(5)
