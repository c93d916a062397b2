"""CSV exports: the candidate list with every credential, in a fixed number of queries."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime

from app.models import Candidate, CandidateEmail, Credential, Organization

CANDIDATE_HEADER = [
    "candidate",
    "emails",
    "state",
    "credential",
    "issuer",
    "verdict",
    "stale",
    "issued_on",
    "expires",
    "last_checked",
    "source",
]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Spreadsheet programs run cells that start with = + - @ as formulas; neutralise them."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def candidates_csv(organization: Organization | int, only: list[int] | None = None) -> str:
    """Every candidate (or `only` these) with their credentials and verdicts, one row each."""
    emails = _emails_by_candidate(organization)
    credentials = _credentials_by_candidate(organization)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CANDIDATE_HEADER)
    chosen = Candidate.of(organization)
    if only is not None:
        chosen = chosen.where(Candidate.id.in_(only))
    for candidate in chosen.order_by(Candidate.name, Candidate.id):
        person = [safe_cell(candidate.name), safe_cell(emails[candidate.id]), candidate.state]
        rows = [_credential_cells(c) for c in credentials[candidate.id]] or [[""] * 8]
        writer.writerows(person + row for row in rows)
    return buffer.getvalue()


def _emails_by_candidate(organization: Organization | int) -> dict[int, str]:
    found: dict[int, list[str]] = defaultdict(list)
    query = (
        CandidateEmail.select(CandidateEmail.candidate, CandidateEmail.email)
        .join(Candidate)
        .where(Candidate.organization == organization)
        .order_by(CandidateEmail.id)
    )
    for row in query:
        found[row.candidate_id].append(row.email)
    return defaultdict(str, {candidate: " ".join(list_) for candidate, list_ in found.items()})


def _credentials_by_candidate(organization: Organization | int) -> dict[int, list[Credential]]:
    found: dict[int, list[Credential]] = defaultdict(list)
    columns = (
        Credential.candidate,
        Credential.achievement_name,
        Credential.issuer_name,
        Credential.verdict,
        Credential.status,
        Credential.stale,
        Credential.issued_on,
        Credential.expires,
        Credential.last_checked_at,
        Credential.source_url,
        Credential.source_name,
    )
    query = Credential.select(*columns).where(Credential.organization == organization)
    for credential in query.order_by(Credential.id):
        found[credential.candidate_id].append(credential)
    return found


def _credential_cells(credential: Credential) -> list[str]:
    return [
        safe_cell(credential.achievement_name),
        safe_cell(credential.issuer_name),
        credential.verdict or credential.status,
        "yes" if credential.stale else "",
        _date(credential.issued_on),
        _date(credential.expires),
        _date(credential.last_checked_at),
        safe_cell(credential.source_url or credential.source_name or ""),
    ]


def _date(value: datetime | None) -> str:
    return value.date().isoformat() if value else ""
