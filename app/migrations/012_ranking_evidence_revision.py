"""Ranking caches change only when evidence does: a revision per organisation, bumped when a
credential's ranking evidence changes, and the revision and digest of each credential's evidence."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Add organization.evidence_revision, credential.evidence_revision and .evidence_sha256."""
    migrator.add_fields(
        migrator.orm["organization"], evidence_revision=pw.BigIntegerField(default=0)
    )
    migrator.add_fields(
        migrator.orm["credential"],
        evidence_revision=pw.BigIntegerField(default=0),
        evidence_sha256=pw.CharField(max_length=64, default=""),
    )
    migrator.sql(
        "CREATE INDEX IF NOT EXISTS credential_org_evidence_revision "
        "ON credential (organization_id, evidence_revision)"
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop them."""
    migrator.sql("DROP INDEX IF EXISTS credential_org_evidence_revision")
    migrator.remove_fields(migrator.orm["credential"], "evidence_revision", "evidence_sha256")
    migrator.remove_fields(migrator.orm["organization"], "evidence_revision")
