"""Job tests on SQLite and on a real PostgreSQL server, with a loopback issuer."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.config import Settings
from app.models import Candidate, Credential, Organization
from app.services import candidates as candidate_service
from app.services import intake
from tests.conftest import make_settings
from tests.support.builders import build_org
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import LocalIssuer

PROJECT = Path(__file__).resolve().parents[2]
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def backend_url(request: pytest.FixtureRequest) -> str:
    """A fresh database: a SQLite file, or a new database on the PostgreSQL server."""
    name = "database_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def backend_app(backend_url: str) -> Iterator[Flask]:
    from app import create_app, db

    application = create_app(make_settings(backend_url))
    db.migrate()
    yield application
    if not db.db.is_closed():
        db.db.close()


@pytest.fixture
def acme(backend_app: Flask) -> Organization:
    return build_org("Acme Hiring", "acme")


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture
def job_settings(backend_url: str) -> Settings:
    return make_settings(backend_url, allow_private_hosts="127.0.0.1")


def add_badges(
    organization: Organization, issuer: LocalIssuer, count: int, per_candidate: int = 10
) -> list[Credential]:
    """`count` valid hosted badges at the issuer, as credentials of a few candidates."""
    credentials: list[Credential] = []
    for start in range(0, count, per_candidate):
        candidate: Candidate = candidate_service.create(
            organization, f"Candidate {start}", [DEFAULT_EMAIL]
        )
        urls = [issuer.hosted(f"b{n}").url for n in range(start, min(count, start + per_candidate))]
        credentials += intake.add_urls(candidate, urls)
    return credentials


def worker_process(database_url: str, *args: str, **env: str) -> subprocess.Popen[str]:
    """`skillproof jobs ARGS` in its own process, allowed to reach the loopback issuer."""
    environment = {
        **os.environ,
        "SKILLPROOF_ENV": "test",
        "DATABASE_URL": database_url,
        "SKILLPROOF_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "jobs", *args],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
