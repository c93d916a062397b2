"""Profile links (a Credly profile, a Badgr collection) a candidate sent through an invite: the
badges the worker later finds on them count as the candidate's own submissions too.

Keyed by the profile's url_key rather than a foreign key to profile_import, which migration 016
creates after this one; a profile import is one per (candidate, url_key)."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Create invite_profile."""

    @migrator.create_model
    class InviteProfile(pw.Model):
        id = pw.AutoField()
        invite = pw.ForeignKeyField(
            column_name="invite_id",
            field="id",
            model=migrator.orm["candidate_invite"],
            on_delete="CASCADE",
        )
        url_key = pw.CharField(max_length=300)
        added_at = pw.DateTimeField()

        class Meta:
            table_name = "invite_profile"
            indexes = ((("invite", "url_key"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop it again."""
    migrator.remove_model("invite_profile")
