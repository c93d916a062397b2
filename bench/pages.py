"""Benchmark: the recruiter's pages stay fast with 10,000 candidates and 100,000 credentials.

    .venv/bin/python bench/pages.py [-n 200] [--candidates 10000] [--credentials 100000] [--http]

Fills a fresh SQLite database (one organisation; every candidate with an e-mail address and
verified, revoked, expired... credentials with skills), signs a recruiter in, then requests in
turn, `n` times each after a warm-up: a trivial page of the same app (the site layout around
one sentence, behind the same sign-in), the candidates list (first page, and a search), and a
candidate page with a typical number of credentials. Requests go through Flask's test client,
or with --http through a real threaded werkzeug server on 127.0.0.1 over one keep-alive
connection. Prints each page's median time and its ratio to the trivial page's median; exits 1
when the list or the candidate page takes more than LIMIT times the trivial page.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, Response, render_template_string
from flask_login import login_required

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.models import Candidate, CandidateEmail, Credential, Role  # noqa: E402

# The same layout as every page (navigation, unread alerts), with nothing of its own to compute.
TRIVIAL_PAGE = '{% extends "base.html" %}{% block content %}<h1>Trivial</h1>{% endblock %}'

LIMIT = 5.0
CHUNK = 500  # rows per INSERT: well under SQLite's limit on bound parameters
PASSWORD = "correct-horse-battery-staple"
EMAIL = "recruiter@acme.test"
VERDICTS = ["verified"] * 7 + ["revoked", "expired", "recipient_mismatch", "invalid"]
ISSUERS = ["Open University", "Credly Demo Issuer", "IBM SkillsBuild", "Local Test Issuer"]
BADGES = ["Robotics Fundamentals", "Python Programming", "Data Analysis", "Cloud Practitioner"]
SKILLS = json.dumps(
    [
        {"name": "Robot programming", "framework": "ESCO", "code": "S1.2.3", "url": ""},
        {"name": "Python", "framework": "", "code": "", "url": ""},
    ]
)
NOW = datetime.now(UTC)


def build_app(database: Path) -> Flask:
    """The app on a fresh migrated SQLite file, with a trivial page to compare against."""
    from app import create_app, db

    settings = Settings(
        env="test",
        secret_key="bench-secret-key-that-is-long-enough-0123456789",
        database_url=f"sqlite:///{database}",
        run_scheduler=False,
        login_rate_limit="100000 per minute",
    )
    app = create_app(settings)
    app.config["WTF_CSRF_ENABLED"] = False
    db.migrate()

    @login_required
    def trivial() -> Response:
        return Response(render_template_string(TRIVIAL_PAGE))

    app.add_url_rule("/bench/trivial", "bench_trivial", trivial)
    return app


def fill(candidates: int, credentials: int, seed: int = 7) -> int:
    """Insert the organisation, a recruiter and the rows; returns a typical candidate's id."""
    from app.db import write_transaction
    from tests.support.builders import build_org, build_user

    rng = random.Random(seed)
    org = build_org("Acme Hiring", "acme")
    build_user(org, EMAIL, Role.RECRUITER, password=PASSWORD)
    with write_transaction():
        for start in range(0, candidates, CHUNK):
            rows = [
                _candidate(org.id, n, rng) for n in range(start, min(candidates, start + CHUNK))
            ]
            Candidate.insert_many(rows).execute()
        ids = [c.id for c in Candidate.select(Candidate.id).order_by(Candidate.id)]
        for start in range(0, len(ids), CHUNK):
            emails = [
                {"candidate": cid, "email": f"person{cid}@example.com"}
                for cid in ids[start : start + CHUNK]
            ]
            CandidateEmail.insert_many(emails).execute()
        owners = [ids[n % len(ids)] for n in range(credentials)]
        for start in range(0, credentials, CHUNK):
            rows = [
                _credential(org.id, owners[n], n, rng)
                for n in range(start, min(credentials, start + CHUNK))
            ]
            Credential.insert_many(rows).execute()
    return ids[len(ids) // 2]


def _candidate(org_id: int, number: int, rng: random.Random) -> dict[str, object]:
    return {
        "organization": org_id,
        "name": f"{rng.choice(['Ada', 'Alan', 'Grace', 'Emmy', 'Kurt'])} Candidate {number:05d}",
        "state": rng.choice(["verified", "attention"]),
        "created_at": NOW - timedelta(minutes=number),
        "updated_at": NOW,
    }


def _credential(org_id: int, owner: int, number: int, rng: random.Random) -> dict[str, object]:
    issued = NOW - timedelta(days=rng.randrange(30, 1500))
    return {
        "organization": org_id,
        "candidate": owner,
        "dedupe_key": f"https://badges.example/assertions/{number}.json",
        "source_url": f"https://badges.example/assertions/{number}.json",
        "status": "done",
        "verdict": rng.choice(VERDICTS),
        "format": "ob2-hosted",
        "issuer_name": rng.choice(ISSUERS),
        "issuer_url": "https://badges.example",
        "achievement_name": rng.choice(BADGES),
        "achievement_type": "Badge",
        "description": "Builds and programs a small robot.",
        "issued_on": issued,
        "expires": issued + timedelta(days=1095) if number % 3 == 0 else None,
        "recipient": "matched",
        "skills_json": SKILLS,
        "last_checked_at": NOW,
        "next_check_at": NOW + timedelta(hours=24),
    }


Fetch = Callable[[str], tuple[int, bytes]]


@contextmanager
def test_client(app: Flask) -> Iterator[Fetch]:
    client = app.test_client()
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code in (200, 302, 303), response.status_code

    def fetch(path: str) -> tuple[int, bytes]:
        response = client.get(path)
        return response.status_code, response.data

    yield fetch


@contextmanager
def real_server(app: Flask) -> Iterator[Fetch]:
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port)
    body = f"email={EMAIL}&password={PASSWORD}"
    form = {"content-type": "application/x-www-form-urlencoded"}
    connection.request("POST", "/login", body=body, headers=form)
    login = connection.getresponse()
    login.read()
    cookie = "; ".join(c.split(";")[0] for c in login.headers.get_all("set-cookie") or [])

    def fetch(path: str) -> tuple[int, bytes]:
        connection.request("GET", path, headers={"cookie": cookie})
        response = connection.getresponse()
        return response.status, response.read()

    try:
        yield fetch
    finally:
        connection.close()
        server.shutdown()
        thread.join(timeout=5)


