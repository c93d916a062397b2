"""An index for the candidate list: it filters by organisation and archive flag, sorts by name."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Index candidate (organization, archived, name)."""
    migrator.sql(
        "CREATE INDEX IF NOT EXISTS candidate_org_archived_name "
        "ON candidate (organization_id, archived, name)"
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop the index."""
    migrator.sql("DROP INDEX IF EXISTS candidate_org_archived_name")
