"""Indexes for fraud signals: when the organisation first saw an issuer, what it added this week."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Index credential (organization, created_at) and (organization, issuer_name, created_at)."""
    migrator.sql(
        "CREATE INDEX IF NOT EXISTS credential_org_created "
        "ON credential (organization_id, created_at)"
    )
    migrator.sql(
        "CREATE INDEX IF NOT EXISTS credential_org_issuer_name_created "
        "ON credential (organization_id, issuer_name, created_at)"
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop the indexes."""
    migrator.sql("DROP INDEX IF EXISTS credential_org_issuer_name_created")
    migrator.sql("DROP INDEX IF EXISTS credential_org_created")
