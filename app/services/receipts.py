"""Verification receipts: what a run checked and every document it fetched, with their hashes.

One shape for the web download, the API and the history export, so they cannot drift apart.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from app.models import Credential, EvidenceDocument, VerificationRun
from app.services.verification import runs_of


def receipt(credential: Credential) -> dict[str, Any] | None:
    """The last run in full, or None before the first verification finished."""
    runs = list(runs_of(credential)[:1])
    if not runs:
        return None
    return {"credential_id": credential.id, **_runs(runs)[0]}


def history(credential: Credential) -> dict[str, Any]:
    """Every run of a credential, oldest first, each in the receipt's shape."""
    runs = sorted(runs_of(credential), key=lambda run: (run.started_at, run.id))
    return {
        "credential_id": credential.id,
        "source": credential.source_url or credential.source_name,
        "runs": _runs(runs),
    }


def _runs(runs: list[VerificationRun]) -> list[dict[str, Any]]:
    documents = _documents_by_run(run.id for run in runs)
    return [_run(run, documents[run.id]) for run in runs]


def _run(run: VerificationRun, documents: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "run_id": run.id,
        "trigger": run.trigger,
        "triggered_by": run.triggered_by_id,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat(),
        "verdict": run.verdict,
        "documents": documents,
        "result": json.loads(run.result_json),
    }


def _documents_by_run(run_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Every run's documents in one query (not their bodies), in the order they were fetched."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    fields = (EvidenceDocument.run, EvidenceDocument.url, EvidenceDocument.status)
    query = (
        EvidenceDocument.select(*fields, EvidenceDocument.sha256, EvidenceDocument.content_type)
        .where(EvidenceDocument.run.in_(list(run_ids)))
        .order_by(EvidenceDocument.id)
    )
    for document in query:
        found[document.run_id].append(
            {
                "url": document.url,
                "status": document.status,
                "sha256": document.sha256,
                "content_type": document.content_type,
            }
        )
    return found