def measure(fetch: Fetch, pages: dict[str, str], n: int, warmup: int = 10) -> dict[str, float]:
    """Median seconds per page; pages are requested in turn so drift hits all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in pages}
    for round_number in range(warmup + n):
        for name, path in pages.items():
            started = time.perf_counter()
            status, body = fetch(path)
            elapsed = time.perf_counter() - started
            if status != 200 or b"Sign in" in body and b"Sign out" not in body:
                raise SystemExit(f"{path} answered {status}: not a signed-in page")
            if round_number >= warmup:
                times[name].append(elapsed)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="requests per page (default 200)")
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--credentials", type=int, default=100_000)
    parser.add_argument("--http", action="store_true", help="through a real server on 127.0.0.1")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp) / "bench.db")
        started = time.perf_counter()
        typical = fill(args.candidates, args.credentials)
        held = Credential.select().where(Credential.candidate == typical).count()
        print(
            f"filled {Candidate.select().count():,} candidates and "
            f"{Credential.select().count():,} credentials in {time.perf_counter() - started:.1f} s"
        )
        pages = {
            "trivial page": "/bench/trivial",
            "candidates list": "/candidates/",
            "candidates search": "/candidates/?q=grace&state=attention&sort=newest",
            f"candidate page ({held} credentials)": f"/candidates/{typical}",
        }
        transport = real_server if args.http else test_client
        with transport(app) as fetch:
            medians = measure(fetch, pages, args.n)
    return report(medians, args.n, "real server" if args.http else "test client")


def report(medians: dict[str, float], n: int, transport: str) -> int:
    base = medians["trivial page"]
    print(f"median of {n} requests each, through the {transport}:")
    failed = False
    for name, median in medians.items():
        ratio = median / base
        gated = name.startswith(("candidates list", "candidate page"))
        verdict = ("ok" if ratio <= LIMIT else "TOO SLOW") if gated else ""
        failed |= gated and ratio > LIMIT
        print(f"  {name:<34} {median * 1000:8.2f} ms  {ratio:5.2f}x  {verdict}")
    print(f"limit: the list and the candidate page within {LIMIT:.0f}x the trivial page")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
