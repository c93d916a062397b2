"""APScheduler wiring: the in-process scheduler of `make run` (standalone workers come later)."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from app.config import Settings
from jobs import worker

log = logging.getLogger(__name__)
POLL_SECONDS = 1


def start_in_process(settings: Settings, *, extra_allow: str = "") -> BackgroundScheduler:
    """Start the scheduler in this process; call only from the serving process."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        worker.process_due,
        "interval",
        seconds=POLL_SECONDS,
        kwargs={"settings": settings, "extra_allow": extra_allow},
        id="verify-due",
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    log.info("scheduler started in process")
    return scheduler
