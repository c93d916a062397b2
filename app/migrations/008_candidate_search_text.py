"""Accent- and case-insensitive candidate search on SQLite and PostgreSQL alike.

`candidate.search_text` holds the candidate's name and e-mail addresses folded (accents
dropped, case folded), so "garcia" finds "García" with a plain LIKE on either database.
"""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator

from app.services.search import fold

BACKFILL_CHUNK = 1000


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Add candidate.search_text and fill it for every existing candidate."""
    migrator.add_fields(migrator.orm["candidate"], search_text=pw.TextField(default=""))
    migrator.run(_backfill, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop candidate.search_text."""
    migrator.remove_fields(migrator.orm["candidate"], "search_text")


def _backfill(database: pw.Database) -> None:
    """Fold each candidate's name and addresses, a thousand candidates at a time."""
    param = database.param
    last = 0
    while True:
        rows = database.execute_sql(
            f"SELECT id, name FROM candidate WHERE id > {param} ORDER BY id LIMIT {param}",
            (last, BACKFILL_CHUNK),
        ).fetchall()
        if not rows:
            return
        ids = [row[0] for row in rows]
        emails: dict[int, list[str]] = {candidate_id: [] for candidate_id in ids}
        marks = ", ".join([param] * len(ids))
        for candidate_id, email in database.execute_sql(
            f"SELECT candidate_id, email FROM candidate_email WHERE candidate_id IN ({marks})", ids
        ).fetchall():
            emails[candidate_id].append(email)
        with database.atomic():
            for candidate_id, name in rows:
                database.execute_sql(
                    f"UPDATE candidate SET search_text = {param} WHERE id = {param}",
                    (fold(" ".join([name, *emails[candidate_id]])), candidate_id),
                )
        last = ids[-1]
