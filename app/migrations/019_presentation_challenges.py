"""Challenges for wallet presentations (VC API exchanges): single use, expiring, per candidate."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Create presentation_challenge."""

    @migrator.create_model
    class PresentationChallenge(pw.Model):
        id = pw.AutoField()
        organization = pw.ForeignKeyField(
            column_name="organization_id",
            field="id",
            model=migrator.orm["organization"],
            on_delete="CASCADE",
        )
        candidate = pw.ForeignKeyField(
            column_name="candidate_id",
            field="id",
            model=migrator.orm["candidate"],
            on_delete="CASCADE",
        )
        exchange_id = pw.CharField(max_length=64, unique=True)
        nonce = pw.CharField(max_length=64, unique=True)
        domain = pw.CharField(max_length=255)
        created_at = pw.DateTimeField()
        expires_at = pw.DateTimeField()
        used_at = pw.DateTimeField(null=True)
        holder = pw.TextField(default="")
        outcome = pw.TextField(default="")
        credentials_added = pw.IntegerField(default=0)

        class Meta:
            table_name = "presentation_challenge"


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop it again."""
    migrator.remove_model("presentation_challenge")
