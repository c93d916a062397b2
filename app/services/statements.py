"""The statements a verification run issues for every credential, prepared once (see prepared)."""

from __future__ import annotations

import peewee

from app.db import db
from app.models import Credential, CredentialImage, EvidenceDocument, VerificationRun
from app.services import prepared

# Only what a run reads: a full 35-column row costs more to build than the query takes.
SOURCE_FIELDS = (
    Credential.id,
    Credential.organization,
    Credential.candidate,
    Credential.source_url,
    Credential.source_name,
    Credential.source_data,
)
STATE_FIELDS = (
    Credential.id,
    Credential.organization,
    Credential.candidate,
    Credential.status,
    Credential.verdict,
    Credential.stale,
    Credential.evidence_sha256,
    Credential.attempts,
    Credential.queued_trigger,
    Credential.queued_by,
    Credential.achievement_name,
    Credential.last_checked_at,
    Credential.created_at,
    Credential.claim_token,
)
_IMAGE_FIELDS = (CredentialImage.sha256,)
_DOCUMENT_FIELDS = ("organization", "run", "url", "status", "sha256", "content_type", "body")


def source_of(credential_id: int) -> Credential | None:
    """What a run verifies: the credential's source and owners."""
    found = prepared.select(Credential, SOURCE_FIELDS, "source", _source_query, id=credential_id)
    return found[0] if found else None


def state_of(credential_id: int) -> Credential | None:
    """The credential's current state, locked on PostgreSQL (SQLite's write lock covers it)."""
    found = prepared.select(Credential, STATE_FIELDS, "state", _state_query, id=credential_id)
    return found[0] if found else None


def image_digests(credential_id: int) -> list[str]:
    rows = prepared.select(
        CredentialImage, _IMAGE_FIELDS, "image-digests", _image_query, id=credential_id
    )
    return [row.sha256 for row in rows]


def update_credential(credential_id: int, fields: dict[str, object], claim: str | None) -> int:
    """Credential.update(**fields) on one row (only while `claim` holds it, if given); rows hit."""
    names, guarded = tuple(fields), claim is not None
    cursor = prepared.execute(
        ("update-credential", names, guarded),
        lambda: _update_query(names, guarded),
        **fields,
        id=credential_id,
        claim=claim,
    )
    return prepared.rows_affected(cursor)


def insert_run(fields: dict[str, object]) -> VerificationRun:
    """VerificationRun.create(**fields)."""
    names = tuple(fields)
    cursor = prepared.execute(("insert-run", names), lambda: _run_query(names), **fields)
    return VerificationRun(id=prepared.inserted_id(cursor), **fields)


def insert_documents(rows: list[dict[str, object]]) -> None:
    """EvidenceDocument.insert_many(rows), every row with all of _DOCUMENT_FIELDS."""
    count = len(rows)
    values = {f"{n}.{name}": value for n, row in enumerate(rows) for name, value in row.items()}
    prepared.execute(("insert-documents", count), lambda: _documents_query(count), **values)


def _source_query() -> peewee.ModelSelect:
    by_id = Credential.id == prepared.slot("id", Credential.id)
    return Credential.select(*SOURCE_FIELDS).where(by_id).limit(1)


def _state_query() -> peewee.ModelSelect:
    by_id = Credential.id == prepared.slot("id", Credential.id)
    query = Credential.select(*STATE_FIELDS).where(by_id).limit(1)
    if isinstance(db.obj, peewee.PostgresqlDatabase):
        query = query.for_update()
    return query


def _image_query() -> peewee.ModelSelect:
    of_credential = CredentialImage.credential == prepared.slot("id", CredentialImage.credential)
    return CredentialImage.select(*_IMAGE_FIELDS).where(of_credential)


def _update_query(names: tuple[str, ...], guarded: bool) -> peewee.ModelUpdate:
    fields = Credential._meta.fields
    where = Credential.id == prepared.slot("id", Credential.id)
    if guarded:  # the fence: only the claim that still holds the credential writes
        where &= Credential.claim_token == prepared.slot("claim", Credential.claim_token)
    values = {fields[name]: prepared.slot(name, fields[name]) for name in names}
    return Credential.update(values).where(where)


def _run_query(names: tuple[str, ...]) -> peewee.ModelInsert:
    fields = VerificationRun._meta.fields
    query = VerificationRun.insert(
        {fields[name]: prepared.slot(name, fields[name]) for name in names}
    )
    return query.returning(VerificationRun.id) if db.obj.returning_clause else query


def _documents_query(count: int) -> peewee.ModelInsert:
    fields = EvidenceDocument._meta.fields
    rows = [
        {fields[name]: prepared.slot(f"{n}.{name}", fields[name]) for name in _DOCUMENT_FIELDS}
        for n in range(count)
    ]
    return EvidenceDocument.insert_many(rows)
