"""Benchmark: a full nightly re-verification of N credentials by one `skillproof jobs` worker.

    .venv/bin/python bench/sweep.py [-n 10000] [--latency 0.05] [--concurrency 32]
                                    [--database-url postgresql://...]

Publishes N valid hosted OB 2.0 badges on a LocalIssuer that waits `latency` seconds before
every response, stores them as credentials (SQLite file in a temporary folder unless
--database-url names a PostgreSQL database), and starts one worker process. The worker verifies
everything once (a cold cache), then, on the parent's signal, runs the nightly pass: every
credential due again, verified through the same in-process HTTP cache. Reported:

- the nightly pass's wall time against its concurrency bound, fetches x latency / concurrency,
  where fetches are the requests the issuer received during the pass (target: within 1.5x);
- the share of those requests answered 304 Not Modified (target: >= 90% of cacheable
  documents; every LocalIssuer document carries an ETag and Last-Modified);
- the worker's peak resident memory (target: <= 200 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_RATIO, TARGET_304, TARGET_MB = 1.5, 0.90, 200


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--batch", type=int, default=0, help="claim batch (default 4 x concurrency)"
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args)
    return _parent(args)


# -- parent: the issuer, the data, the report ------------------------------------------------


def _parent(args: argparse.Namespace) -> int:
    from tests.support.test_issuer import LocalIssuer

    with tempfile.TemporaryDirectory(prefix="skillproof-sweep-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'sweep.db'}"
        with LocalIssuer(latency=0.0) as issuer:
            started = time.perf_counter()
            _seed(url, issuer, args.n)
            print(f"seeded {args.n} credentials in {time.perf_counter() - started:.1f} s")
            issuer.latency = args.latency
            report = _drive(url, args, issuer)
    _print(report, args)
    return 0 if report["ok"] else 1


def _seed(url: str, issuer: object, count: int) -> None:
    from app import create_app, db
    from app.services import accounts, intake
    from app.services import candidates as candidate_service
    from tests.conftest import make_settings
    from tests.support.ob2_builders import DEFAULT_EMAIL

    create_app(make_settings(url))
    db.migrate()
    organization = accounts.create_organization("Sweep Hiring", "sweep", "Europe/Paris")
    for start in range(0, count, 10):
        candidate = candidate_service.create(organization, f"Candidate {start}", [DEFAULT_EMAIL])
        slugs = range(start, min(count, start + 10))
        intake.add_urls(candidate, [issuer.hosted(f"s{n}").url for n in slugs])  # type: ignore[attr-defined]
    db.db.close()


def _drive(url: str, args: argparse.Namespace, issuer: object) -> dict[str, object]:
    env = {
        **os.environ,
        "SKILLPROOF_ENV": "test",
        "DATABASE_URL": url,
        "SKILLPROOF_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        "SKILLPROOF_FETCH_TIMEOUT": "60",
    }
    command = [sys.executable, __file__, "--worker", "-n", str(args.n)]
    command += ["--concurrency", str(args.concurrency), "--batch", str(args.batch)]
    worker = subprocess.Popen(
        command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert worker.stdin is not None and worker.stdout is not None
    server = issuer.server  # type: ignore[attr-defined]
    first = json.loads(worker.stdout.readline())
    before = len(server.requests)
    worker.stdin.write("go\n")
    worker.stdin.flush()
    second = json.loads(worker.stdout.readline())
    fetches = len(server.requests) - before
    worker.wait(timeout=60)
    bound = fetches * args.latency / args.concurrency
    ratio = second["seconds"] / bound if bound else float("inf")
    share = second["revalidated_304"] / fetches if fetches else 0.0
    peak_mb = second["peak_rss_kb"] / 1024
    return {
        "first": first,
        "second": second,
        "fetches": fetches,
        "bound": bound,
        "ratio": ratio,
        "share_304": share,
        "peak_mb": peak_mb,
        "ok": ratio <= TARGET_RATIO and share >= TARGET_304 and peak_mb <= TARGET_MB,
    }


def _print(report: dict[str, object], args: argparse.Namespace) -> None:
    first, second = report["first"], report["second"]
    assert isinstance(first, dict) and isinstance(second, dict)
    print(
        f"first verification (cold cache): {first['verified']} credentials "
        f"in {first['seconds']:.1f} s"
    )
    print(
        f"nightly re-verification: {second['verified']} credentials in {second['seconds']:.1f} s; "
        f"{report['fetches']} fetches x {args.latency * 1000:.0f} ms / {args.concurrency} = "
        f"bound {report['bound']:.1f} s -> {report['ratio']:.2f}x (target <= {TARGET_RATIO}x)"
    )
    print(
        f"worker CPU on the nightly pass: {second['cpu_seconds']:.1f} s "
        f"({second['cpu_seconds'] / max(1, second['verified']) * 1000:.1f} ms per credential; "
        f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    print(
        f"304 Not Modified on the nightly pass: {second['revalidated_304']} of "
        f"{report['fetches']} requests = {report['share_304']:.1%} (target >= {TARGET_304:.0%})"
    )
    print(f"worker peak memory: {report['peak_mb']:.0f} MB (target <= {TARGET_MB} MB)")
    print("all targets met" if report["ok"] else "NOT all targets met")


# -- worker: one `skillproof jobs` process, driven pass by pass -------------------------------


def _worker(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from app.config import load_settings
    from app.db import bind, db
    from app.models import Organization
    from app.services import verification
    from jobs import worker

    settings = replace(
        load_settings(),
        worker_concurrency=args.concurrency,
        host_concurrency=args.concurrency,  # one issuer holds every badge; the bound uses all slots
        worker_batch=args.batch or 4 * args.concurrency,
    )
    bind(settings.database_url)
    cache = worker.fetcher_for(settings).cache
    print(json.dumps(_pass(settings, cache)), flush=True)
    sys.stdin.readline()
    with db.connection_context():
        organization = Organization.get(Organization.slug == "sweep")
        verification.enqueue_all(organization.id)
    print(json.dumps(_pass(settings, cache)), flush=True)
    return 0


def _pass(settings: object, cache: object) -> dict[str, object]:
    from jobs import worker

    before = cache.stats()  # type: ignore[attr-defined]
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    verified = worker.drain(settings, limit=10**9)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    after = cache.stats()  # type: ignore[attr-defined]
    return {
        "verified": verified,
        "seconds": seconds,
        "revalidated_304": after.revalidated_304 - before.revalidated_304,
        "misses": after.misses - before.misses,
        "hits": after.hits - before.hits,
        "cpu_seconds": _cpu_seconds() - cpu_before,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    sys.exit(main())
