"""New work wakes an idle worker at once, not at its next poll (issue 14)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask

from app.config import Settings
from app.models import Organization
from app.services import wakeup
from jobs import worker
from tests.jobs.conftest import add_badges
from tests.support.test_issuer import LocalIssuer

AN_HOUR = 3600.0  # the poll interval: a worker that waited for it would never finish the test
WAIT = 30.0  # a bound for a stuck test, not a timing assertion


class ObservedWorker:
    """`run_until` in a thread, with events for "looked and found nothing" and "verified"."""

    def __init__(self, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
        self.idle, self.verified = threading.Event(), threading.Event()
        self.stop = threading.Event()
        real = worker.process_due

        def observed(*args: Any, **kwargs: Any) -> int:
            done = real(*args, **kwargs)
            (self.verified if done else self.idle).set()
            return done

        monkeypatch.setattr(worker, "process_due", observed)
        self.thread = threading.Thread(target=worker.run_until, args=(self.stop, settings))

    def __enter__(self) -> ObservedWorker:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        wakeup.wake()
        self.thread.join(WAIT)


@pytest.fixture
def idle_worker(
    backend_app: Flask, job_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ObservedWorker]:
    with ObservedWorker(replace(job_settings, poll_seconds=AN_HOUR), monkeypatch) as running:
        assert running.idle.wait(WAIT), "the worker never looked for work"
        yield running


@pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)
def test_an_idle_worker_verifies_a_new_link_without_waiting_for_its_poll(
    idle_worker: ObservedWorker, acme: Organization, issuer: LocalIssuer
) -> None:
    add_badges(acme, issuer, 1)
    assert idle_worker.verified.wait(WAIT)


@pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)
def test_a_stop_request_ends_an_idle_worker_without_waiting_for_its_poll(
    idle_worker: ObservedWorker,
) -> None:
    idle_worker.stop.set()
    wakeup.wake()
    idle_worker.thread.join(WAIT)
    assert not idle_worker.thread.is_alive()


@pytest.mark.postgres
def test_a_notification_from_another_process_wakes_a_postgresql_worker(postgres_url: str) -> None:
    import psycopg

    stop = threading.Event()
    listener = wakeup.start_listener(postgres_url, stop)
    assert listener is not None
    woken = False
    try:
        with psycopg.connect(postgres_url, autocommit=True) as elsewhere:
            for _ in range(int(WAIT / 0.2)):  # LISTEN takes effect a moment after the thread starts
                wakeup.begin_look()
                elsewhere.execute(f"NOTIFY {wakeup.CHANNEL}")
                if wakeup.rest(0.2):
                    woken = True
                    break
    finally:
        stop.set()
        listener.join(WAIT)
    assert woken
    assert not listener.is_alive()


def test_sqlite_workers_start_no_listener() -> None:
    assert wakeup.start_listener("sqlite:////tmp/x.db", threading.Event()) is None
