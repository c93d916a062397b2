"""Invite links: a personal, expiring link that lets one candidate add credentials without an
account (only the SHA-256 of its secret is stored), and which credentials came through one."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Create candidate_invite and invite_credential."""

    def foreign(column: str, table: str, **options: object) -> pw.ForeignKeyField:
        return pw.ForeignKeyField(
            column_name=column, field="id", model=migrator.orm[table], **options
        )

    @migrator.create_model
    class CandidateInvite(pw.Model):
        id = pw.AutoField()
        organization = foreign("organization_id", "organization", on_delete="CASCADE")
        candidate = foreign("candidate_id", "candidate", on_delete="CASCADE")
        token_hash = pw.CharField(max_length=64, unique=True)
        created_by = foreign("created_by_id", "user", null=True, on_delete="SET NULL")
        created_at = pw.DateTimeField()
        expires_at = pw.DateTimeField()
        revoked_at = pw.DateTimeField(null=True)
        sent_to = pw.CharField(max_length=320, default="")
        sent_at = pw.DateTimeField(null=True)
        opened_at = pw.DateTimeField(null=True)
        consented_at = pw.DateTimeField(null=True)
        consent_version = pw.CharField(max_length=32, default="")
        last_used_at = pw.DateTimeField(null=True)
        uses = pw.IntegerField(default=0)

        class Meta:
            table_name = "candidate_invite"
            indexes = ((("candidate", "created_at"), False),)

    @migrator.create_model
    class InviteCredential(pw.Model):
        id = pw.AutoField()
        invite = foreign("invite_id", "candidate_invite", on_delete="CASCADE")
        credential = foreign("credential_id", "credential", on_delete="CASCADE", unique=True)
        added_at = pw.DateTimeField()

        class Meta:
            table_name = "invite_credential"


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop them again."""
    migrator.remove_model("invite_credential")
    migrator.remove_model("candidate_invite")
