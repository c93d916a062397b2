"""Who a credential names (the matched address, the subject's DID and name) and the identities
a candidate proved to be theirs (an e-mail by a one-time code, a DID by a signed presentation)."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Add credential.recipient_identity, .subject_id, .subject_name; create proven_identity."""
    migrator.add_fields(
        "credential",
        recipient_identity=pw.CharField(max_length=320, default=""),
        subject_id=pw.TextField(default=""),
        subject_name=pw.CharField(max_length=200, default=""),
    )

    @migrator.create_model
    class ProvenIdentity(pw.Model):
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
        kind = pw.CharField(max_length=16)
        value = pw.CharField(max_length=2000)
        method = pw.CharField(max_length=64)
        detail = pw.TextField(default="")
        proven_at = pw.DateTimeField()

        class Meta:
            table_name = "proven_identity"
            indexes = ((("candidate", "kind", "value"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop them again."""
    migrator.remove_model("proven_identity")
    migrator.remove_fields("credential", "recipient_identity", "subject_id", "subject_name")
