"""Benchmark: fraud signals over an organisation with thousands of credentials.

    .venv/bin/python bench/fraud_signals.py [--candidates 2000] [--credentials 8000] [-n 20]

Fills a fresh SQLite database (one organisation, a trusted issuer, 40 issuers of which a few
imitate the trusted one and a few are new this week, names on a quarter of the credentials),
then times, `n` times each after a warm-up: the worklist's signal groups (the whole
organisation), one candidate's signals (the candidate page) and 100 candidates' signals (an API
list page). Prints the medians and the number of SQL statements each sends; exits 1 when the
worklist's signals take more than GOAL seconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.models import Candidate, Credential, IssuerTrust, Organization  # noqa: E402
from app.services import fraud  # noqa: E402
from tests.support.queries import recorded_queries  # noqa: E402

GOAL = 0.5
CHUNK = 500
NOW = datetime.now(UTC)
TRUSTED = ("https://aws.amazon.example/issuer", "Amazon Web Services")
LOOKALIKES = ["Amazоn Web Services", "Amazon Web Services, Inc.", "Amazon Web Service"]
NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson", "Edsger Dijkstra"]


def fill(candidates: int, credentials: int) -> Organization:
    from app import create_app, db

    folder = Path(tempfile.mkdtemp())
    settings = Settings(
        env="test",
        secret_key="bench-secret-key-that-is-long-enough-0123456789",
        database_url=f"sqlite:///{folder / 'bench.db'}",
        run_scheduler=False,
    )
    create_app(settings).app_context().push()
    db.migrate()
    org = Organization.create(name="Bench", slug="bench", time_zone="UTC")
    IssuerTrust.create(organization=org, issuer=TRUSTED[0], name=TRUSTED[1], tier="trusted")
    people = [
        {"organization": org.id, "name": f"{random.choice(NAMES)} {n}"} for n in range(candidates)
    ]
    for start in range(0, len(people), CHUNK):
        Candidate.insert_many(people[start : start + CHUNK]).execute()
    ids = [c.id for c in Candidate.select(Candidate.id)]
    rows = []
    for n in range(credentials):
        issuer = n % 40
        name = LOOKALIKES[issuer % 3] if issuer < 3 else f"Issuer {issuer}"
        added = NOW - timedelta(days=1 if 3 <= issuer < 6 else 30 + issuer)
        rows.append(
            {
                "organization": org.id,
                "candidate": random.choice(ids),
                "dedupe_key": f"url:https://issuer{issuer}.example/a/{n}",
                "status": "done",
                "verdict": "verified",
                "issuer_name": name,
                "issuer_url": f"https://issuer{issuer}.example/issuer",
                "achievement_name": f"Badge {n}",
                "subject_name": random.choice(NAMES) if n % 4 == 0 else "",
                "created_at": added,
            }
        )
    for start in range(0, len(rows), CHUNK):
        Credential.insert_many(rows[start : start + CHUNK]).execute()
    return org


def timed(n: int, work: Callable[[], object]) -> tuple[float, int]:
    work()
    with recorded_queries() as queries:
        work()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--credentials", type=int, default=8000)
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args()
    random.seed(15)
    org = fill(args.candidates, args.credentials)
    ids = [c.id for c in Candidate.select(Candidate.id).limit(100)]
    kinds = fraud.ISSUER_AND_NAME_KINDS
    found = fraud.signals(org.id, NOW, kinds=kinds)
    counts = ", ".join(f"{k}: {sum(s.kind is k for s in found)}" for k in kinds)
    print(
        f"{args.candidates} candidates, {args.credentials} credentials: "
        f"{len(found)} signals ({counts})"
    )
    cases = {
        "worklist (whole organisation)": lambda: fraud.signals(org.id, NOW, kinds=kinds),
        "candidate page (one candidate)": lambda: fraud.signals(
            org.id, NOW, among=ids[:1], kinds=kinds
        ),
        "API list (100 candidates, all kinds)": lambda: fraud.by_candidate(org.id, NOW, ids),
    }
    worst = 0.0
    for label, work in cases.items():
        median, queries = timed(args.n, work)
        print(f"  {label}: median {median * 1000:.1f} ms, {queries} SQL statements")
        if label.startswith("worklist"):
            worst = median
    print(f"  worklist signals {'ok' if worst <= GOAL else 'ABOVE GOAL'} (<= {GOAL} s)")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
