"""A wallet challenge remembers the invite whose portal opened it: revoking the invite closes the
exchange too, and what a wallet presents is listed as added through that invite."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Add presentation_challenge.invite_id."""
    migrator.add_fields(
        "presentation_challenge",
        invite=pw.ForeignKeyField(
            column_name="invite_id",
            field="id",
            model=migrator.orm["candidate_invite"],
            null=True,
            on_delete="CASCADE",
        ),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop it again."""
    migrator.remove_fields("presentation_challenge", "invite")
