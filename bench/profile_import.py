"""Benchmark: reading a Credly profile link into credentials, and to every badge verified.

    .venv/bin/python bench/profile_import.py [--badges 500] [--per-page 50] [--trials 3]

A fresh SQLite database; a loopback HTTPS server answers as www.credly.com and api.credly.com
(tests/support/provider_hosts.py, a throwaway CA) with a profile of `badges` public badges,
`per-page` to a page, each a real OB 2.0 hosted assertion. Measures, as medians over the trials:
the worker reading every page and queueing one credential per badge (a first import, then an
import again that finds nothing new), and the worker's drain until every badge is verified.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SKILLPROOF_ALLOW_PRIVATE_HOSTS", "127.0.0.1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=500)
    parser.add_argument("--per-page", type=int, default=50)
    parser.add_argument("--trials", type=int, default=3)
    options = parser.parse_args()
    first, again, verified = [], [], []
    for trial in range(options.trials):
        times = _trial(options.badges, options.per_page, trial)
        first.append(times[0])
        again.append(times[1])
        verified.append(times[2])
    pages = -(-options.badges // options.per_page)
    print(f"profile of {options.badges} badges on {pages} pages, {options.trials} trials:")
    print(f"  read and queued (first import): {statistics.median(first):7.0f} ms")
    print(f"  read again, nothing new:        {statistics.median(again):7.0f} ms")
    print(f"  import to every badge verified: {statistics.median(verified):7.0f} ms")
    print(f"  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def _trial(badges: int, per_page: int, trial: int) -> tuple[float, float, float]:
    import pytest

    from app import create_app, db
    from app.models import Credential
    from app.services import candidates as candidate_service
    from app.services import intake, profile_import
    from jobs import worker
    from tests.conftest import make_settings
    from tests.support.builders import build_org
    from tests.support.credly import CREDLY_HOSTS, CredlyProfile
    from tests.support.ob2_builders import DEFAULT_EMAIL
    from tests.support.provider_hosts import ProviderHosts

    directory = Path(tempfile.mkdtemp(prefix="skillproof-bench-"))
    settings = make_settings(f"sqlite:///{directory / 'bench.db'}", allow_private_hosts="127.0.0.1")
    app = create_app(settings)
    with app.app_context(), ProviderHosts(directory, *CREDLY_HOSTS) as hosts:
        db.migrate()
        organization = build_org("Bench", f"bench-{trial}")
        candidate = candidate_service.create(organization, "Ada", [DEFAULT_EMAIL])
        profile = CredlyProfile("ada", badges=badges, per_page=per_page).serve(hosts)
        fetcher = hosts.fetcher()
        reads = []
        for _ in range(2):
            intake.add_links(candidate, [profile.url])
            claimed = profile_import.claim_next("bench")
            assert claimed is not None
            started = time.perf_counter()
            profile_import.expand(claimed, fetcher)
            reads.append((time.perf_counter() - started) * 1000)
        Credential.delete().execute()
        intake.add_links(candidate, [profile.url])
        with pytest.MonkeyPatch.context() as patch:
            hosts.install(patch)  # the worker's own fetcher reaches the loopback "Credly"
            started = time.perf_counter()
            worker.drain(settings)
            drained = (time.perf_counter() - started) * 1000
        done = Credential.select().where(Credential.verdict == "verified").count()
        verdicts = [c.verdict for c in Credential.select()]
        assert done == badges, f"{done} of {badges} verified: {set(verdicts)} {len(verdicts)}"
    return reads[0], reads[1], drained


if __name__ == "__main__":
    main()
