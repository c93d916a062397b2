"""Candidates: create, find, edit, archive and delete (a real deletion, for privacy requests)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee

from app.db import db, write_transaction
from app.models import (
    AuditEntry,
    Candidate,
    CandidateEmail,
    CandidateState,
    Credential,
    CredentialImage,
    EvidenceDocument,
    Organization,
    ProfileImport,
    ProfileStatus,
    User,
    VerificationRun,
    normalise_email,
    utcnow,
)
from app.services.accounts import EMAIL_PATTERN, AccountError, audit
from app.services.paging import Page, paginate
from app.services.search import fold
from app.verification.issuer_pages import FORMAT as ISSUER_PAGE
from app.verification.result import Verdict

PAGE_SIZE = 25
MAX_ISSUER_CHOICES = 1000  # issuer names offered by the list's filter
MAX_NOTES = 10_000  # as the API's and every web form's text fields
SORTS = {
    "name": (Candidate.name, Candidate.id),
    "-name": (Candidate.name.desc(), Candidate.id.desc()),
    "newest": (Candidate.created_at.desc(), Candidate.id.desc()),
    "oldest": (Candidate.created_at, Candidate.id),
}


class CandidateError(AccountError):
    """Candidate input that cannot be saved; the message is for the user."""


@dataclass(frozen=True)
class CredentialFilter:
    """Conditions one credential of a candidate must meet together (empty ones are ignored).

    `skill_texts` are the stored alignment lists (`skills_json`) that map to the chosen skill;
    `expiring_days` keeps credentials still valid that expire within that many days.
    """

    skill_texts: tuple[str, ...] | None = None
    issuer: str = ""
    verdict: str = ""
    expiring_days: int | None = None
    now: datetime | None = None

    @property
    def active(self) -> bool:
        return (
            self.skill_texts is not None
            or bool(self.issuer)
            or bool(self.verdict)
            or self.expiring_days is not None
        )

    def candidates(self, organization: Organization | int) -> peewee.SelectQuery:
        query = Credential.of(organization).select(Credential.candidate)
        if self.skill_texts is not None:
            query = query.where(Credential.skills_json.in_(list(self.skill_texts) or [""]))
        if self.issuer:
            query = query.where(Credential.issuer_name == self.issuer)
        if self.verdict:
            query = query.where(Credential.verdict == self.verdict)
        if self.expiring_days is not None:
            now = self.now or utcnow()
            query = query.where(
                Credential.expires.between(now, now + timedelta(days=self.expiring_days))
                & (Credential.verdict == "verified")
            )
        return query


def issuers_of(organization: Organization | int, limit: int | None = None) -> list[str]:
    """The organisation's issuer names in order (at most `limit`, by default
    MAX_ISSUER_CHOICES), for the list's issuer filter.

    Read by skipping from one name to the next through the (organisation, issuer name) index:
    a few dozen index seeks, where DISTINCT walked every credential of the organisation (18 ms
    of a 60 ms candidate list at 100,000 credentials)."""
    org = organization.id if isinstance(organization, Organization) else organization
    fn = peewee.fn
    first = Credential.select(fn.MIN(Credential.issuer_name).alias("name")).where(
        (Credential.organization == org) & (Credential.issuer_name > "")
    )
    names = first.cte("issuer_names", recursive=True, columns=("name",))
    later = Credential.alias()
    following = later.select(fn.MIN(later.issuer_name)).where(
        (later.organization == org) & (later.issuer_name > names.c.name)
    )
    walk = names.union_all(peewee.Select([names], [following]).where(names.c.name.is_null(False)))
    query = (
        walk.select_from(walk.c.name)
        .where(walk.c.name.is_null(False))
        .limit(limit or MAX_ISSUER_CHOICES)
    )
    return [name for (name,) in query.tuples()]


def parse_emails(text: str | Iterable[str]) -> list[str]:
    """Addresses from free text (commas, semicolons, spaces, new lines); each checked."""
    parts = text.replace(";", ",").replace("\n", ",").split(",") if isinstance(text, str) else text
    addresses: list[str] = []
    for part in parts:
        for token in part.split():
            address = normalise_email(token)
            if not EMAIL_PATTERN.match(address):
                raise CandidateError(f"{token!r} is not a valid e-mail address.")
            if address not in addresses:
                addresses.append(address)
    return addresses


def create(
    organization: Organization,
    name: str,
    emails: Sequence[str],
    notes: str = "",
    actor: User | None = None,
) -> Candidate:
    """A new candidate with their e-mail addresses."""
    _check(name, notes)
    with write_transaction():
        candidate = Candidate.create(
            organization=organization, name=name.strip()[:200], notes=notes, created_by=actor
        )
        _set_emails(candidate, emails)
    return candidate


def update(candidate: Candidate, name: str, emails: Sequence[str], notes: str) -> Candidate:
    """Change name, addresses and notes."""
    _check(name, notes)
    with write_transaction():
        candidate.name, candidate.notes, candidate.updated_at = name.strip()[:200], notes, utcnow()
        candidate.save()
        _set_emails(candidate, emails)
    return candidate


def _check(name: str, notes: str) -> None:
    if not name.strip():
        raise CandidateError("Enter the candidate's name.")
    if len(notes) > MAX_NOTES:
        raise CandidateError(f"Notes can hold at most {MAX_NOTES:,} characters.")


def set_archived(candidate: Candidate, archived: bool) -> Candidate:
    candidate.archived, candidate.updated_at = archived, utcnow()
    candidate.save()
    return candidate


def _set_emails(candidate: Candidate, emails: Sequence[str]) -> None:
    """Replace the candidate's addresses and refresh what search matches (name and addresses)."""
    CandidateEmail.delete().where(CandidateEmail.candidate == candidate).execute()
    addresses = list(dict.fromkeys(normalise_email(e) for e in emails if e.strip()))
    for address in addresses:
        CandidateEmail.create(candidate=candidate, email=address)
    candidate.search_text = fold(" ".join([candidate.name, *addresses]))
    Candidate.update(search_text=candidate.search_text).where(
        Candidate.id == candidate.id
    ).execute()


