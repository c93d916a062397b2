"""Rate limits hold across web workers: `database://` counts in the shared database."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from flask import Flask
from limits.storage import storage_from_string

from app.services import rate_limits
from tests.conftest import make_settings
from tests.support.builders import build_org, build_user

PROJECT = Path(__file__).resolve().parents[2]
BACKENDS = [
    pytest.param("database_url", id="sqlite"),
    pytest.param("postgres_url", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[Flask]:
    from app import create_app, db

    url = str(request.getfixturevalue(request.param))
    application = create_app(make_settings(url, rate_limit_storage="database://"))
    db.migrate()
    yield application
    if not db.db.is_closed():
        db.db.close()


def test_two_storages_on_one_database_count_one_budget(backend: Flask) -> None:
    first, second = storage_from_string("database://"), storage_from_string("database://")
    assert isinstance(first, rate_limits.DatabaseStorage)
    assert [first.incr("login/ip", 60), second.incr("login/ip", 60)] == [1, 2]
    assert first.get("login/ip") == second.get("login/ip") == 2
    first.clear("login/ip")
    assert second.get("login/ip") == 0


def test_an_ended_window_starts_again_from_the_new_hits(backend: Flask) -> None:
    storage = storage_from_string("database://")
    storage.incr("k", 60, amount=5)
    assert storage.incr("ended", -1) == 1  # a window that ends at once
    assert storage.get("ended") == 0 and storage.incr("ended", 60) == 1
    assert rate_limits.sweep() == 0 or storage.get("k") == 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server(database_url: str, storage: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "SKILLPROOF_ENV": "test",
        "SKILLPROOF_SECRET_KEY": "shared-secret-key-of-both-workers-0123456789",
        "DATABASE_URL": database_url,
        "SKILLPROOF_RUN_SCHEDULER": "false",
        "SKILLPROOF_LOGIN_RATE_LIMIT": "3 per minute",
        "SKILLPROOF_RATE_LIMIT_STORAGE": storage,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    for line in process.stderr:  # werkzeug logs this once its socket listens
        if b"Running on" in line:
            return process, f"http://127.0.0.1:{port}"
    raise AssertionError(f"the server did not start (exit status {process.wait()})")


def _failed_sign_in(client: httpx.Client) -> int:
    page = client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    form = {"csrf_token": found.group(1), "email": "ada@acme.test", "password": "wrong-pass"}
    return client.post("/login", data=form).status_code


@pytest.mark.parametrize(
    ("storage", "answers"),
    [
        pytest.param("database://", [401, 401, 401, 429], id="shared-database"),
        pytest.param("memory://", [401, 401, 401, 401], id="memory-is-per-worker"),
    ],
)
def test_the_sign_in_limit_holds_across_two_worker_processes(
    tmp_path: Path, storage: str, answers: list[int]
) -> None:
    from app import create_app, db

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    create_app(make_settings(url))
    db.migrate()
    build_user(build_org("Acme Hiring", "acme"), "ada@acme.test")
    db.db.close()
    servers = [_server(url, storage) for _ in range(2)]
    try:
        clients = [httpx.Client(base_url=base, timeout=30) for _, base in servers]
        # Alternating workers, as a load balancer does: 3 per minute is the budget of both.
        got = [_failed_sign_in(clients[n % 2]) for n in range(4)]
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=10)
    assert got == answers
