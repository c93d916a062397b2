"""APScheduler wiring: the in-process scheduler of `make run`, and standalone `skillproof jobs`."""

from __future__ import annotations

import logging
import threading
from typing import Any

from apscheduler.events import EVENT_SCHEDULER_SHUTDOWN
from apscheduler.schedulers.background import BackgroundScheduler

from app.config import Settings
from app.services import wakeup
from jobs import worker

log = logging.getLogger(__name__)
NIGHTLY_TICK_SECONDS = 60  # each tick enqueues the organisations whose local 02:00 has come
EXPIRY_WATCH_MINUTES = 60
NOTIFY_SECONDS = 30
VERIFY_THREAD = "verify-due"

_started: BackgroundScheduler | None = None
_start_lock = threading.Lock()


def build(settings: Settings, *, extra_allow: str = "", poll: bool = True) -> BackgroundScheduler:
    """A scheduler with the periodic jobs; `poll` adds the short-interval verification poller."""
    scheduler = BackgroundScheduler(timezone="UTC")
    common: dict[str, Any] = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 300}
    if poll:
        scheduler.add_job(
            worker.drain,  # batch after batch until nothing is due, then rest until the next tick
            "interval",
            seconds=settings.poll_seconds,
            kwargs={"settings": settings, "extra_allow": extra_allow},
            id="verify-due",
            **common,
        )
    scheduler.add_job(
        worker.nightly,
        "interval",
        seconds=NIGHTLY_TICK_SECONDS,
        kwargs={"settings": settings},
        id="nightly",
        **common,
    )
    scheduler.add_job(
        worker.watch_expiry,
        "interval",
        minutes=EXPIRY_WATCH_MINUTES,
        kwargs={"settings": settings},
        id="expiry-watch",
        **common,
    )
    scheduler.add_job(
        worker.notify,
        "interval",
        seconds=NOTIFY_SECONDS,
        kwargs={"settings": settings},
        id="notify",
        **common,
    )
    return scheduler


def start_in_process(settings: Settings, *, extra_allow: str = "") -> BackgroundScheduler:
    """Start the scheduler in this process, once; call only from the serving process."""
    global _started
    with _start_lock:
        if _started is None:
            _started = build(settings, extra_allow=extra_allow, poll=False)
            stop = threading.Event()
            _started.add_listener(lambda _: _stop(stop), EVENT_SCHEDULER_SHUTDOWN)
            _started.start()
            # Verification runs in its own thread rather than as an interval job, so that work
            # queued by a request in this process wakes it at once (app.services.wakeup).
            threading.Thread(
                target=worker.run_until,
                args=(stop, settings),
                kwargs={"extra_allow": extra_allow},
                name=VERIFY_THREAD,
                daemon=True,
            ).start()
            log.info("scheduler started in process")
        return _started


def _stop(stop: threading.Event) -> None:
    stop.set()
    wakeup.wake()


def run_standalone(
    settings: Settings, stop: threading.Event, *, once: bool = False, extra_allow: str = ""
) -> int:
    """A worker without a web server: schedules in the background, verification in this thread.

    With `once`, run every job a single time and verify until nothing is due, then return.
    """
    if once:
        worker.nightly(settings)
        worker.watch_expiry(settings)
        total = worker.drain(settings, extra_allow=extra_allow)
        worker.notify(settings)
        return total
    scheduler = build(settings, extra_allow=extra_allow, poll=False)
    scheduler.start()
    wakeup.start_listener(settings.database_url, stop)  # PostgreSQL: NOTIFY wakes this worker
    try:
        return worker.run_until(stop, settings, extra_allow=extra_allow)
    finally:
        scheduler.shutdown(wait=False)
