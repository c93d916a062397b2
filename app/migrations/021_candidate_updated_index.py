"""Index candidates by organisation and last change: the newest change of an organisation's
candidates is read on every ranking poll and candidate list."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Index candidate (organization_id, updated_at): MAX(updated_at) of an organisation read
    every one of its candidates (3 ms of each ranking poll at 10,000 in bench/pages.py)."""
    migrator.sql(
        "CREATE INDEX IF NOT EXISTS candidate_org_updated"
        " ON candidate (organization_id, updated_at)"
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop the index."""
    migrator.sql("DROP INDEX IF EXISTS candidate_org_updated")
