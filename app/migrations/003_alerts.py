"""Alerts on verdict changes, their webhook and e-mail deliveries, and scheduler state."""

from __future__ import annotations

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Create the alert, alert_delivery and job_state tables."""

    @migrator.create_model
    class Alert(pw.Model):
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
        run = pw.ForeignKeyField(
            column_name="run_id",
            field="id",
            model=migrator.orm["verification_run"],
            null=True,
            on_delete="SET NULL",
        )
        kind = pw.CharField(max_length=16)
        key = pw.CharField(max_length=120)
        from_verdict = pw.CharField(max_length=24, null=True)
        to_verdict = pw.CharField(max_length=24, null=True)
        message = pw.TextField()
        created_at = pw.DateTimeField(index=True)
        acknowledged_at = pw.DateTimeField(index=True, null=True)
        acknowledged_by = pw.ForeignKeyField(
            column_name="acknowledged_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )

        class Meta:
            table_name = "alert"
            indexes = [(("credential", "key"), True)]

    @migrator.create_model
    class AlertDelivery(pw.Model):
        id = pw.AutoField()
        organization = pw.ForeignKeyField(
            column_name="organization_id",
            field="id",
            model=migrator.orm["organization"],
            on_delete="CASCADE",
        )
        alert = pw.ForeignKeyField(
            column_name="alert_id",
            field="id",
            model=migrator.orm["alert"],
            on_delete="CASCADE",
        )
        channel = pw.CharField(max_length=16)
        status = pw.CharField(default="pending", index=True, max_length=16)
        attempts = pw.IntegerField(default=0)
        next_attempt_at = pw.DateTimeField(index=True)
        claimed_until = pw.DateTimeField(null=True)
        last_status = pw.IntegerField(null=True)
        last_error = pw.TextField(default="")
        created_at = pw.DateTimeField()
        delivered_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "alert_delivery"
            indexes = [(("alert", "channel"), True)]

    @migrator.create_model
    class JobState(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=64, unique=True)
        last_started_at = pw.DateTimeField(null=True)
        last_finished_at = pw.DateTimeField(null=True)
        next_run_at = pw.DateTimeField(null=True)
        last_count = pw.IntegerField(default=0)
        last_error = pw.TextField(default="")

        class Meta:
            table_name = "job_state"


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop them again."""

    migrator.remove_model("job_state")

    migrator.remove_model("alert_delivery")

    migrator.remove_model("alert")
