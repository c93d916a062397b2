"""Benchmark: one tenant's 20,000-link bulk import must not slow another tenant down.

    .venv/bin/python bench/tenants.py [--recruiters 20] [--seconds 40] [--links 20000]
                                      [--database-url postgresql://...]

Everything runs on loopback and is bounded in time. On PostgreSQL (a throwaway cluster unless
--database-url names a server), two web processes serve the app (as two gunicorn workers
would, scheduler off) and one `skillproof jobs` worker verifies. The "steady" organisation has
100 candidates with verified badges from one loopback issuer; `--recruiters` recruiters of it
sign in and, each in its own thread, open the candidate list, open a candidate, poll its
credentials every second (live polling) and now and then press "Verify again" on a credential,
timing how long until its new verdict is stored (a check). The "bulk" organisation's recruiter
imports `--links` links (pointing at a second, slow issuer: 200 ms a response) through the
other web process, as CSV files of one import's worth each (5,000 links), one after another,
and the worker starts verifying them.

Phase 1 measures the steady tenant alone for `--seconds`; phase 2 the same while the import
runs (at least `--seconds`). Reported: errors (any answer but 2xx/3xx, or a failed request,
for every tenant: must be 0), and the p95 latency of the steady tenant's pages and checks in
both phases, with their ratio (goal: within 2x).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 2.0
STEADY_CANDIDATES = 100
BADGES_PER_CANDIDATE = 3
POLL_SECONDS = 1.0
CHECK_EVERY = 1  # a recruiter presses "Verify again" on every visit
CHECK_TIMEOUT = 60.0
HARD_LIMIT_SECONDS = 600  # the whole phase 2, import included, never runs longer
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct-horse-battery-staple"


@dataclass
class Samples:
    """What the steady tenant saw in one phase."""

    pages: list[float] = field(default_factory=list)
    checks: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            (self.pages if kind == "page" else self.checks).append(seconds)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recruiters", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--links", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="skillproof-tenants-") as folder,
        _postgres(args.database_url, Path(folder)) as url,
    ):
        return _run(args, url, Path(folder))


@contextmanager
def _postgres(given: str, folder: Path) -> Iterator[str]:
    """The database: the URL given, or a fresh database on a throwaway local cluster."""
    import psycopg

    from tests.support import pgcluster

    if given:
        yield given
        return
    if not pgcluster.available():
        sys.exit("PostgreSQL is not installed here: pass --database-url postgresql://...")
    cluster = Path(tempfile.mkdtemp(prefix="skillproof-tenants-pg-"))
    try:
        server = pgcluster.start(cluster)
        name = f"tenants_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        pgcluster.stop(cluster)
        shutil.rmtree(cluster, ignore_errors=True)


def _run(args: argparse.Namespace, url: str, folder: Path) -> int:
    from tests.support.test_issuer import LocalIssuer

    with LocalIssuer(latency=0.02) as steady_issuer, LocalIssuer(latency=0.2) as slow_issuer:
        started = time.perf_counter()
        steady = _seed(url, steady_issuer)
        seconds = time.perf_counter() - started
        print(f"seeded and verified {len(steady)} credentials in {seconds:.1f} s")
        env = _environment(url, folder)
        ports = _free_port(), _free_port()
        processes = [_serve(port, env) for port in ports]
        processes.append(_process([sys.executable, "-m", "app.cli", "jobs"], env))
        try:
            for port in ports:
                _wait_for_port(port)
            # Signed in and warmed up before anything is measured: sign-in hashes are slow on
            # purpose, and a process's first pages fill its caches.
            warmup = Samples()
            sessions = [
                _signed_in(ports[0], "recruiter@steady.test", warmup)
                for _ in range(args.recruiters)
            ]
            for client, _token in sessions:
                _timed(client, warmup, "GET", "/candidates/")
            if warmup.errors:
                sys.exit(f"warm-up failed: {warmup.errors[:3]}")
            baseline = _phase(args, sessions, steady, url, bulk=None)
            files = _bulk_files(slow_issuer.base, args.links)
            loaded = _phase(args, sessions, steady, url, bulk=(ports[1], files))
            for client, _token in sessions:
                client.close()
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
    return _report(args, baseline, loaded)


def _seed(url: str, issuer: object) -> list[int]:
    """Two organisations with a recruiter each; the steady one's badges verified once."""
    from app import create_app, db
    from app.models import Credential, Role
    from app.services import accounts, intake
    from app.services import candidates as candidate_service
    from jobs import worker
    from tests.conftest import make_settings
    from tests.support.builders import build_user
    from tests.support.ob2_builders import DEFAULT_EMAIL

    settings = make_settings(url, allow_private_hosts="127.0.0.1", host_concurrency=32)
    create_app(settings)
    db.migrate()
    steady = accounts.create_organization("Steady Hiring", "steady", "Europe/Paris")
    bulk = accounts.create_organization("Bulk Hiring", "bulk", "Europe/Paris")
    build_user(steady, "recruiter@steady.test", Role.RECRUITER)
    build_user(bulk, "recruiter@bulk.test", Role.RECRUITER)
    for number in range(STEADY_CANDIDATES):
        candidate = candidate_service.create(steady, f"Candidate {number:03}", [DEFAULT_EMAIL])
        slugs = [f"c{number}-{k}" for k in range(BADGES_PER_CANDIDATE)]
        intake.add_urls(candidate, [issuer.hosted(slug).url for slug in slugs])  # type: ignore[attr-defined]
    worker.drain(settings)
    ids = [row.id for row in Credential.select(Credential.id).order_by(Credential.id)]
    db.db.close()
    return ids


