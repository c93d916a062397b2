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

from app.config import Settings
from app.models import Role
from tests.conftest import make_settings
from tests.support.builders import DEFAULT_PASSWORD, build_org, build_user
from tests.support.test_issuer import LocalIssuer

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


class VerificationWorker:
    """The verification worker of the live server: a thread running due jobs until stopped.

    `pause()` holds new work back (credentials stay "Verifying…"), `resume()` lets it run.
    Errors are kept and reported when the server stops, so a broken worker fails the test.
    """

    POLL_SECONDS = 0.1

    def __init__(self, settings: Settings) -> None:
        from jobs.worker import process_due

        self.settings = settings
        self.errors: list[str] = []
        self._process_due = process_due
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._thread = threading.Thread(target=self._loop, name="e2e-worker", daemon=True)

    def start(self) -> VerificationWorker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._running.set()
        self._thread.join(timeout=10)

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def _loop(self) -> None:
        while not self._stop.wait(self.POLL_SECONDS):
            self._running.wait()
            if self._stop.is_set():
                return
            try:
                self._process_due(self.settings)
            except Exception as error:  # reported at teardown; the server keeps serving
                self.errors.append(repr(error))


@dataclass
class LiveServer:
    url: str
    admin_email: str
    recruiter_email: str
    worker: VerificationWorker
    password: str = DEFAULT_PASSWORD


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    from app import create_app, db

    settings = make_settings(f"sqlite:///{tmp_path / 'e2e.db'}", allow_private_hosts="127.0.0.1")
    app = create_app(settings)
    db.migrate()
    org = build_org("Acme Hiring", "acme")
    build_user(org, "admin@acme.test", Role.ADMIN, name="Ada Admin")
    build_user(org, "recruiter@acme.test", Role.RECRUITER)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    worker = VerificationWorker(settings).start()
    thread.start()
    try:
        yield LiveServer(
            f"http://127.0.0.1:{server.port}", "admin@acme.test", "recruiter@acme.test", worker
        )
    finally:
        worker.stop()
        server.shutdown()
        thread.join(timeout=5)
    assert not worker.errors, f"the verification worker failed: {worker.errors}"


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    """A real OB 2.0 issuer on 127.0.0.1, answering at once (no latency)."""
    with LocalIssuer() as local:
        yield local
