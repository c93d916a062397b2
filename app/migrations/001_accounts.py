"""Organisations, users and the audit log."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator

from app.models import UTCDateTimeField


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Create the account tables."""

    @migrator.create_model
    class Organization(pw.Model):
        name = pw.CharField(max_length=200)
        slug = pw.CharField(max_length=64, unique=True)
        time_zone = pw.CharField(max_length=64, default="UTC")
        created_at = UTCDateTimeField()

        class Meta:
            table_name = "organization"

    @migrator.create_model
    class User(pw.Model):
        organization = pw.ForeignKeyField(Organization, on_delete="CASCADE")
        email = pw.CharField(max_length=320, unique=True)
        name = pw.CharField(max_length=200, default="")
        password_hash = pw.CharField(max_length=255)
        role = pw.CharField(max_length=16, default="recruiter")
        active = pw.BooleanField(default=True)
        last_login_at = UTCDateTimeField(null=True)
        created_at = UTCDateTimeField()

        class Meta:
            table_name = "user"

    @migrator.create_model
    class AuditEntry(pw.Model):
        organization = pw.ForeignKeyField(Organization, on_delete="CASCADE")
        actor = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
        action = pw.CharField(max_length=64)
        subject = pw.CharField(max_length=200, default="")
        detail = pw.TextField(default="")
        created_at = UTCDateTimeField(index=True)

        class Meta:
            table_name = "audit_entry"


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop the account tables."""
    migrator.remove_model("audit_entry")
    migrator.remove_model("user")
    migrator.remove_model("organization")
