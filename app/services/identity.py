"""Identity conflicts between candidates (a shared e-mail, a credential two people claim) and
merging two records of one person.

Conflicts are worked out from the data each time, never stored: they appear the moment a second
candidate claims an address or a badge, and disappear once the records are merged or corrected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import peewee

from app.db import write_transaction
from app.models import (
    Alert,
    Candidate,
    CandidateEmail,
    CandidateNote,
    Credential,
    CredentialImage,
    Organization,
    ProfileImport,
    ShareLink,
    ShortlistEntry,
    User,
    VerificationRun,
    normalise_email,
    utcnow,
)
from app.services import candidates as candidate_service
from app.services.accounts import audit


class MergeError(ValueError):
    """Two records that cannot be merged; the message is for the user."""


@dataclass(frozen=True)
class Claimant:
    """A candidate who holds the contested address or credential."""

    candidate_id: int
    name: str
    credential_id: int | None = None


@dataclass(frozen=True)
class Conflict:
    """One address or one credential claimed by more than one candidate."""

    kind: str  # "email" | "credential"
    subject: str  # the address, or the credential's name
    claimants: tuple[Claimant, ...]

    def others(self, candidate_id: int) -> list[Claimant]:
        return [c for c in self.claimants if c.candidate_id != candidate_id]

    def credential_of(self, candidate_id: int) -> int | None:
        return next(
            (c.credential_id for c in self.claimants if c.candidate_id == candidate_id), None
        )

    @property
    def sentence(self) -> str:
        names = " and ".join(c.name for c in self.claimants)
        if self.kind == "email":
            return f"{names} share the e-mail address {self.subject}."
        return f"{names} both claim the credential “{self.subject}”."


def owners_of(
    organization: Organization | int, emails: Iterable[str], exclude: int | None = None
) -> list[tuple[str, Candidate]]:
    """(address, candidate) for every given address another candidate already has."""
    addresses = [normalise_email(e) for e in emails]
    if not addresses:
        return []
    query = (
        Candidate.of(organization)
        .select(Candidate, CandidateEmail.email)
        .join(CandidateEmail)
        .where(CandidateEmail.email.in_(addresses))
        .order_by(Candidate.name, Candidate.id)
    )
    if exclude is not None:
        query = query.where(Candidate.id != exclude)
    return [(row.candidateemail.email, row) for row in query]


def conflicts(
    organization: Organization | int,
    candidate_id: int | None = None,
    *,
    among: Sequence[int] | None = None,
) -> list[Conflict]:
    """Every identity conflict of the organisation, or only those involving one candidate (or
    any of `among`)."""
    chosen = [candidate_id] if candidate_id is not None else among
    return _email_conflicts(organization, chosen) + _credential_conflicts(organization, chosen)


def _email_conflicts(
    organization: Organization | int, chosen: Sequence[int] | None
) -> list[Conflict]:
    if chosen is not None:
        return _conflicts_of_addresses(organization, chosen)
    shared = (
        CandidateEmail.select(CandidateEmail.email)
        .join(Candidate)
        .where(Candidate.organization == organization)
        .group_by(CandidateEmail.email)
        .having(peewee.fn.COUNT(CandidateEmail.candidate.distinct()) > 1)
    )
    rows = (
        CandidateEmail.select(CandidateEmail.email, Candidate.id, Candidate.name)
        .join(Candidate)
        .where((Candidate.organization == organization) & CandidateEmail.email.in_(shared))
        .order_by(CandidateEmail.email, Candidate.name, Candidate.id)
        .tuples()
    )
    return _email_groups(rows)


def _conflicts_of_addresses(
    organization: Organization | int, chosen: Sequence[int]
) -> list[Conflict]:
    """The conflicts over the chosen candidates' addresses (a page of the candidate list): their
    addresses first, then every holder of those through the address index. With the organisation
    in the same WHERE, SQLite walked all of its candidates instead (54 ms for 10,000), so the
    holders of other organisations are dropped here."""
    org_id = organization.id if isinstance(organization, Organization) else organization
    mine = CandidateEmail.select(CandidateEmail.email).where(
        CandidateEmail.candidate.in_(list(chosen))
    )
    addresses = sorted({email for (email,) in mine.tuples()})
    if not addresses:
        return []
    rows = (
        CandidateEmail.select(
            CandidateEmail.email, Candidate.id, Candidate.name, Candidate.organization
        )
        .join(Candidate)
        .where(CandidateEmail.email.in_(addresses))
        .order_by(CandidateEmail.email, Candidate.name, Candidate.id)
        .tuples()
    )
    return _email_groups((email, cid, name) for email, cid, name, org in rows if org == org_id)


def _email_groups(rows: Iterable[tuple[str, int, str]]) -> list[Conflict]:
    grouped: dict[str, list[Claimant]] = defaultdict(list)
    for email, cid, name in rows:
        grouped[email].append(Claimant(cid, name))
    return [
        Conflict("email", email, tuple(people))
        for email, people in grouped.items()
        if len({person.candidate_id for person in people}) > 1
    ]


def _credential_conflicts(
    organization: Organization | int, chosen: Sequence[int] | None
) -> list[Conflict]:
    """A badge two candidates hold: the same link or file, or the same declared assertion id."""
    found: dict[tuple[str, str], list[Credential]] = {}
    for field in (Credential.assertion_id, Credential.dedupe_key):
        contested = (
            Credential.of(organization)
            .select(field)
            .where(field.is_null(False))
            .group_by(field)
            .having(peewee.fn.COUNT(Credential.candidate.distinct()) > 1)
        )
        if chosen is not None:
            mine = Credential.select(field).where(Credential.candidate.in_(list(chosen)))
            contested = contested.where(field.in_(mine))
        rows = (
            Credential.of(organization)
            .select(Credential, Candidate.id, Candidate.name)
            .join(Candidate)
            .where(field.in_(contested))
            .order_by(Candidate.name, Credential.id)
        )
        for row in rows:
            found.setdefault((field.name, getattr(row, field.name)), []).append(row)
    seen: set[frozenset[int]] = set()
    result = []
    for held in found.values():
        ids = frozenset(c.id for c in held)
        if ids in seen:  # the same pair found by link and by assertion id
            continue
        seen.add(ids)
        subject = next((c.achievement_name for c in held if c.achievement_name), "") or (
            held[0].source_url or held[0].source_name or "a credential"
        )
        claimants = tuple(Claimant(c.candidate_id, c.candidate.name, c.id) for c in held)
        result.append(Conflict("credential", subject, claimants))
    return result


def conflicted_candidates(organization: Organization | int, among: Sequence[int]) -> set[int]:
    """Which of these candidates are caught in an identity conflict."""
    found = conflicts(organization, among=among) if among else []
    return {c.candidate_id for conflict in found for c in conflict.claimants} & set(among)


def conflicted_credentials(conflicts_found: Sequence[Conflict]) -> dict[int, list[Claimant]]:
    """For each contested credential id, the other candidates who claim it."""
    others: dict[int, list[Claimant]] = {}
    for conflict in conflicts_found:
        if conflict.kind != "credential":
            continue
        for claimant in conflict.claimants:
            if claimant.credential_id is not None:
                others[claimant.credential_id] = conflict.others(claimant.candidate_id)
    return others


def _move_profile_links(keep: Candidate, other: Candidate) -> None:
    """`other`'s profile links go to `keep`; one both hold stays once, as `keep` has it."""
    held = ProfileImport.select(ProfileImport.url_key).where(ProfileImport.candidate == keep)
    ProfileImport.delete().where(
        (ProfileImport.candidate == other) & ProfileImport.url_key.in_(held)
    ).execute()
    ProfileImport.update(candidate=keep).where(ProfileImport.candidate == other).execute()


