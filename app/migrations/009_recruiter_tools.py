"""Notes on candidates, share links for evidence reports, and the assertion a credential holds."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Create candidate_note and share_link; add credential.assertion_id."""

    @migrator.create_model
    class CandidateNote(pw.Model):
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
        author = pw.ForeignKeyField(
            column_name="author_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        body = pw.TextField()
        created_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "candidate_note"

    @migrator.create_model
    class ShareLink(pw.Model):
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
            null=True,
            on_delete="CASCADE",
        )
        role = pw.ForeignKeyField(
            column_name="role_id",
            field="id",
            model=migrator.orm["role_profile"],
            null=True,
            on_delete="CASCADE",
        )
        nonce_hash = pw.CharField(max_length=64, unique=True)
        created_by = pw.ForeignKeyField(
            column_name="created_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        created_at = pw.DateTimeField()
        expires_at = pw.DateTimeField()
        revoked_at = pw.DateTimeField(null=True)
        opened = pw.IntegerField(default=0)
        last_opened_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "share_link"

    migrator.add_fields("credential", assertion_id=pw.CharField(max_length=500, null=True))
    migrator.add_index("credential", "organization", "assertion_id")
    migrator.add_index("credential", "organization", "dedupe_key")


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop them again."""
    migrator.drop_index("credential", "organization", "dedupe_key")
    migrator.drop_index("credential", "organization", "assertion_id")
    migrator.remove_fields("credential", "assertion_id")
    migrator.remove_model("share_link")
    migrator.remove_model("candidate_note")
