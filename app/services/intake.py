"""Getting credentials in: pasted links, uploaded files, and CSV imports of many candidates."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import peewee

from app.db import db, write_transaction
from app.models import (
    Candidate,
    CandidateEmail,
    CandidateState,
    Credential,
    CredentialStatus,
    ImportBatch,
    Organization,
    ProfileImport,
    ProfileStatus,
    User,
    utcnow,
)
from app.services import candidates as candidate_service
from app.services import prepared, wakeup
from app.services.candidates import CandidateError
from app.verification import profiles
from app.verification.baked import BakedError, read_png, read_svg
from app.verification.detect import JsonError, Kind, parse_json, sniff

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_ROWS = 5000
MAX_CSV_LINKS = 5_000  # one request's work stays well inside a web worker's timeout
MAX_PASTED_LINKS = 1_000
MAX_PROFILES = 20  # profile links one candidate holds at most (each up to profiles.MAX_BADGES)
LINKS_PER_WRITE = 250  # rows one intake transaction writes at most
ROWS_PER_WRITE = 50  # CSV rows (candidates) one import transaction writes at most
MAX_COURTESY_PAUSE = 0.05  # seconds
URL_PATTERN = re.compile(r"https?://[^\s<>\"'()\[\]{},;]+", re.IGNORECASE)
TRAILING_PUNCTUATION = ".:!?"


class IntakeError(CandidateError):
    """Input that cannot be taken in; the message is for the user."""


def pasted_urls(text: str) -> list[str]:
    """The links of one paste, at most MAX_PASTED_LINKS; more is an error saying what to do."""
    urls = extract_urls(text)
    if len(urls) > MAX_PASTED_LINKS:
        raise IntakeError(
            f"That is {len(urls):,} links; one paste takes at most {MAX_PASTED_LINKS:,}. To add "
            f"more, import a CSV of candidates (Candidates › Import, up to {MAX_CSV_LINKS:,} "
            "links a file) or use the API."
        )
    return urls


def links_to_add(text: str) -> list[str]:
    """The links of a paste meant to add credentials: at least one, else an error saying why."""
    urls = pasted_urls(text)
    if not urls:
        raise IntakeError(
            "Paste at least one badge link first."
            if not text.strip()
            else "No link found in the text: badge links start with http:// or https://."
        )
    return urls


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


@dataclass(frozen=True)
class Added:
    """What one intake of links queued: credentials, and profiles the worker will expand."""

    credentials: list[Credential]
    profiles: list[ProfileImport]


def add_links(
    candidate: Candidate,
    urls: Sequence[str],
    *,
    batch: ImportBatch | None = None,
    user: User | None = None,
) -> Added:
    """Queue links of any kind: a public profile or collection link (profiles.match) becomes a
    profile import that the worker expands into one credential per badge; any other link is
    queued as one credential. A profile already held is imported again (new badges only)."""
    found = [(url, profiles.match(url)) for url in urls]
    wanted = [(url, match) for url, match in found if match is not None]
    queued = queue_profiles(candidate, wanted, user) if wanted else []
    credentials = add_urls(candidate, [url for url, match in found if match is None], batch=batch)
    return Added(credentials, queued)


def queue_profiles(
    candidate: Candidate,
    wanted: Sequence[tuple[str, profiles.ProfileMatch]],
    user: User | None = None,
) -> list[ProfileImport]:
    """Queue each profile link for the worker (again, if the candidate already holds it)."""
    queued: list[int] = []
    with write_transaction():
        held = {
            row.url_key: row
            for row in ProfileImport.select().where(ProfileImport.candidate == candidate.id)
        }
        for url, match in wanted:
            key = url_key(match.machine_url)[:300]
            row = held.get(key)
            if row is None and len(held) >= MAX_PROFILES:
                raise IntakeError(
                    f"A candidate holds at most {MAX_PROFILES} profile links; remove one first."
                )
            if row is None:
                row = ProfileImport.create(
                    organization=candidate.organization_id,
                    candidate=candidate.id,
                    url=url[:2000],
                    url_key=key,
                    provider=match.provider,
                    handle=match.handle[:100],
                    queued_by=user,
                )
                held[key] = row
            elif not row.pending:
                _requeue(row, user)
            if row.id not in queued:
                queued.append(row.id)
    _touch(candidate)
    wakeup.work_queued()
    rows = {row.id: row for row in ProfileImport.select().where(ProfileImport.id.in_(queued))}
    return [rows[row_id] for row_id in queued]


def requeue_profile(row: ProfileImport, user: User | None = None) -> None:
    """Import a profile again: the worker adds the badges the candidate does not have yet."""
    _requeue(row, user)
    candidate_service.refresh_state(row.candidate_id)
    wakeup.work_queued()


def _requeue(row: ProfileImport, user: User | None) -> None:
    ProfileImport.update(
        status=ProfileStatus.QUEUED.value,
        detail="",
        found=0,
        added=0,
        queued_by=user,
        claimed_by=None,
        claimed_until=None,
        claim_token=None,
        finished_at=None,
    ).where(ProfileImport.id == row.id).execute()


def add_urls(
    candidate: Candidate, urls: Sequence[str], *, batch: ImportBatch | None = None
) -> list[Credential]:
    """Queue a credential for each new link; a link the candidate already has is not added twice.

    Written in transactions of at most LINKS_PER_WRITE links, so a long list never holds
    SQLite's write lock for long: other requests and the workers write in between.
    """
    added: list[Credential] = []
    for start in range(0, len(urls), LINKS_PER_WRITE):
        with bounded_write():
            added += _insert_links(candidate, urls[start : start + LINKS_PER_WRITE], batch)
    _touch(candidate)
    if added:
        wakeup.work_queued()
    return added


@contextmanager
def bounded_write() -> Iterator[None]:
    """One bounded intake write; on SQLite, then a pause as long as it took, so a bulk import
    holds the write lock at most half the time and other connections are not starved."""
    started = time.monotonic()
    with write_transaction():
        yield
    if isinstance(db.obj, peewee.SqliteDatabase) and db.transaction_depth() == 0:
        time.sleep(min(time.monotonic() - started, MAX_COURTESY_PAUSE))


def _insert_links(
    candidate: Candidate, urls: Sequence[str], batch: ImportBatch | None
) -> list[Credential]:
    """Insert the links the candidate does not have yet; the new credentials, oldest first."""
    keys = _insert_new_links(candidate, urls, batch)
    if not keys:
        return []
    created = _by_keys(candidate.id, keys, tuple(Credential._meta.sorted_fields))
    return sorted(created, key=lambda credential: credential.id)


def _insert_new_links(
    candidate: Candidate, urls: Sequence[str], batch: ImportBatch | None
) -> list[str]:
    """Insert the links the candidate does not have yet; their dedupe keys.

    One statement looks, one inserts, each prepared once per size: building peewee's SQL for
    every chunk cost more than running it.
    """
    if not urls:
        return []
    wanted: dict[str, str] = {}
    for url in urls:
        wanted.setdefault("url:" + url_key(url)[:290], url)  # two spellings: the first one
    for row in _by_keys(candidate.id, list(wanted), (Credential.dedupe_key,)):
        wanted.pop(row.dedupe_key, None)
    if not wanted:
        return []
    now = utcnow()
    _insert_rows([_link_row(candidate, key, url, batch, now) for key, url in wanted.items()])
    return list(wanted)


def _link_row(
    candidate: Candidate, key: str, url: str, batch: ImportBatch | None, now: datetime
) -> dict[str, object]:
    return {
        "organization": candidate.organization_id,
        "candidate": candidate.id,
        "dedupe_key": key,
        "source_url": url,
        "source_host": host_of(url),
        "import_batch": batch.id if batch else None,
        "queued_trigger": "import" if batch else "user",
        "next_check_at": now,
        "created_at": now,
    }


def _insert_rows(rows: Sequence[dict[str, object]]) -> None:
    """Insert credential rows (each with every name in _INSERTED), skipping duplicates."""
    if not rows:
        return
    values = {f"{n}.{name}": value for n, row in enumerate(rows) for name, value in row.items()}
    count = len(rows)
    prepared.execute(("intake-insert", count), lambda: _insert_query(count), **values)


_INSERTED = (
    "organization",
    "candidate",
    "dedupe_key",
    "source_url",
    "source_host",
    "import_batch",
    "queued_trigger",
    "next_check_at",  # every field with a computed default is given: the SQL is built once
    "created_at",
)


def _insert_query(count: int) -> peewee.ModelInsert:
    fields = Credential._meta.fields
    rows = [
        {fields[name]: prepared.slot(f"{n}.{name}", fields[name]) for name in _INSERTED}
        for n in range(count)
    ]
    return Credential.insert_many(rows).on_conflict_ignore()


def _by_keys(
    candidate_id: int, keys: list[str], fields: tuple[peewee.Field, ...]
) -> list[Credential]:
    """The candidate's credentials with these dedupe keys, `fields` only."""
    count = len(keys)

    def build() -> peewee.ModelSelect:
        slots = [prepared.slot(f"k{n}", Credential.dedupe_key) for n in range(count)]
        of_candidate = Credential.candidate == prepared.slot("candidate", Credential.candidate)
        return Credential.select(*fields).where(of_candidate & Credential.dedupe_key.in_(slots))

    names = tuple(field.name for field in fields)
    by_key = {f"k{n}": key for n, key in enumerate(keys)}
    return prepared.select(
        Credential,
        fields,
        ("intake-by-keys", names, count),
        build,
        candidate=candidate_id,
        **by_key,
    )


