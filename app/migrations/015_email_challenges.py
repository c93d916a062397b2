"""Proven e-mail ownership: one-time codes a candidate asks for (only their hash is kept), and
how much the organisation counts a credential whose ownership the candidate did not prove."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Create email_challenge; add ranking_settings.unproven (1.0 keeps every score as it was)."""

    @migrator.create_model
    class EmailChallenge(pw.Model):
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
        address = pw.CharField(max_length=320, index=True)
        salt = pw.CharField(max_length=32)
        code_hash = pw.CharField(max_length=64)
        created_at = pw.DateTimeField(index=True)
        expires_at = pw.DateTimeField()
        attempts = pw.IntegerField(default=0)
        consumed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "email_challenge"
            indexes = ((("candidate", "address", "created_at"), False),)

    migrator.add_fields(migrator.orm["ranking_settings"], unproven=pw.FloatField(default=1.0))


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop them again."""
    migrator.remove_fields(migrator.orm["ranking_settings"], "unproven")
    migrator.remove_model("email_challenge")
