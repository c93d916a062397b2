"""Job functions: claim due credentials, verify them concurrently, store the results."""

from __future__ import annotations

import logging
import os
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

from app.config import Settings
from app.db import db
from app.services import verification
from app.services.checking import build_fetcher
from app.verification.http import SafeFetcher

log = logging.getLogger(__name__)
BATCH = 32
CONCURRENCY = 8

_fetchers: dict[int, SafeFetcher] = {}
_fetchers_lock = threading.Lock()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def fetcher_for(settings: Settings, extra_allow: str = "") -> SafeFetcher:
    """One shared fetcher (and HTTP cache) per process and configuration."""
    key = hash((settings.allow_private_hosts, extra_allow, settings.ssl_cert_file))
    with _fetchers_lock:
        if key not in _fetchers:
            _fetchers[key] = build_fetcher(settings, extra_allow=extra_allow)
        return _fetchers[key]


def process_due(
    settings: Settings, *, extra_allow: str = "", batch: int = BATCH, concurrency: int = CONCURRENCY
) -> int:
    """Claim one batch of due credentials and verify them; returns how many were verified."""
    fetcher = fetcher_for(settings, extra_allow)
    name = worker_name()
    with db.connection_context():
        ids = verification.claim_due(name, batch)
    if not ids:
        return 0

    def run(credential_id: int) -> None:
        with db.connection_context():
            try:
                verification.verify_credential(credential_id, fetcher, worker=name)
            except Exception:  # one bad credential must not stop the batch
                log.exception("verification of credential %s failed", credential_id)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="verify") as pool:
        list(pool.map(run, ids))
    return len(ids)


def drain(settings: Settings, *, extra_allow: str = "", limit: int = 10_000) -> int:
    """Process batches until nothing is due (tests, CLI); returns how many were verified."""
    total = 0
    while total < limit:
        done = process_due(settings, extra_allow=extra_allow)
        if not done:
            return total
        total += done
    return total
