"""Fenced claims, the issuer host of each credential (a fair queue), API idempotency keys."""

from __future__ import annotations

from urllib.parse import urlsplit

import peewee as pw
from peewee_migrate import Migrator

BACKFILL_CHUNK = 1000


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Add credential.claim_token and credential.source_host, and the idempotency_key table."""
    credential = migrator.orm["credential"]
    migrator.add_fields(
        credential,
        claim_token=pw.CharField(max_length=32, null=True),
        source_host=pw.CharField(max_length=255, default=""),
    )
    migrator.sql("CREATE INDEX IF NOT EXISTS credential_source_host ON credential (source_host)")
    migrator.sql("CREATE INDEX IF NOT EXISTS credential_claim_token ON credential (claim_token)")
    migrator.run(_backfill_hosts, database)

    @migrator.create_model
    class IdempotencyKey(pw.Model):
        id = pw.AutoField()
        organization = pw.ForeignKeyField(
            column_name="organization_id",
            field="id",
            model=migrator.orm["organization"],
            on_delete="CASCADE",
        )
        token = pw.ForeignKeyField(
            column_name="token_id", field="id", model=migrator.orm["api_token"], on_delete="CASCADE"
        )
        key = pw.CharField(max_length=255)
        method = pw.CharField(max_length=8)
        path = pw.CharField(max_length=300)
        request_sha256 = pw.CharField(max_length=64)
        status = pw.IntegerField()
        body = pw.TextField()
        location = pw.TextField(default="")
        created_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "idempotency_key"
            indexes = ((("token", "key"), True),)


def _backfill_hosts(database: pw.Database) -> None:
    """The host of every linked credential, a thousand rows per statement batch."""
    last = 0
    while True:
        cursor = database.execute_sql(
            "SELECT id, source_url FROM credential WHERE id > %s AND source_url IS NOT NULL "
            "ORDER BY id LIMIT %s".replace("%s", database.param),
            (last, BACKFILL_CHUNK),
        )
        rows = cursor.fetchall()
        if not rows:
            return
        update = "UPDATE credential SET source_host = %s WHERE id = %s"
        for credential_id, url in rows:
            database.execute_sql(
                update.replace("%s", database.param), (host_of(url), credential_id)
            )
        last = rows[-1][0]


def host_of(url: str) -> str:
    """The lower-case host[:port] a link points at; '' for anything unparsable."""
    try:
        return (urlsplit(url).netloc.rpartition("@")[2] or "").lower()[:255]
    except ValueError:
        return ""


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop the table, the indexes and the columns."""
    migrator.remove_model("idempotency_key")
    migrator.sql("DROP INDEX IF EXISTS credential_claim_token")
    migrator.sql("DROP INDEX IF EXISTS credential_source_host")
    migrator.remove_fields("credential", "claim_token", "source_host")
