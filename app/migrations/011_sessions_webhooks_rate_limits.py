"""Server-side sessions, per-organisation webhooks and shared rate-limit counters."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Create user_session, organization_webhook and rate_limit_counter."""

    @migrator.create_model
    class UserSession(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(
            column_name="user_id", field="id", model=migrator.orm["user"], on_delete="CASCADE"
        )
        token_hash = pw.CharField(max_length=64, unique=True)
        created_at = pw.DateTimeField()
        revoked_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "user_session"

    @migrator.create_model
    class OrganizationWebhook(pw.Model):
        id = pw.AutoField()
        organization = pw.ForeignKeyField(
            column_name="organization_id",
            field="id",
            model=migrator.orm["organization"],
            on_delete="CASCADE",
            unique=True,
        )
        url = pw.TextField()
        secret = pw.CharField(max_length=128)
        updated_by = pw.ForeignKeyField(
            column_name="updated_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "organization_webhook"

    @migrator.create_model
    class RateLimitCounter(pw.Model):
        key = pw.CharField(max_length=255, primary_key=True)
        hits = pw.IntegerField(default=0)
        expires_at = pw.DoubleField()

        class Meta:
            table_name = "rate_limit_counter"


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop them again."""
    migrator.remove_model("rate_limit_counter")
    migrator.remove_model("organization_webhook")
    migrator.remove_model("user_session")