def add_file(candidate: Candidate, filename: str, data: bytes) -> Credential | None:
    """Queue an uploaded credential file (JSON, JWS/JWT, PNG, SVG); None when already there."""
    if not data:
        raise IntakeError(f"{filename or 'The file'} is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise IntakeError(f"{filename} is larger than {MAX_UPLOAD_BYTES // 2**20} MiB.")
    problem = not_a_badge(data)
    if problem:
        raise IntakeError(
            f"“{filename or 'The file'}” is not a digital badge: {problem}. Upload the badge's "
            "image (PNG or SVG), its JSON file or signed token, or paste its link."
        )
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


_KNOWN_FILES = (
    (b"%PDF", "it is a PDF document"),
    (b"\xff\xd8\xff", "it is a JPEG photo, and badges are never baked into JPEG"),
    (b"GIF8", "it is a GIF image, and badges are never baked into GIF"),
    (b"RIFF", "it is a WebP image or a media file"),
    (b"PK\x03\x04", "it is a Word, Excel or ZIP file"),
    (b"\xd0\xcf\x11\xe0", "it is an old Office document"),
)


def not_a_badge(data: bytes) -> str:
    """Why an upload cannot hold a credential, in plain words; "" when it may hold one.

    Only the cheap, certain cases are refused here (no badge baked in an image, a PDF, a
    photo, plain text, broken JSON); anything that may be a credential is left to verification.
    """
    for magic, reason in _KNOWN_FILES:
        if data.startswith(magic):
            return reason
    kind = sniff(data)
    if kind in (Kind.PNG, Kind.SVG):
        try:
            baked = read_png(data) if kind is Kind.PNG else read_svg(data)
        except BakedError:
            return "the image cannot be read"
        return "it is an image with no badge baked into it" if baked.empty else ""
    if kind is Kind.JSON:
        try:
            document = parse_json(data)
        except JsonError:
            return "it looks like JSON but is damaged or cut short"
        return "" if isinstance(document, dict) else "it is JSON, but not a badge"
    if kind is Kind.HTML:
        return "it is a saved web page"
    if kind is Kind.UNKNOWN:
        return "it is plain text or a file Skillproof cannot read"
    return ""


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
    links = sum(len(row.links) for row in rows)
    if links > MAX_CSV_LINKS:
        raise IntakeError(
            f"The file has {links:,} links; one import takes at most {MAX_CSV_LINKS:,}. Split it "
            "into several files and import them one after another: candidates are matched by "
            "e-mail, so nobody is added twice."
        )
    _flag_duplicate_emails(rows)
    _flag_existing(organization, rows)
    return CsvPreview(rows, header, delimiter)


def _flag_existing(organization: Organization | int, rows: list[CsvRow]) -> None:
    """Mark the rows whose candidate is already here (any of their addresses), 500 at a time."""
    emails = sorted({email for row in rows for email in row.emails})
    known: set[str] = set()
    for start in range(0, len(emails), 500):
        query = (
            CandidateEmail.select(CandidateEmail.email)
            .join(Candidate)
            .where(
                (Candidate.organization == organization)
                & CandidateEmail.email.in_(emails[start : start + 500])
            )
        )
        known.update(email for (email,) in query.tuples())
    for row in rows:
        row.existing = any(email in known for email in row.emails)


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
    if len(_split_profiles(row.links)[0]) > MAX_PROFILES:
        row.errors.append(f"more than {MAX_PROFILES} profile links")
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
    """Create or update the valid rows' candidates and queue their links; idempotent.

    Written in bounded transactions (ROWS_PER_WRITE candidates, LINKS_PER_WRITE links), so a
    5,000-link file never holds the write lock for long; the batch's counts grow as it goes,
    and an import cut short is finished by importing the same file again.
    """
    with bounded_write():
        batch = ImportBatch.create(
            organization=organization, filename=filename[:255], created_by=actor
        )
    candidates: dict[int, Candidate] = {}
    created: set[int] = set()
    for chunk in _write_chunks(preview.valid_rows):
        with bounded_write():
            queued = _import_chunk(organization, chunk, batch, actor, candidates, created)
            batch.save()
        if queued:
            wakeup.work_queued()
    return batch


def _import_chunk(
    organization: Organization,
    chunk: list[tuple[CsvRow, list[str]]],
    batch: ImportBatch,
    actor: User | None,
    candidates: dict[int, Candidate],
    created: set[int],
) -> set[int]:
    """One bounded transaction's rows: new candidates, their addresses and links inserted in
    bulk (a handful of statements, not ten a row); the candidates given new links."""
    known = _known_by_email(organization, [row for row, _links in chunk])
    emails: list[dict[str, object]] = []
    fresh: dict[tuple[int, str], dict[str, object]] = {}
    queued: set[int] = set()
    now = utcnow()
    for row, links in chunk:
        candidate = candidates.get(row.line)
        if candidate is None:
            candidate = _match(row, batch, known)
            if candidate is None:
                candidate = _new_candidate(organization, row, batch, actor)
                created.add(candidate.id)
                emails += [{"candidate": candidate.id, "email": e} for e in row.emails]
            candidates[row.line] = candidate
        wanted, links = _split_profiles(links)
        if wanted and _queue_listed_profiles(candidate, wanted, actor):
            queued.add(candidate.id)
        if candidate.id in created:  # nothing to look up: it has no credentials yet
            for url in links:
                key = "url:" + url_key(url)[:290]
                fresh.setdefault((candidate.id, key), _link_row(candidate, key, url, batch, now))
                queued.add(candidate.id)
        elif _insert_new_links(candidate, links, batch):
            queued.add(candidate.id)
    if emails:
        CandidateEmail.insert_many(emails).execute()
    _insert_rows(list(fresh.values()))
    # Each has a queued credential now: pending, without recomputing from every row.
    Candidate.update(state=CandidateState.PENDING.value).where(
        Candidate.id.in_(list(queued))
    ).execute()
    return queued


def _split_profiles(
    links: Sequence[str],
) -> tuple[list[tuple[str, profiles.ProfileMatch]], list[str]]:
    """(profile links with their match, every other link)."""
    found = [(url, profiles.match(url)) for url in links]
    wanted = [(url, match) for url, match in found if match is not None]
    return wanted, [url for url, match in found if match is None]


def _queue_listed_profiles(
    candidate: Candidate, wanted: list[tuple[str, profiles.ProfileMatch]], actor: User | None
) -> bool:
    """Queue a CSV row's profile links; past the candidate's cap they are left out (the preview
    already refused a row with more than MAX_PROFILES of them)."""
    try:
        return bool(queue_profiles(candidate, wanted, actor))
    except IntakeError:
        return False


def _new_candidate(
    organization: Organization, row: CsvRow, batch: ImportBatch, actor: User | None
) -> Candidate:
    batch.candidates_created += 1
    return Candidate.create(
        organization=organization, name=row.name.strip()[:200], created_by=actor
    )


def _match(row: CsvRow, batch: ImportBatch, known: dict[str, Candidate]) -> Candidate | None:
    """The row's candidate found by e-mail (its new addresses added), or None."""
    candidate = next((known[email] for email in row.emails if email in known), None)
    if candidate is None:
        return None
    addresses = candidate_service.emails_of(candidate)
    if any(email not in addresses for email in row.emails):
        candidate_service.update(
            candidate,
            candidate.name,
            addresses + [e for e in row.emails if e not in addresses],
            candidate.notes,
        )
    batch.candidates_updated += 1
    return candidate


def _known_by_email(organization: Organization, rows: Sequence[CsvRow]) -> dict[str, Candidate]:
    """The organisation's candidates holding any of the rows' addresses, by address."""
    emails = list({email for row in rows for email in row.emails})
    query = (
        Candidate.select(Candidate, CandidateEmail.email)
        .join(CandidateEmail)
        .where((Candidate.organization == organization) & CandidateEmail.email.in_(emails))
        .objects()
    )
    return {candidate.email: candidate for candidate in query}


def _write_chunks(rows: Sequence[CsvRow]) -> Iterator[list[tuple[CsvRow, list[str]]]]:
    """(row, some of its links) pairs, at most ROWS_PER_WRITE rows and LINKS_PER_WRITE links
    a chunk; a row with more links than that is spread over several chunks."""
    chunk: list[tuple[CsvRow, list[str]]] = []
    links = 0
    for row in rows:
        pieces = [
            row.links[n : n + LINKS_PER_WRITE] for n in range(0, len(row.links), LINKS_PER_WRITE)
        ]
        for piece in pieces or [[]]:
            if chunk and (len(chunk) >= ROWS_PER_WRITE or links + len(piece) > LINKS_PER_WRITE):
                yield chunk
                chunk, links = [], 0
            chunk.append((row, piece))
            links += len(piece)
    if chunk:
        yield chunk


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