def merge(keep: Candidate, other: Candidate, actor: User) -> Candidate:
    """Fold `other` into `keep`: addresses, credentials with their history, notes, shortlists.

    A credential both hold (the same link or file) keeps one row; the duplicate's verification
    runs move to it, so no history is lost. `other` is deleted afterwards.
    """
    if keep.id == other.id or keep.organization_id != other.organization_id:
        raise MergeError("Choose two different candidates of your organisation.")
    with write_transaction():
        emails = candidate_service.emails_of(keep) + candidate_service.emails_of(other)
        _move_credentials(keep, other)
        CandidateNote.update(candidate=keep).where(CandidateNote.candidate == other).execute()
        ShareLink.update(candidate=keep).where(ShareLink.candidate == other).execute()
        _move_profile_links(keep, other)
        _move_shortlists(keep, other)
        if other.notes.strip():
            keep.notes = "\n\n".join(part for part in (keep.notes, other.notes) if part.strip())
        keep.updated_at = utcnow()
        keep.save()
        CandidateEmail.delete().where(CandidateEmail.candidate == other).execute()
        candidate_service._set_emails(keep, emails)
        other.delete_instance()
        audit(keep.organization_id, actor, "candidate.merge", "candidate", f"{other.id}>{keep.id}")
    candidate_service.refresh_state(keep.id)
    return keep


def _move_credentials(keep: Candidate, other: Candidate) -> None:
    held = {
        key: cid
        for key, cid in Credential.select(Credential.dedupe_key, Credential.id)
        .where(Credential.candidate == keep)
        .tuples()
    }
    for credential in Credential.select().where(Credential.candidate == other):
        twin = held.get(credential.dedupe_key)
        if twin is None:
            credential.candidate = keep
            credential.save()
            continue
        VerificationRun.update(credential=twin).where(
            VerificationRun.credential == credential
        ).execute()
        taken = Alert.select(Alert.key).where(Alert.credential == twin)
        Alert.update(credential=twin).where(
            (Alert.credential == credential) & Alert.key.not_in(taken)
        ).execute()
        CredentialImage.delete().where(CredentialImage.credential == credential).execute()
        credential.delete_instance(recursive=False)


def _move_shortlists(keep: Candidate, other: Candidate) -> None:
    kept_roles = ShortlistEntry.select(ShortlistEntry.role).where(ShortlistEntry.candidate == keep)
    ShortlistEntry.update(candidate=keep).where(
        (ShortlistEntry.candidate == other) & ShortlistEntry.role.not_in(kept_roles)
    ).execute()
    ShortlistEntry.delete().where(ShortlistEntry.candidate == other).execute()
