"""Public profile links (Credly profiles, Badgr collections) that the worker expands into badges."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Create profile_import."""

    @migrator.create_model
    class ProfileImport(pw.Model):
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
        url = pw.TextField()
        url_key = pw.CharField(max_length=300)
        provider = pw.CharField(max_length=64)
        handle = pw.CharField(max_length=100)
        status = pw.CharField(max_length=16, default="queued", index=True)
        detail = pw.TextField(default="")
        found = pw.IntegerField(default=0)
        added = pw.IntegerField(default=0)
        queued_by = pw.ForeignKeyField(
            column_name="queued_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        claimed_by = pw.CharField(max_length=64, null=True)
        claimed_until = pw.DateTimeField(null=True)
        claim_token = pw.CharField(max_length=32, null=True)
        created_at = pw.DateTimeField()
        finished_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "profile_import"
            indexes = ((("candidate", "url_key"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop it again."""
    migrator.remove_model("profile_import")
