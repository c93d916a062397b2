"""Benchmark: the ranking page while a nightly pass re-verifies every credential.

    .venv/bin/python bench/ranking_sweep.py [-n 10000] [--latency 0.05] [--concurrency 32]

Publishes N valid hosted badges on a LocalIssuer, stores them as the credentials of N/10
candidates of one organisation (SQLite file), adds a role, and starts one `bench/sweep.py`
worker process, which verifies everything once. Then, through the test client of this process,
the ranking page and a trivial page of the same app are requested in turn: first while nothing
runs, then while the worker's nightly pass re-verifies all N credentials (each response
`latency` late). Prints the medians, the ranking page against the trivial page in both phases
(goal: <= 5x during the pass, as when idle), and how often the ranking was computed during the
pass (a pass that changes no verdict or evidence should need no recomputation at all).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import EMAIL, PASSWORD, build_app, test_client  # noqa: E402

LIMIT = 5.0
SWEEP = ROOT / "bench" / "sweep.py"


def seed(count: int, issuer: object) -> int:
    """The organisation `sweep`, a recruiter, N/10 candidates with 10 badges each, a role."""
    from app.models import Role, Skill
    from app.services import candidates as candidate_service
    from app.services import intake
    from tests.support.builders import build_org, build_user
    from tests.support.ob2_builders import DEFAULT_EMAIL
    from tests.support.ranking_builders import build_role

    organization = build_org("Sweep Hiring", "sweep")
    build_user(organization, EMAIL, Role.RECRUITER, password=PASSWORD)
    for start in range(0, count, 10):
        candidate = candidate_service.create(organization, f"Candidate {start}", [DEFAULT_EMAIL])
        slugs = range(start, min(count, start + 10))
        intake.add_urls(candidate, [issuer.hosted(f"s{n}").url for n in slugs])  # type: ignore[attr-defined]
    skills = list(Skill.select().where(Skill.organization.is_null()).order_by(Skill.id).limit(5))
    return build_role(
        organization, "Robotics engineer", required=skills[:2], preferred=skills[2:]
    ).id


def start_worker(database_url: str, args: argparse.Namespace) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "SKILLPROOF_ENV": "test",
        "DATABASE_URL": database_url,
        "SKILLPROOF_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        "SKILLPROOF_FETCH_TIMEOUT": "60",
    }
    command = [sys.executable, str(SWEEP), "--worker", "-n", str(args.n)]
    command += ["--concurrency", str(args.concurrency)]
    return subprocess.Popen(
        command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def rounds(fetch: object, pages: dict[str, str], until: threading.Event | int) -> dict[str, list]:  # type: ignore[type-arg]
    """Request every page in turn: `until` rounds, or until the event is set."""
    times: dict[str, list[float]] = {name: [] for name in pages}
    done = 0
    while (done < until) if isinstance(until, int) else not until.is_set():
        for name, path in pages.items():
            started = time.perf_counter()
            status, _ = fetch(path)  # type: ignore[operator]
            times[name].append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
        done += 1
    return times


def main() -> int:
    from app.services import ranking as ranking_service
    from tests.support.test_issuer import LocalIssuer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--idle-rounds", type=int, default=100)
    args = parser.parse_args()
    computed: list[str] = []
    for name in ("compute", "update"):
        real = getattr(ranking_service, name)
        setattr(
            ranking_service,
            name,
            lambda *a, _real=real, _name=name, **k: computed.append(_name) or _real(*a, **k),
        )
    with tempfile.TemporaryDirectory() as folder, LocalIssuer(latency=0.0) as issuer:
        database = Path(folder) / "bench.db"
        app = build_app(database)
        with app.app_context():
            role_id = seed(args.n, issuer)
        worker = start_worker(f"sqlite:///{database}", args)
        assert worker.stdin is not None and worker.stdout is not None
        first = json.loads(worker.stdout.readline())
        print(f"{args.n:,} credentials verified once in {first['seconds']:.1f} s")
        pages = {"trivial page": "/bench/trivial", "ranking page": f"/roles/{role_id}"}
        with test_client(app) as fetch:
            fetch(pages["ranking page"])  # computed once, as any first visit
            idle = rounds(fetch, pages, args.idle_rounds)
            issuer.latency = args.latency
            computed.clear()
            finished = threading.Event()
            report: dict[str, object] = {}

            def wait_for_pass() -> None:
                report.update(json.loads(worker.stdout.readline()))  # type: ignore[union-attr]
                finished.set()

            threading.Thread(target=wait_for_pass, daemon=True).start()
            worker.stdin.write("go\n")
            worker.stdin.flush()
            busy = rounds(fetch, pages, finished)
        worker.wait(60)
    return print_report(idle, busy, report, computed, args)


def print_report(
    idle: dict[str, list[float]],
    busy: dict[str, list[float]],
    report: dict[str, object],
    computed: list[str],
    args: argparse.Namespace,
) -> int:
    def medians(times: dict[str, list[float]]) -> tuple[float, float]:
        return statistics.median(times["ranking page"]), statistics.median(times["trivial page"])

    print(
        f"nightly pass: {report.get('verified')} credentials in {report.get('seconds', 0):.1f} s"
        f" at {args.latency * 1000:.0f} ms per response"
    )
    for phase, times in (("idle", idle), ("during the pass", busy)):
        ranking, trivial = medians(times)
        print(
            f"  {phase:<16} ranking page {ranking * 1000:7.2f} ms, trivial page"
            f" {trivial * 1000:6.2f} ms: {ranking / trivial:5.2f}x"
            f" ({len(times['ranking page'])} requests each)"
        )
    ranking, trivial = medians(busy)
    ratio = ranking / trivial
    print(
        f"ranking page during the pass: {ratio:.2f}x the trivial page (goal <= {LIMIT:.0f}x):"
        f" {'ok' if ratio <= LIMIT else 'TOO SLOW'}; computed {computed.count('compute')} times,"
        f" updated {computed.count('update')} times during the pass"
    )
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
