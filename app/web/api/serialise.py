"""Rows as the API's JSON objects; one place, so every endpoint answers the same shape."""

from __future__ import annotations

import json
from typing import Any

from flask import url_for

from app.models import Candidate, Credential, ProfileImport, VerificationRun, utcnow
from app.services import candidates as candidate_service
from app.services import fraud, ownership, profile_import, verification
from app.services.candidates import MAX_NOTES
from app.verification.labels import assurance_label
from app.web.api.common import iso

LIST_TEXT_CHARS = MAX_NOTES  # the longest text a list embeds per field


def candidates(rows: list[Candidate], *, listing: bool = True) -> list[dict[str, Any]]:
    """Many candidates with their addresses, credentials, profile links and fraud signals in a
    fixed number of queries, not 2N+1.

    A list holds 100 candidates: every text in it is bounded, whatever older rows hold.
    """
    ids = [row.id for row in rows]
    emails = candidate_service.emails_by_candidate(ids)
    held = verification.credentials_by_candidate(ids)
    signals = fraud.by_candidate(rows[0].organization_id, utcnow(), ids) if rows else {}
    links = profile_import.by_candidate(ids)
    return [
        {
            **_candidate(row, emails[row.id], listing),
            "credentials": [credential_summary(c) for c in held[row.id]],
            "profiles": [profile(link) for link in links.get(row.id, [])],
            "url": url_for("api.show_candidate", candidate_id=row.id),
            "signals": [signal(s) for s in signals[row.id]],
        }
        for row in rows
    ]


def candidate(row: Candidate) -> dict[str, Any]:
    return candidates([row], listing=False)[0]


def _candidate(row: Candidate, emails: list[str], listing: bool) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "emails": emails,
        "notes": row.notes[:LIST_TEXT_CHARS] if listing else row.notes,
        "archived": bool(row.archived),
        "state": row.state,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def profile(row: ProfileImport) -> dict[str, Any]:
    """A profile link (Credly profile, Badgr collection) and how far reading it got."""
    return {
        "id": row.id,
        "url": _bounded(row.url),
        "provider": row.provider,
        "handle": row.handle,
        "status": row.status,
        "found": row.found,
        "added": row.added,
        "detail": row.detail,
    }


def signal(found: fraud.Signal) -> dict[str, Any]:
    """A fraud signal: what kind, how serious, the sentence, and the rows it is about."""
    return {
        "kind": found.kind.value,
        "severity": found.severity.value,
        "text": found.text,
        "credential_ids": [link.id for link in found.credentials],
        "other_candidate_ids": [link.id for link in found.others],
    }


def credential_summary(row: Credential) -> dict[str, Any]:
    """What a list shows: where it came from, how far verification got, the verdict."""
    return {
        "id": row.id,
        "candidate_id": row.candidate_id,
        "source_url": _bounded(row.source_url),
        "source_filename": row.source_name,
        "status": row.status,
        "verdict": row.verdict,
        "stale": bool(row.stale),
        "format": row.format,
        "assurance": assurance_label(
            row.format, row.verdict, row.subject_name, row.achievement_name
        ),
        "issuer": {"name": row.issuer_name, "url": _bounded(row.issuer_url)},
        "achievement": {"name": row.achievement_name, "type": row.achievement_type},
        "issued_on": iso(row.issued_on),
        "expires": iso(row.expires),
        "last_checked_at": iso(row.last_checked_at),
        "next_check_at": iso(row.next_check_at),
        "url": url_for("api.show_credential", credential_id=row.id),
    }


def _bounded(text: str | None) -> str | None:
    return text[:LIST_TEXT_CHARS] if text else text


def credential_detail(row: Credential) -> dict[str, Any]:
    """Everything: the verdict, the checks behind it, the evidence and the run history."""
    runs = verification.runs_of(row)
    latest = json.loads(runs[0].result_json) if runs else None
    return {
        **credential_summary(row),
        "recipient": row.recipient,
        "recipient_detail": row.recipient_detail,
        "belongs_to": belongs_to(row),
        "description": row.description,
        "criteria": row.criteria,
        "image_url": row.image_url,
        "skills": json.loads(row.skills_json or "[]"),
        "checks": latest["checks"] if latest else [],
        "result": latest,
        "runs": [run_summary(run) for run in runs],
    }


def belongs_to(row: Credential) -> dict[str, Any]:
    """How strongly the credential is its candidate's: proven, matched, mismatch, ..."""
    found = ownership.belonging_of([row])[row.id]
    return {"state": found.state.value, "detail": found.sentence, "proven_at": iso(found.proven_at)}


def run_summary(run: VerificationRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "trigger": run.trigger,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "verdict": run.verdict,
        "elapsed_ms": run.elapsed_ms,
    }
