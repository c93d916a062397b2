"""Candidates, their credentials, verification runs and evidence."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Create the candidate, credential and verification tables."""

    @migrator.create_model
    class Candidate(pw.Model):
        id = pw.AutoField()
        organization = pw.ForeignKeyField(
            column_name="organization_id",
            field="id",
            model=migrator.orm["organization"],
            on_delete="CASCADE",
        )
        name = pw.CharField(max_length=200)
        notes = pw.TextField(default="")
        archived = pw.BooleanField(default=False, index=True)
        state = pw.CharField(default="none", index=True, max_length=16)
        created_by = pw.ForeignKeyField(
            column_name="created_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "candidate"

    @migrator.create_model
    class CandidateEmail(pw.Model):
        id = pw.AutoField()
        candidate = pw.ForeignKeyField(
            column_name="candidate_id",
            field="id",
            model=migrator.orm["candidate"],
            on_delete="CASCADE",
        )
        email = pw.CharField(index=True, max_length=320)

        class Meta:
            table_name = "candidate_email"
            indexes = [(("candidate", "email"), True)]

    @migrator.create_model
    class ImportBatch(pw.Model):
        id = pw.AutoField()
        organization = pw.ForeignKeyField(
            column_name="organization_id",
            field="id",
            model=migrator.orm["organization"],
            on_delete="CASCADE",
        )
        filename = pw.CharField(default="", max_length=255)
        created_by = pw.ForeignKeyField(
            column_name="created_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        created_at = pw.DateTimeField()
        candidates_created = pw.IntegerField(default=0)
        candidates_updated = pw.IntegerField(default=0)

        class Meta:
            table_name = "import_batch"

    @migrator.create_model
    class Credential(pw.Model):
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
        import_batch = pw.ForeignKeyField(
            column_name="import_batch_id",
            field="id",
            model=migrator.orm["import_batch"],
            null=True,
            on_delete="SET NULL",
        )
        dedupe_key = pw.CharField(max_length=300)
        source_url = pw.TextField(null=True)
        source_name = pw.CharField(max_length=255, null=True)
        source_sha256 = pw.CharField(max_length=64, null=True)
        source_data = pw.BlobField(null=True)
        status = pw.CharField(default="queued", index=True, max_length=16)
        verdict = pw.CharField(max_length=24, null=True)
        stale = pw.BooleanField(default=False)
        format = pw.CharField(default="", max_length=32)
        issuer_name = pw.CharField(default="", max_length=300)
        issuer_url = pw.TextField(default="")
        achievement_name = pw.CharField(default="", max_length=300)
        achievement_type = pw.CharField(default="", max_length=100)
        description = pw.TextField(default="")
        criteria = pw.TextField(default="")
        image_url = pw.TextField(default="")
        issued_on = pw.DateTimeField(null=True)
        expires = pw.DateTimeField(null=True)
        recipient = pw.CharField(default="skipped", max_length=16)
        recipient_detail = pw.TextField(default="")
        skills_json = pw.TextField(default="[]")
        last_checked_at = pw.DateTimeField(null=True)
        next_check_at = pw.DateTimeField(index=True)
        attempts = pw.IntegerField(default=0)
        queued_trigger = pw.CharField(default="user", max_length=16)
        queued_by = pw.ForeignKeyField(
            column_name="queued_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        claimed_by = pw.CharField(max_length=64, null=True)
        claimed_until = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "credential"
            indexes = [(("candidate", "dedupe_key"), True)]

    @migrator.create_model
    class CredentialImage(pw.Model):
        id = pw.AutoField()
        organization = pw.ForeignKeyField(
            column_name="organization_id",
            field="id",
            model=migrator.orm["organization"],
            on_delete="CASCADE",
        )
        credential = pw.ForeignKeyField(
            column_name="credential_id",
            field="id",
            model=migrator.orm["credential"],
            on_delete="CASCADE",
            unique=True,
        )
        content_type = pw.CharField(max_length=64)
        data = pw.BlobField()
        sha256 = pw.CharField(max_length=64)
        fetched_at = pw.DateTimeField()

        class Meta:
            table_name = "credential_image"

    @migrator.create_model
    class VerificationRun(pw.Model):
        id = pw.AutoField()
        organization = pw.ForeignKeyField(
            column_name="organization_id",
            field="id",
            model=migrator.orm["organization"],
            on_delete="CASCADE",
        )
        credential = pw.ForeignKeyField(
            column_name="credential_id",
            field="id",
            model=migrator.orm["credential"],
            on_delete="CASCADE",
        )
        trigger = pw.CharField(max_length=16)
        triggered_by = pw.ForeignKeyField(
            column_name="triggered_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        started_at = pw.DateTimeField()
        finished_at = pw.DateTimeField()
        verdict = pw.CharField(max_length=24)
        format = pw.CharField(default="", max_length=32)
        recipient = pw.CharField(default="skipped", max_length=16)
        elapsed_ms = pw.FloatField(default=0.0)
        result_json = pw.TextField()

        class Meta:
            table_name = "verification_run"

    @migrator.create_model
    class EvidenceDocument(pw.Model):
        id = pw.AutoField()
        organization = pw.ForeignKeyField(
            column_name="organization_id",
            field="id",
            model=migrator.orm["organization"],
            on_delete="CASCADE",
        )
        run = pw.ForeignKeyField(
            column_name="run_id",
            field="id",
            model=migrator.orm["verification_run"],
            on_delete="CASCADE",
        )
        url = pw.TextField()
        status = pw.IntegerField()
        sha256 = pw.CharField(max_length=64)
        content_type = pw.CharField(default="", max_length=128)
        body = pw.BlobField(null=True)

        class Meta:
            table_name = "evidence_document"


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop them again."""

    migrator.remove_model("evidence_document")

    migrator.remove_model("verification_run")

    migrator.remove_model("credential_image")

    migrator.remove_model("credential")

    migrator.remove_model("import_batch")

    migrator.remove_model("candidate_email")

    migrator.remove_model("candidate")
