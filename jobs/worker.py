"""Job functions: claim due credentials, verify them concurrently, store the results.

Every function here lives at module level, takes primitive arguments (and the settings), opens
its own database connection and calls the services: no Flask request context.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from app.config import Settings
from app.db import db
from app.services import (
    alerts,
    batches,
    operations,
    profile_import,
    verification,
    wakeup,
    webhooks,
)
from app.services.checking import build_fetcher
from app.verification.http import SafeFetcher

log = logging.getLogger(__name__)

HELD_BACK_WAIT_SECONDS = 0.05
_fetchers: dict[int, SafeFetcher] = {}
_fetchers_lock = threading.Lock()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def fetcher_for(settings: Settings, extra_allow: str = "") -> SafeFetcher:
    """One shared fetcher (and HTTP cache) per process and configuration."""
    pool = max(settings.worker_concurrency, 20)
    key = hash((settings.allow_private_hosts, extra_allow, settings.ssl_cert_file, pool))
    with _fetchers_lock:
        if key not in _fetchers:
            _fetchers[key] = build_fetcher(settings, extra_allow=extra_allow, connections=pool)
        return _fetchers[key]


def process_due(
    settings: Settings,
    *,
    extra_allow: str = "",
    batch: int | None = None,
    concurrency: int | None = None,
    name: str | None = None,
    now: datetime | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Expand due profile links, then claim one batch of due credentials and verify them;
    returns how many profiles were expanded and credentials verified.

    A heartbeat renews the batch's short lease while it runs, so a dead worker's claims come
    back within seconds; once `stop` is set, credentials not started yet are released at once.
    """
    fetcher = fetcher_for(settings, extra_allow)
    worker = name or worker_name()
    lease = timedelta(seconds=settings.claim_lease_seconds)
    unreachable_after = timedelta(days=settings.unreachable_alert_days)
    with db.connection_context():
        # A profile's badges are queued as credentials, so this same pass verifies them.
        expanded = profile_import.expand_due(
            worker, fetcher, lease=max(lease, profile_import.LEASE)
        )
        claim = verification.claim_due(
            worker,
            batch or settings.worker_batch,
            now,
            lease=lease,
            host_limit=settings.host_concurrency,
        )
        if not claim.ids:
            return expanded
        progress = batches.BatchProgress(claim.ids)
    due: queue.SimpleQueue[int] = queue.SimpleQueue()
    for credential_id in claim.ids:
        due.put(credential_id)
    stopping = stop or threading.Event()

    def verify_one(credential_id: int) -> None:
        try:
            verification.verify_credential(
                credential_id,
                fetcher,
                claim=claim.token,
                unreachable_after=unreachable_after,
                emails=progress.emails_of(credential_id),
                names=progress.names_of(credential_id),
                refresh_candidate=False,
            )
        except Exception:  # one bad credential must not stop the batch
            log.exception("verification of credential %s failed", credential_id)
        finally:
            try:
                progress.finished(credential_id)
            except Exception:
                log.exception("candidate state after credential %s failed", credential_id)

    def run() -> None:
        # One connection per thread for the whole batch: opening and closing one per
        # credential cost more CPU than verifying it.
        with db.connection_context():
            while not stopping.is_set():
                try:
                    credential_id = due.get_nowait()
                except queue.Empty:
                    return
                verify_one(credential_id)

    workers = max(1, min(concurrency or settings.worker_concurrency, len(claim.ids)))
    with (
        Heartbeat(claim.token, lease),
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="verify") as pool,
    ):
        for future in [pool.submit(run) for _ in range(workers)]:
            future.result()
    return expanded + len(claim.ids) - _release_unstarted(claim, due)


def _release_unstarted(claim: verification.Claim, due: queue.SimpleQueue[int]) -> int:
    """Give back the claimed credentials a stopping worker did not start; how many."""
    left: list[int] = []
    while not due.empty():
        left.append(due.get_nowait())
    if left:
        with db.connection_context():
            verification.release(claim.token, left)
    return len(left)


class Heartbeat:
    """Renews a claim's lease every quarter lease while its batch runs, in its own thread."""

    def __init__(self, token: str, lease: timedelta) -> None:
        self._token = token
        self._lease = lease
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="claim-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self._lease.total_seconds() / 4):
            try:
                with db.connection_context():
                    verification.renew(self._token, lease=self._lease)
            except Exception:  # a missed beat is retried; the lease still has three quarters
                log.exception("renewing the claim's lease failed")


def drain(settings: Settings, *, extra_allow: str = "", limit: int = 10_000) -> int:
    """Process batches until nothing is due (tests, CLI); returns how many were verified.

    Due work held back only because its issuer host has every slot it may take (another
    worker is verifying that host's credentials) is waited for, not abandoned.
    """
    total = 0
    # Held back longer than a lease, the slots are a live worker's: leave the rest to it.
    give_up = time.monotonic() + settings.claim_lease_seconds
    while total < limit:
        done = process_due(settings, extra_allow=extra_allow)
        if not done:
            with db.connection_context():
                idle = not verification.any_due() and not profile_import.any_due()
                if idle or time.monotonic() > give_up:
                    return total
            time.sleep(HELD_BACK_WAIT_SECONDS)
        else:
            give_up = time.monotonic() + settings.claim_lease_seconds
        total += done
    return total


def run_until(stop: threading.Event, settings: Settings, *, extra_allow: str = "") -> int:
    """Verify due work until `stop` is set; when nothing is due, rest until new work is queued
    (app.services.wakeup) or `poll_seconds` pass (work from schedules and retries)."""
    total = 0
    while not stop.is_set():
        wakeup.begin_look()
        try:
            done = process_due(settings, extra_allow=extra_allow, stop=stop)
        except Exception:  # a lost database connection: wait and try again
            log.exception("claiming due credentials failed")
            done = 0
        total += done
        if not done and not stop.is_set():
            wakeup.rest(settings.poll_seconds)
    return total


def nightly(settings: Settings, now: datetime | None = None) -> int:
    """Enqueue every organisation whose nightly re-verification is due; returns credentials."""
    with db.connection_context():
        return operations.run_due_nightlies(settings.nightly_cron, now)


def watch_expiry(settings: Settings, now: datetime | None = None) -> int:
    """Warn about credentials that expire within the warning window."""
    warning = timedelta(days=settings.expiry_warning_days)
    with db.connection_context():
        return operations.record("expiry-watch", lambda: alerts.watch_expiry(now, warning), now=now)


def notify(settings: Settings, now: datetime | None = None) -> int:
    """Queue and send alert notifications on the channels switched on (none by default)."""
    if not webhooks.channels(settings):
        return 0
    with db.connection_context():
        webhooks.enqueue(settings, now)
        return webhooks.deliver_due(settings, now)
