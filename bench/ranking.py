"""Benchmark: a role of 15 skills ranked over 10,000 candidates with 100,000 credentials.

    .venv/bin/python bench/ranking.py [-n 100] [--candidates 10000] [--credentials 100000]

Fills a fresh SQLite database through bench/pages.py's app (one organisation, a recruiter, and
credentials whose alignments name 15 ESCO skills by URI, by name or by alias, plus labels the
taxonomy lacks), creates a role asking for those 15 skills, then:

- computes the ranking once from cold (every credential loaded, mapped to skills and scored)
  under cProfile, and reports the share of that time spent inside app/ranking;
- requests in turn, `n` times each after a warm-up, a trivial page of the same app, the ranking
  page, the ranking filtered to candidates meeting every requirement, and one explanation.

The ranking is recomputed only when the organisation's data changes (a verification finishes,
a credential arrives, a role or trust tier is edited), so page requests measure the warm path.
Exits 1 when the ranking page takes more than LIMIT times the trivial page.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import EMAIL, PASSWORD, build_app, measure, test_client  # noqa: E402

LIMIT = 5.0
CHUNK = 500
ESCO = "http://data.europa.eu/esco/skill/"
VERDICTS = ["verified"] * 7 + ["revoked", "expired", "recipient_mismatch", None]
ISSUERS = [("Open University", "https://open.example"), ("IBM SkillsBuild", "https://ibm.example")]


def fill(candidates: int, credentials: int, seed: int = 11) -> tuple[int, int]:
    """The organisation, a recruiter, candidates, credentials and a 15-skill role."""
    from datetime import UTC, datetime, timedelta

    from app.db import write_transaction
    from app.models import Candidate, Credential, Role, Skill
    from app.ranking import Importance, Tier
    from app.services import roles as role_service
    from app.services.roles import RequirementInput
    from tests.support.builders import build_org, build_user

    rng = random.Random(seed)
    org = build_org("Acme Hiring", "acme")
    build_user(org, EMAIL, Role.RECRUITER, password=PASSWORD)
    skills = list(Skill.select().where(Skill.organization.is_null()).order_by(Skill.id).limit(15))
    labels = _label_sets(skills, rng)
    now = datetime.now(UTC)
    with write_transaction():
        for start in range(0, candidates, CHUNK):
            Candidate.insert_many(
                [
                    {
                        "organization": org.id,
                        "name": f"Candidate {n:05d}",
                        "state": "verified",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(start, min(candidates, start + CHUNK))
                ]
            ).execute()
        ids = [c.id for c in Candidate.select(Candidate.id).order_by(Candidate.id)]
        for start in range(0, credentials, CHUNK):
            rows = []
            for n in range(start, min(credentials, start + CHUNK)):
                issuer, url = rng.choice(ISSUERS)
                verdict = rng.choice(VERDICTS)
                rows.append(
                    {
                        "organization": org.id,
                        "candidate": ids[n % len(ids)],
                        "dedupe_key": f"https://badges.example/{n}.json",
                        "status": "done" if verdict else "queued",
                        "verdict": verdict,
                        "stale": n % 50 == 0,
                        "issuer_name": issuer,
                        "issuer_url": url,
                        "achievement_name": f"Course {n % 40}",
                        "issued_on": now - timedelta(days=rng.randrange(30, 2000)),
                        "skills_json": rng.choice(labels),
                        "next_check_at": now + timedelta(days=1),
                        "created_at": now,
                    }
                )
            Credential.insert_many(rows).execute()
    role = role_service.create(org, None, "Cloud data engineer")
    for n, skill in enumerate(skills):
        importance = Importance.REQUIRED if n < 3 else Importance.PREFERRED
        wanted = RequirementInput(
            skill, importance, 1 + n % 5, recency_months=36 if n % 4 == 0 else None
        )
        role_service.set_requirement(role, None, wanted)
    role_service.set_tier(org, None, "https://open.example", "Open University", Tier.TRUSTED)
    return role.id, ids[len(ids) // 2]


def _label_sets(skills: list, rng: random.Random) -> list[str]:  # type: ignore[type-arg]
    """Thirty kinds of badge: two or three alignments each, named the ways credentials do."""

    def label(skill) -> dict[str, str]:  # type: ignore[no-untyped-def]
        way = rng.randrange(3)
        if way == 0:
            return {"name": skill.name, "framework": "ESCO", "code": "", "url": skill.uri}
        aliases = skill.aliases
        name = rng.choice(aliases) if way == 1 and aliases else skill.name.upper()
        return {"name": name, "framework": "", "code": "", "url": ""}

    sets = []
    for n in range(30):
        chosen = [label(s) for s in rng.sample(skills, rng.randrange(2, 4))]
        if n % 10 == 0:
            chosen.append({"name": f"Vendor skill {n}", "framework": "", "code": "", "url": ""})
        sets.append(json.dumps(chosen))
    return sets


def profile_cold(role_id: int) -> tuple[float, float]:
    """Seconds for one cold computation, and the share of it spent inside app/ranking."""
    from datetime import UTC, datetime

    from app.models import RoleProfile
    from app.services import ranking as ranking_service

    role = RoleProfile.get_by_id(role_id)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    ranking_service.compute(
        role, ranking_service.data_state(role.organization_id), datetime.now(UTC)
    )
    profiler.disable()
    elapsed = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    inside = sum(
        row[2]
        for (filename, _, _), row in stats.stats.items()  # type: ignore[attr-defined]
        if "/app/ranking/" in filename
    )
    return elapsed, inside / total if total else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="requests per page (default 100)")
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--credentials", type=int, default=100_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp) / "bench.db")
        started = time.perf_counter()
        role_id, typical = fill(args.candidates, args.credentials)
        print(
            f"filled {args.candidates:,} candidates, {args.credentials:,} credentials "
            f"and a 15-skill role in {time.perf_counter() - started:.1f} s"
        )
        with app.app_context():
            cold, share = profile_cold(role_id)
        pages = {
            "trivial page": "/bench/trivial",
            "ranking page": f"/roles/{role_id}",
            "ranking, meets all required": f"/roles/{role_id}?meets=1&min=20",
            "explanation": f"/roles/{role_id}/candidates/{typical}",
        }
        with test_client(app) as fetch:
            first = time.perf_counter()
            fetch(pages["ranking page"])
            print(f"first ranking page (computes and caches): {time.perf_counter() - first:.2f} s")
            medians = measure(fetch, pages, args.n)
    print(f"cold computation: {cold:.2f} s, {share:.0%} of it inside app/ranking (cProfile)")
    return report(medians, args.n)


def report(medians: dict[str, float], n: int) -> int:
    base = medians["trivial page"]
    print(f"median of {n} requests each, through the test client:")
    for name, median in medians.items():
        print(f"  {name:<30} {median * 1000:8.2f} ms  {median / base:5.2f}x")
    ratio = medians["ranking page"] / base
    print(
        f"ranking page / trivial page: {ratio:.2f}x (limit {LIMIT:.0f}x): "
        + ("ok" if ratio <= LIMIT else "TOO SLOW")
    )
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
