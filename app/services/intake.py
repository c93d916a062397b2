"""Getting credentials in: pasted links, uploaded files, and CSV imports of many candidates."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from app.db import write_transaction
from app.models import Candidate, Credential, CredentialStatus, ImportBatch, Organization, User
from app.services import candidates as candidate_service
from app.services import wakeup
from app.services.candidates import CandidateError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_ROWS = 5000
URL_PATTERN = re.compile(r"https?://[^\s<>\"'()\[\]{},;]+", re.IGNORECASE)
TRAILING_PUNCTUATION = ".:!?"


class IntakeError(CandidateError):
    """Input that cannot be taken in; the message is for the user."""


def extract_urls(text: str) -> list[str]:
    """The http(s) links in free text, trailing punctuation trimmed, duplicates merged."""
    found: dict[str, str] = {}
    for match in URL_PATTERN.finditer(text):
        url = match.group(0).rstrip(TRAILING_PUNCTUATION)
        found.setdefault(url_key(url), url)
    return list(found.values())


def url_key(url: str) -> str:
    """Two spellings of one link give one key: scheme and host lower-case, fragment dropped."""
    parts = urlsplit(url.strip())
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


def host_of(url: str) -> str:
    """The lower-case host[:port] a link points at (the fair queue limits each); '' if none."""
    try:
        return urlsplit(url).netloc.rpartition("@")[2].lower()[:255]
    except ValueError:
        return ""


def add_urls(
    candidate: Candidate, urls: Sequence[str], *, batch: ImportBatch | None = None
) -> list[Credential]:
    """Queue a credential for each new link; a link the candidate already has is not added twice."""
    added = []
    with write_transaction():
        for url in urls:
            key = "url:" + url_key(url)[:290]
            if _exists(candidate, key):
                continue
            added.append(
                Credential.create(
                    organization=candidate.organization_id,
                    candidate=candidate,
                    dedupe_key=key,
                    source_url=url,
                    source_host=host_of(url),
                    import_batch=batch,
                    queued_trigger="import" if batch else "user",
                )
            )
    _touch(candidate)
    if added:
        wakeup.work_queued()
    return added


def add_file(candidate: Candidate, filename: str, data: bytes) -> Credential | None:
    """Queue an uploaded credential file (JSON, JWS/JWT, PNG, SVG); None when already there."""
    if not data:
        raise IntakeError(f"{filename or 'The file'} is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise IntakeError(f"{filename} is larger than {MAX_UPLOAD_BYTES // 2**20} MiB.")
    digest = hashlib.sha256(data).hexdigest()
    key = "sha256:" + digest
    if _exists(candidate, key):
        return None
    credential = Credential.create(
        organization=candidate.organization_id,
        candidate=candidate,
        dedupe_key=key,
        source_name=(filename or "upload")[:255],
        source_sha256=digest,
        source_data=data,
    )
    _touch(candidate)
    wakeup.work_queued()
    return credential


def _exists(candidate: Candidate, key: str) -> bool:
    query = Credential.select().where(
        (Credential.candidate == candidate) & (Credential.dedupe_key == key)
    )
    return query.exists()


def _touch(candidate: Candidate) -> None:
    candidate_service.refresh_state(candidate.id)


@dataclass
class CsvRow:
    line: int
    name: str = ""
    emails: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    existing: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class CsvPreview:
    rows: list[CsvRow]
    header: bool
    delimiter: str

    @property
    def valid_rows(self) -> list[CsvRow]:
        return [row for row in self.rows if row.ok]

    @property
    def error_rows(self) -> list[CsvRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def link_count(self) -> int:
        return sum(len(row.links) for row in self.valid_rows)


def read_csv(organization: Organization | int, data: bytes) -> CsvPreview:
    """Parse `name,email,links...` rows (header detected, BOM, commas or semicolons) for preview."""
    if len(data) > MAX_CSV_BYTES:
        raise IntakeError(f"The file is larger than {MAX_CSV_BYTES // 2**20} MiB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IntakeError(
            "The file is not UTF-8 text. Save it as CSV UTF-8 and try again."
        ) from error
    if not text.strip():
        raise IntakeError("The file is empty.")
    delimiter = _delimiter(text)
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = _is_header(records[0]) if records else False
    rows = []
    for index, record in enumerate(records[1:] if header else records, start=2 if header else 1):
        if not any(cell.strip() for cell in record):
            continue
        rows.append(_row(organization, index, record))
        if len(rows) > MAX_CSV_ROWS:
            raise IntakeError(f"At most {MAX_CSV_ROWS} candidates per import.")
    if not rows:
        raise IntakeError("No candidates found in the file.")
    _flag_duplicate_emails(rows)
    return CsvPreview(rows, header, delimiter)


def _delimiter(text: str) -> str:
    first = text.splitlines()[0]
    return ";" if first.count(";") > first.count(",") else ","


def _is_header(record: list[str]) -> bool:
    cells = [cell.strip().lower() for cell in record]
    return bool(cells) and cells[0] in {"name", "candidate", "full name"} or "email" in cells[:3]


def _row(organization: Organization | int, line: int, record: list[str]) -> CsvRow:
    cells = [cell.strip() for cell in record]
    row = CsvRow(line=line, name=cells[0] if cells else "")
    if not row.name:
        row.errors.append("the name is missing")
    try:
        row.emails = candidate_service.parse_emails(cells[1] if len(cells) > 1 else "")
    except CandidateError as error:
        row.errors.append(str(error).rstrip(".").lower())
    if not row.emails and not any("e-mail" in e for e in row.errors):
        row.errors.append("an e-mail address is needed to match the candidate on re-import")
    for cell in cells[2:]:
        links = extract_urls(cell)
        if cell and not links:
            row.errors.append(f"{cell[:60]!r} is not an http(s) link")
        row.links.extend(link for link in links if link not in row.links)
    row.existing = any(candidate_service.find_by_email(organization, e) for e in row.emails)
    return row


def _flag_duplicate_emails(rows: list[CsvRow]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        for email in row.emails:
            if email in seen:
                row.errors.append(f"{email} is also on line {seen[email]}")
            seen.setdefault(email, row.line)


def import_csv(
    organization: Organization, preview: CsvPreview, filename: str, actor: User | None
) -> ImportBatch:
    """Create or update the valid rows' candidates and queue their links; idempotent."""
    with write_transaction():
        batch = ImportBatch.create(
            organization=organization, filename=filename[:255], created_by=actor
        )
        for row in preview.valid_rows:
            candidate = _match(organization, row.emails)
            if candidate is None:
                candidate = candidate_service.create(
                    organization, row.name, row.emails, actor=actor
                )
                batch.candidates_created += 1
            else:
                known = candidate_service.emails_of(candidate)
                candidate_service.update(
                    candidate,
                    candidate.name,
                    known + [e for e in row.emails if e not in known],
                    candidate.notes,
                )
                batch.candidates_updated += 1
            add_urls(candidate, row.links, batch=batch)
        batch.save()
    return batch


def _match(organization: Organization, emails: Sequence[str]) -> Candidate | None:
    for email in emails:
        found = candidate_service.find_by_email(organization, email)
        if found:
            return found
    return None


def batch_progress(batch: ImportBatch) -> dict[str, int]:
    """Counts of the batch's credentials by status and verdict, for the progress bar."""
    counts: dict[str, int] = {"total": 0, "done": 0}
    for credential in Credential.select(Credential.status, Credential.verdict).where(
        Credential.import_batch == batch
    ):
        counts["total"] += 1
        if credential.status == CredentialStatus.DONE.value:
            counts["done"] += 1
            counts[credential.verdict or "unknown"] = (
                counts.get(credential.verdict or "unknown", 0) + 1
            )
    return counts
