"""A live Skillproof server and Debian's chromium for Playwright tests."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from app.models import Role
from tests.conftest import make_settings
from tests.support.builders import DEFAULT_PASSWORD, build_org, build_user

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@dataclass
class LiveServer:
    url: str
    admin_email: str
    recruiter_email: str
    password: str = DEFAULT_PASSWORD


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    from app import create_app, db

    app = create_app(make_settings(f"sqlite:///{tmp_path / 'e2e.db'}"))
    db.migrate()
    org = build_org("Acme Hiring", "acme")
    build_user(org, "admin@acme.test", Role.ADMIN, name="Ada Admin")
    build_user(org, "recruiter@acme.test", Role.RECRUITER)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(
            f"http://127.0.0.1:{server.port}", "admin@acme.test", "recruiter@acme.test"
        )
    finally:
        server.shutdown()
        thread.join(timeout=5)
