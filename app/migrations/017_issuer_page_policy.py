"""Whether an organisation counts issuers' certificate pages (Coursera, edX, ...) in rankings."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Add organization.count_issuer_pages, off: such pages earn nothing until an admin says so."""
    migrator.add_fields(
        migrator.orm["organization"], count_issuer_pages=pw.BooleanField(default=False)
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop it."""
    migrator.remove_fields(migrator.orm["organization"], "count_issuer_pages")