def emails_of(candidate: Candidate) -> list[str]:
    query = CandidateEmail.select(CandidateEmail.email).where(CandidateEmail.candidate == candidate)
    return [row.email for row in query.order_by(CandidateEmail.id)]


def emails_by_candidate(candidate_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each candidate's addresses in one query (a list page's rows), in the order added."""
    emails: dict[int, list[str]] = {candidate_id: [] for candidate_id in candidate_ids}
    query = (
        CandidateEmail.select(CandidateEmail.candidate, CandidateEmail.email)
        .where(CandidateEmail.candidate.in_(list(emails)))
        .order_by(CandidateEmail.id)
    )
    for row in query:
        emails[row.candidate_id].append(row.email)
    return emails


def verdict_tallies(candidate_ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
    """Each candidate's settled credentials counted by verdict (one grouped query), verified
    first, then in the order Verdict lists them; issuer pages that name the candidate are
    counted as "issuer_page", not with the formats Skillproof cannot read."""
    tallies: dict[int, dict[str, int]] = {candidate_id: {} for candidate_id in candidate_ids}
    # Grouped by plain columns: PostgreSQL cannot match a CASE with bound parameters in GROUP BY.
    # The status is grouped on, not filtered: with it in WHERE, SQLite walked the status index
    # (every settled credential of every organisation) instead of the candidates' own.
    columns = (
        Credential.candidate,
        Credential.status,
        Credential.verdict,
        Credential.format,
        Credential.recipient,
    )
    query = (
        Credential.select(*columns, peewee.fn.COUNT(Credential.id))
        .where(Credential.candidate.in_(list(tallies)))
        .group_by(*columns)
        .tuples()
    )
    for candidate_id, status, verdict, kind, recipient, count in query:
        if status != "done":
            continue
        page = kind == ISSUER_PAGE and recipient == "matched" and verdict == Verdict.UNSUPPORTED
        key = "issuer_page" if page else verdict or "unknown"
        tallies[candidate_id][key] = tallies[candidate_id].get(key, 0) + count
    order = {verdict.value: n for n, verdict in enumerate(Verdict)}
    return {
        cid: sorted(counts.items(), key=lambda item: order.get(item[0], 99))
        for cid, counts in tallies.items()
    }


def find_by_email(organization: Organization | int, email: str) -> Candidate | None:
    return (
        Candidate.of(organization)
        .join(CandidateEmail)
        .where(CandidateEmail.email == normalise_email(email))
        .first()
    )


def search(
    organization: Organization | int,
    *,
    text: str = "",
    state: str = "",
    sort: str = "name",
    page: int = 1,
    archived: bool = False,
    having: CredentialFilter | None = None,
) -> Page[Candidate]:
    """One page of candidates matching a name/e-mail search, a state and a credential filter.

    The search ignores accents and case ("garcia" finds "García"); the credential filter keeps
    candidates with at least one credential meeting all of its conditions at once.
    """
    query = Candidate.of(organization).where(Candidate.archived == archived)
    if fold(text):
        query = query.where(Candidate.search_text.contains(fold(text)))
    if state in {s.value for s in CandidateState}:
        query = query.where(Candidate.state == state)
    if having is not None and having.active:
        query = query.where(Candidate.id.in_(having.candidates(organization)))
    return paginate(query.order_by(*SORTS.get(sort, SORTS["name"])), page, PAGE_SIZE)


MAX_REASON = 500


def remove_credential(credential: Credential, actor: User | None, reason: str = "") -> AuditEntry:
    """Remove a credential added by mistake, with its runs, documents, image and alerts.

    The audit entry keeps who removed what and why (the credential's title and the reason),
    not the credential itself; the candidate's state and rankings are refreshed.
    """
    from app.models import Alert, AlertDelivery

    title = (credential.achievement_name or credential.source_name or credential.source_url or "")[
        :200
    ]
    with write_transaction():
        runs = VerificationRun.select(VerificationRun.id).where(
            VerificationRun.credential == credential
        )
        alerts = Alert.select(Alert.id).where(Alert.credential == credential)
        AlertDelivery.delete().where(AlertDelivery.alert.in_(alerts)).execute()
        Alert.delete().where(Alert.credential == credential).execute()
        EvidenceDocument.delete().where(EvidenceDocument.run.in_(runs)).execute()
        VerificationRun.delete().where(VerificationRun.credential == credential).execute()
        CredentialImage.delete().where(CredentialImage.credential == credential).execute()
        Credential.delete().where(Credential.id == credential.id).execute()
        Candidate.update(updated_at=utcnow()).where(
            Candidate.id == credential.candidate_id
        ).execute()
        entry = audit(
            credential.organization_id,
            actor,
            "credential.removed",
            title or f"credential {credential.id}",
            f"candidate={credential.candidate_id} verdict={credential.verdict or 'pending'}; "
            f"reason: {reason.strip()[:MAX_REASON] or 'none given'}",
        )
    refresh_state(credential.candidate_id)
    return entry


def refresh_state(candidate_id: int) -> str:
    """Recompute a candidate's at-a-glance state from their credentials.

    Read and write happen in one write transaction with the candidate locked: workers finishing
    a candidate's credentials at once would otherwise each write what they read, and the last
    writer could store a state read before another's verdict (stuck on "Verifying…").
    """
    with write_transaction():
        if isinstance(db.obj, peewee.PostgresqlDatabase):
            Candidate.select(Candidate.id).where(Candidate.id == candidate_id).for_update().first()
        rows = list(
            Credential.select(Credential.status, Credential.verdict, Credential.stale).where(
                Credential.candidate == candidate_id
            )
        )
        if _reading_profile(candidate_id):  # its badges are on their way
            state = CandidateState.PENDING
        elif not rows:
            state = CandidateState.NONE
        elif any(row.status != "done" for row in rows):
            state = CandidateState.PENDING
        elif all(row.verdict == "verified" for row in rows):
            state = CandidateState.VERIFIED
        else:
            state = CandidateState.ATTENTION
        Candidate.update(state=state.value).where(Candidate.id == candidate_id).execute()
    return state.value


def _reading_profile(candidate_id: int) -> bool:
    reading = (ProfileStatus.QUEUED.value, ProfileStatus.IMPORTING.value)
    query = ProfileImport.select(ProfileImport.id).where(
        (ProfileImport.candidate == candidate_id) & ProfileImport.status.in_(reading)
    )
    return bool(query.exists())


def delete(candidate: Candidate, actor: User | None, via: str = "") -> AuditEntry:
    """Delete a candidate with all their credentials, runs, documents and images; audit it.

    `actor` is None for an integration, which `via` names instead (`token:<id>`).
    """
    with write_transaction():
        credentials = Credential.select(Credential.id).where(Credential.candidate == candidate)
        runs = VerificationRun.select(VerificationRun.id).where(
            VerificationRun.credential.in_(credentials)
        )
        counts = {
            "documents": EvidenceDocument.delete().where(EvidenceDocument.run.in_(runs)).execute(),
            "runs": VerificationRun.delete()
            .where(VerificationRun.credential.in_(credentials))
            .execute(),
            "images": CredentialImage.delete()
            .where(CredentialImage.credential.in_(credentials))
            .execute(),
            "credentials": Credential.delete().where(Credential.candidate == candidate).execute(),
            "emails": CandidateEmail.delete()
            .where(CandidateEmail.candidate == candidate)
            .execute(),
        }
        candidate.delete_instance()
        detail = " ".join(f"{name}={count}" for name, count in counts.items())
        return audit(
            candidate.organization_id,
            actor,
            "candidate.delete",
            "candidate",
            f"candidates=1 {detail}" + (f" via={via}" if via else ""),
        )