def _environment(url: str, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SKILLPROOF_ENV": "test",
        "SKILLPROOF_SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": url,
        "SKILLPROOF_INSTANCE_DIR": str(folder),
        "SKILLPROOF_RUN_SCHEDULER": "false",
        "SKILLPROOF_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        "SKILLPROOF_LOGIN_RATE_LIMIT": "10000 per minute",
    }


def _serve(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return _process([sys.executable, "-m", "app.cli", "serve", "--port", str(port)], env)


def _process(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    sys.exit(f"the web process on port {port} did not start")


def _bulk_files(base: str, links: int) -> list[str]:
    """`links` links on the slow issuer (they answer 404 after 200 ms), four a candidate, in
    CSV files of at most one import's worth of links each."""
    from app.services import intake

    per_row = 4
    rows = [
        f"Bulk {row},bulk{row}@example.com,"
        + " ".join(f"{base}/bulk/{row}/{k}" for k in range(per_row) if row * per_row + k < links)
        for row in range(-(-links // per_row))
    ]
    per_file = intake.MAX_CSV_LINKS // per_row
    return [
        "\n".join(["name,email,links", *rows[start : start + per_file]])
        for start in range(0, len(rows), per_file)
    ]


def _phase(
    args: argparse.Namespace,
    sessions: list[tuple[Any, str]],
    credentials: list[int],
    url: str,
    *,
    bulk: tuple[int, list[str]] | None,
) -> Samples:
    """The steady recruiters for `--seconds` (and, with `bulk`, until the import is done)."""
    samples = Samples()
    stop = threading.Event()
    recruiters = [
        threading.Thread(target=_recruiter, args=(n, session, credentials, url, samples, stop))
        for n, session in enumerate(sessions)
    ]
    for thread in recruiters:
        thread.start()
    started = time.monotonic()
    if bulk is not None:
        importing = threading.Thread(target=_import, args=(*bulk, samples))
        importing.start()
        importing.join(HARD_LIMIT_SECONDS)
        print(f"bulk import of {args.links} links took {time.monotonic() - started:.1f} s")
    time.sleep(max(0.0, args.seconds - (time.monotonic() - started)))
    stop.set()
    for thread in recruiters:
        thread.join(CHECK_TIMEOUT + 30)
    return samples


def _signed_in(port: int, email: str, samples: Samples):  # type: ignore[no-untyped-def]
    import httpx

    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300)
    form = client.get("/login")
    token = CSRF.search(form.text)
    data = {"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    answer = client.post("/login", data=data)
    if answer.status_code != 302:
        samples.error(f"sign-in {email}: {answer.status_code}")
    page = client.get("/candidates/")
    found = re.search(r'"X-CSRFToken": "([^"]+)"', page.text)
    return client, found.group(1) if found else ""


def _recruiter(
    number: int,
    session: tuple[Any, str],
    credentials: list[int],
    url: str,
    samples: Samples,
    stop: threading.Event,
) -> None:
    import psycopg

    client, token = session
    database = psycopg.connect(url, autocommit=True)
    visit = 0
    try:
        while not stop.is_set():
            candidate_page = _timed(client, samples, "GET", "/candidates/")
            ids = re.findall(r'href="/candidates/(\d+)"', candidate_page or "")
            if not ids:
                samples.error("the candidate list shows no candidates")
                return
            candidate = ids[(number + visit) % len(ids)]
            page = _timed(client, samples, "GET", f"/candidates/{candidate}")
            for _ in range(2):  # live polling while the page is open
                if stop.wait(POLL_SECONDS):
                    return
                _timed(client, samples, "GET", f"/candidates/{candidate}/progress")
            visit += 1
            if visit % CHECK_EVERY == 0 and page:
                chosen = credentials[(number * 7 + visit) % len(credentials)]
                _check(client, token, database, chosen, samples)
    finally:
        database.close()


def _timed(client, samples: Samples, method: str, path: str, **kwargs) -> str | None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        answer = client.request(method, path, **kwargs)
    except Exception as error:  # noqa: BLE001 - every failure is counted and reported
        samples.error(f"{method} {path}: {error!r}")
        return None
    samples.add("page", time.perf_counter() - started)
    if os.environ.get("BENCH_DEBUG"):
        print(f"{path} {answer.status_code} {(time.perf_counter() - started) * 1000:.0f} ms")
    if answer.status_code >= 400:
        samples.error(f"{method} {path}: {answer.status_code}")
        return None
    return str(answer.text)


def _check(client, token: str, database, credential_id: int, samples: Samples) -> None:  # type: ignore[no-untyped-def]
    """Press "Verify again" and time it until the new run is stored."""
    before = database.execute(
        "SELECT COUNT(*) FROM verification_run WHERE credential_id = %s", (credential_id,)
    ).fetchone()[0]
    started = time.perf_counter()
    answer = client.post(f"/credentials/{credential_id}/verify", headers={"X-CSRFToken": token})
    if answer.status_code >= 400:
        samples.error(f"verify again {credential_id}: {answer.status_code}")
        return
    while time.perf_counter() - started < CHECK_TIMEOUT:
        runs = database.execute(
            "SELECT COUNT(*) FROM verification_run WHERE credential_id = %s", (credential_id,)
        ).fetchone()[0]
        if runs > before:
            samples.add("check", time.perf_counter() - started)
            return
        time.sleep(0.05)
    samples.error(f"verify again {credential_id}: no verdict within {CHECK_TIMEOUT:.0f} s")


def _import(port: int, files: list[str], samples: Samples) -> None:
    """The bulk tenant imports its files one after another, as the import page asks."""
    client, _token = _signed_in(port, "recruiter@bulk.test", samples)
    for number, csv in enumerate(files):
        started = time.perf_counter()
        try:
            form = client.get("/imports/new")
            token = CSRF.search(form.text)
            data = {"csv_text": csv, "filename": f"bulk-{number}.csv"}
            answer = client.post(
                "/imports/", data={**data, "csrf_token": token.group(1) if token else ""}
            )
        except Exception as error:  # noqa: BLE001 - every failure is counted and reported
            samples.error(f"bulk import file {number}: {error!r}")
            continue
        if answer.status_code not in (302, 303):
            samples.error(f"bulk import file {number}: {answer.status_code} {answer.text[:200]}")
        print(f"  bulk file {number}: {time.perf_counter() - started:.1f} s")
    client.close()


def _p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _report(args: argparse.Namespace, baseline: Samples, loaded: Samples) -> int:
    errors = baseline.errors + loaded.errors
    rows = []
    ok = not errors
    for name, before, during in (
        ("pages", baseline.pages, loaded.pages),
        ("checks", baseline.checks, loaded.checks),
    ):
        ratio = _p95(during) / _p95(before) if before and during else float("nan")
        ok = ok and ratio <= TARGET_RATIO
        rows.append(
            f"{name:7} p95 alone {_p95(before) * 1000:8.1f} ms ({len(before)} samples)   "
            f"during the bulk import {_p95(during) * 1000:8.1f} ms ({len(during)} samples)   "
            f"ratio {ratio:.2f}x (goal <= {TARGET_RATIO:.0f}x)"
        )
    print(
        f"{args.recruiters} recruiters of the steady tenant, live polling; bulk tenant: "
        f"{args.links} links imported by CSV, on PostgreSQL"
    )
    print("\n".join(rows))
    print(f"errors: {len(errors)} (must be 0)")
    for error in errors[:10]:
        print(f"  {error}")
    print("OK" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
