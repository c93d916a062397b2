"""Fraud signals: signs that a badge may not be the candidate's own, or its issuer not who it says.

Five kinds, worked out from the data each time and never stored (like identity conflicts, which
this module wraps rather than repeats): an e-mail on two candidates, a credential two candidates
claim, a name on a credential unlike the candidate's, an issuer whose name imitates a trusted
issuer of the organisation while its origin or key is another, and a burst of badges from an
issuer the organisation first saw this week. Each is a plain sentence for a recruiter with links
to what it is about; none changes a verdict.
"""

from __future__ import annotations

import enum
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import peewee

from app.models import Candidate, Credential, IssuerTrust, Organization
from app.ranking import Tier
from app.services import identity
from app.services.roles import issuer_key
from app.verification.lookalike import (
    NameMatch,
    Resemblance,
    compare_names,
    issuer_origin,
    resemblance,
)
from app.verification.result import Verdict

NEW_ISSUER_DAYS = 7  # an issuer first seen this recently is new
# A burst is badges both issued and added within that week (freshly minted by an issuer the
# organisation never saw before): a candidate's long-held badges from a well-known issuer, imported
# from a profile into a young organisation, are new to it but are no burst.
BURST_COUNT = 5  # such badges from one new issuer, across candidates
BURST_ON_ONE_CANDIDATE = 3  # or on one candidate
NAMES_LISTED = 3  # credentials named in one sentence
# Verdicts that say the issuer really issued it: only these can imitate a trusted issuer.
AUTHENTIC = tuple(
    v.value
    for v in (
        Verdict.VERIFIED,
        Verdict.RECIPIENT_MISMATCH,
        Verdict.REVOKED,
        Verdict.EXPIRED,
        Verdict.NOT_YET_VALID,
    )
)


class Kind(enum.StrEnum):
    SHARED_EMAIL = "shared_email"
    SHARED_CREDENTIAL = "shared_credential"
    NAME_MISMATCH = "name_mismatch"
    LOOKALIKE_ISSUER = "lookalike_issuer"
    NEW_ISSUER_BURST = "new_issuer_burst"


class Severity(enum.StrEnum):
    HIGH = "high"  # a badge is probably not what it claims: check before relying on it
    MEDIUM = "medium"  # unusual: worth a look


SEVERITY = {
    Kind.SHARED_EMAIL: Severity.MEDIUM,
    Kind.SHARED_CREDENTIAL: Severity.HIGH,
    Kind.NAME_MISMATCH: Severity.MEDIUM,
    Kind.LOOKALIKE_ISSUER: Severity.HIGH,
    Kind.NEW_ISSUER_BURST: Severity.MEDIUM,
}
TITLES = {
    Kind.SHARED_EMAIL: "E-mail on another candidate",
    Kind.SHARED_CREDENTIAL: "Claimed by another candidate",
    Kind.NAME_MISMATCH: "Name unlike the candidate's",
    Kind.LOOKALIKE_ISSUER: "Issuer imitating a trusted one",
    Kind.NEW_ISSUER_BURST: "Many badges from a new issuer",
}
IDENTITY_KINDS = (Kind.SHARED_EMAIL, Kind.SHARED_CREDENTIAL)
ISSUER_AND_NAME_KINDS = (Kind.NAME_MISMATCH, Kind.LOOKALIKE_ISSUER, Kind.NEW_ISSUER_BURST)
RESEMBLING = {
    Resemblance.SAME: "is the name of",
    Resemblance.CONFUSABLE: "is made to look like",
    Resemblance.NEAR: "is spelled almost like",
}


@dataclass(frozen=True)
class Link:
    """A candidate or credential a signal is about: its id and what to call it."""

    id: int
    label: str


@dataclass(frozen=True)
class Signal:
    kind: Kind
    candidate: Link  # whose record shows it
    text: str  # one plain sentence
    credentials: tuple[Link, ...] = ()  # the candidate's credentials it is about
    others: tuple[Link, ...] = ()  # other candidates involved

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.kind]

    @property
    def title(self) -> str:
        return TITLES[self.kind]


def by_credential(found: Iterable[Signal]) -> dict[int, list[Signal]]:
    """For each credential a signal names, those signals (to flag its row)."""
    flagged: dict[int, list[Signal]] = defaultdict(list)
    for signal in found:
        for credential in signal.credentials:
            flagged[credential.id].append(signal)
    return dict(flagged)


def signals(
    organization: Organization | int,
    now: datetime,
    *,
    among: Sequence[int] | None = None,
    kinds: Iterable[Kind] = tuple(Kind),
    active_only: bool = False,
) -> list[Signal]:
    """Every signal of the organisation (or of the candidates `among`), most serious first;
    `active_only` leaves archived candidates out."""
    wanted = set(kinds)
    found: list[Signal] = []
    if wanted & set(IDENTITY_KINDS):
        found += [s for s in _identity(organization, among) if s.kind in wanted]
    if among is not None and not among:
        return found
    scope = _scope(organization, among, active_only)
    if Kind.NAME_MISMATCH in wanted:
        found += _name_mismatches(scope)
    if wanted & {Kind.LOOKALIKE_ISSUER, Kind.NEW_ISSUER_BURST}:
        trusted, trusted_keys = _trusted(organization)
        if Kind.LOOKALIKE_ISSUER in wanted:
            found += _lookalikes(scope, trusted, trusted_keys)
        if Kind.NEW_ISSUER_BURST in wanted:
            new = _new_issuers_cached(organization, now)
            found += _bursts(scope, new, trusted_keys, now - timedelta(days=NEW_ISSUER_DAYS))
    order = list(Kind)
    return sorted(found, key=lambda s: (s.severity != Severity.HIGH, order.index(s.kind)))


def by_candidate(
    organization: Organization | int,
    now: datetime,
    candidate_ids: Sequence[int],
    *,
    kinds: Iterable[Kind] = tuple(Kind),
) -> dict[int, list[Signal]]:
    """Each candidate's signals (of these kinds), in a fixed number of queries however many
    candidates."""
    grouped: dict[int, list[Signal]] = {cid: [] for cid in candidate_ids}
    for signal in signals(organization, now, among=candidate_ids, kinds=kinds):
        if signal.candidate.id in grouped:
            grouped[signal.candidate.id].append(signal)
    return grouped


def _identity(organization: Organization | int, among: Sequence[int] | None) -> list[Signal]:
    if among is not None and not among:
        return []
    found = []
    for conflict in identity.conflicts(organization, among=among):
        kind = Kind.SHARED_EMAIL if conflict.kind == "email" else Kind.SHARED_CREDENTIAL
        for claimant in conflict.claimants:
            if among is not None and claimant.candidate_id not in among:
                continue
            held = claimant.credential_id
            found.append(
                Signal(
                    kind,
                    Link(claimant.candidate_id, claimant.name),
                    conflict.sentence,
                    (Link(held, conflict.subject),) if held is not None else (),
                    tuple(
                        Link(o.candidate_id, o.name) for o in conflict.others(claimant.candidate_id)
                    ),
                )
            )
    return found


Row = (
    Any  # a credential row read by _scope as a named tuple (holder_id, holder_name: its candidate)
)


def _scope(
    organization: Organization | int, among: Sequence[int] | None, active_only: bool
) -> peewee.ModelSelect:
    # Among chosen candidates: their own credentials through the candidate index, with the
    # organisation enforced on the candidate (filtering the credential's own organisation too
    # made SQLite read every credential of the organisation, 100,000 in bench/pages.py).
    base = Credential.select() if among is not None else Credential.of(organization)
    query = base.select(
        Credential.id,
        Credential.achievement_name,
        Credential.source_name,
        Credential.source_url,
        Credential.issuer_url,
        Credential.issuer_name,
        Credential.subject_name,
        Credential.issued_on,
        Credential.verdict,
        Candidate.id.alias("holder_id"),
        Candidate.name.alias("holder_name"),
    ).join(Candidate)
    if among is not None:
        chosen = list(among)  # named on both sides, so the join starts from these candidates
        query = query.where(
            Candidate.id.in_(chosen)
            & Credential.candidate.in_(chosen)
            & (Candidate.organization == organization)
        )
    if active_only:
        query = query.where(Candidate.archived == False)  # noqa: E712
    return query.order_by(Candidate.name, Candidate.id, Credential.id)


def _label(credential: Row) -> str:
    return (
        credential.achievement_name
        or credential.source_name
        or (credential.source_url or "")[:80]
        or "a credential"
    )


def _link(credential: Row) -> Link:
    return Link(credential.id, _label(credential))


def _owner(credential: Row) -> Link:
    return Link(credential.holder_id, credential.holder_name)


def _name_mismatches(scope: peewee.ModelSelect) -> list[Signal]:
    rows = scope.where(
        (Credential.subject_name != "") & Credential.verdict.in_(AUTHENTIC)
    ).namedtuples()
    return [
        Signal(
            Kind.NAME_MISMATCH,
            _owner(row),
            f"“{_label(row)}” names its holder “{row.subject_name}”, not {row.holder_name}.",
            (_link(row),),
        )
        for row in rows
        if compare_names(row.subject_name, row.holder_name) is NameMatch.DIFFERENT
    ]


@dataclass
class _Issuer:
    """One issuer as the organisation has seen it: when first, and how much this week."""

    first_seen: datetime
    this_week: int = 0  # badges issued and added this week


_cache: OrderedDict[int, tuple[tuple[object, ...], dict[str, _Issuer]]] = OrderedDict()
_lock = threading.Lock()
CACHE_SIZE = 64  # organisations


def _new_issuers_cached(organization: Organization | int, now: datetime) -> dict[str, _Issuer]:
    """The organisation's new issuers, worked out again only when its credentials changed (or
    the hour did: the week slides): a candidate page asks on every visit and poll, and an
    organisation that added thousands of badges this week would read them all each time."""
    org = organization.id if isinstance(organization, Organization) else organization
    fn = peewee.fn
    # Index seeks only (counting the organisation's credentials took 10 ms at 100,000): a new
    # credential raises the highest id, a changed issuer name or address bumps the evidence
    # revision, and a removed credential touches its candidate (or removes the candidate).
    state = (
        Organization.select(
            Organization.created_at,  # another database's organisation of the same id differs
            Organization.evidence_revision,
            Credential.of(org).select(fn.MAX(Credential.id)),
            Candidate.of(org).select(fn.COUNT(Candidate.id)),
            Candidate.of(org).select(fn.MAX(Candidate.updated_at)),
        )
        .where(Organization.id == org)
        .tuples()
        .first()
    )
    key = (state, now.replace(minute=0, second=0, microsecond=0))
    with _lock:
        cached = _cache.get(org)
    if cached is not None and cached[0] == key:
        return cached[1]
    found = _new_issuers(org, now)
    with _lock:
        _cache[org] = (key, found)
        _cache.move_to_end(org)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def _new_issuers(organization: Organization | int, now: datetime) -> dict[str, _Issuer]:
    """Issuers (by identifier, or name when they have none) of which the organisation added
    badges this week and none before. Reads only this week's rows; the older ones are probed
    by index (migration 018)."""
    since = now - timedelta(days=NEW_ISSUER_DAYS)
    older = Credential.alias()
    seen_before = older.select(peewee.SQL("1")).where(
        (older.organization == organization)
        & (older.issuer_name == Credential.issuer_name)
        & (older.issuer_url == Credential.issuer_url)
        & (older.created_at < since)
    )
    query = (
        Credential.of(organization)
        .select(
            Credential.issuer_url,
            Credential.issuer_name,
            peewee.fn.MIN(Credential.created_at),
            peewee.fn.SUM(peewee.Case(None, [(Credential.issued_on >= since, 1)], 0)),
        )
        .where(
            Credential.created_at.between(since, now)
            & ((Credential.issuer_url != "") | (Credential.issuer_name != ""))
        )
        .group_by(Credential.issuer_url, Credential.issuer_name)
        .having(~peewee.fn.EXISTS(seen_before))
    )
    found: dict[str, _Issuer] = {}
    for url, name, first, count in query.tuples():
        first = Credential.created_at.python_value(first)
        key = issuer_key(url, name)
        seen = found.get(key)
        if seen is None:
            found[key] = _Issuer(first, int(count or 0))
        else:
            seen.first_seen = min(seen.first_seen, first)
            seen.this_week += int(count or 0)
    return _without_renamed(organization, found, since)


def _without_renamed(
    organization: Organization | int, found: dict[str, _Issuer], since: datetime
) -> dict[str, _Issuer]:
    """Leave out issuers seen before under another name: the identifier is what is new or not."""
    urls = [key for key in found if key.startswith(("https://", "http://", "did:"))]
    if not urls:
        return found
    renamed = (
        Credential.of(organization)
        .select(Credential.issuer_url)
        .where(Credential.issuer_url.in_(urls) & (Credential.created_at < since))
        .distinct()
        .tuples()
    )
    for (url,) in renamed:
        found.pop(url, None)
    return found


@dataclass(frozen=True)
class _Trusted:
    key: str
    name: str
    origin: str


def _trusted(organization: Organization | int) -> tuple[list[_Trusted], set[str]]:
    """Trusted issuers known by an identifier (a policy keyed by a bare name has no origin to
    compare), and the keys of every trusted issuer."""
    rows = list(IssuerTrust.of(organization).where(IssuerTrust.tier == Tier.TRUSTED.value))
    known = [
        _Trusted(row.issuer, row.name, issuer_origin(row.issuer))
        for row in rows
        if row.issuer.startswith(("https://", "http://", "did:"))
    ]
    return known, {row.issuer for row in rows}


def _lookalikes(
    scope: peewee.ModelSelect, trusted: list[_Trusted], trusted_keys: set[str]
) -> list[Signal]:
    """Judge each distinct issuer once, then read only the credentials of those that imitate."""
    if not trusted:
        return []
    authentic = Credential.verdict.in_(AUTHENTIC) & (Credential.issuer_name != "")
    issuers = (
        scope.select(Credential.issuer_url, Credential.issuer_name)
        .where(authentic)
        .group_by(Credential.issuer_url, Credential.issuer_name)
        .order_by()
        .tuples()
    )
    imitating = {
        (url, name): imitated
        for url, name in issuers
        if issuer_key(url, name) not in trusted_keys
        and (imitated := _imitation(name, issuer_origin(url), trusted)) is not None
    }
    if not imitating:
        return []
    grouped: dict[tuple[int, str, str], list[Row]] = defaultdict(list)
    names = list({name for _, name in imitating})
    for row in scope.where(authentic & Credential.issuer_name.in_(names)).namedtuples():
        if (row.issuer_url, row.issuer_name) in imitating:
            grouped[(row.holder_id, row.issuer_url, row.issuer_name)].append(row)
    return [
        _lookalike_signal(held, *imitating[(url, name)]) for (_, url, name), held in grouped.items()
    ]


def _imitation(
    name: str, origin: str, trusted: list[_Trusted]
) -> tuple[_Trusted, Resemblance] | None:
    for issuer in trusted:
        if issuer.origin == origin or not issuer.name:
            continue
        how = resemblance(name, issuer.name)
        if how is not None:
            return issuer, how
    return None


def _lookalike_signal(held: list[Row], trusted: _Trusted, how: Resemblance) -> Signal:
    first = held[0]
    origin = issuer_origin(first.issuer_url) or "no address"
    text = (
        f"{_subject(held)} issued by “{first.issuer_name}” at {origin}. That name "
        f"{RESEMBLING[how]} your trusted issuer “{trusted.name}” at {trusted.origin}, "
        "yet it is a different issuer."
    )
    return Signal(Kind.LOOKALIKE_ISSUER, _owner(first), text, tuple(map(_link, held)))


def _subject(held: list[Row]) -> str:
    """'“SQL Basics” was' or '3 credentials (“A”, “B”, “C”) were'."""
    if len(held) == 1:
        return f"“{_label(held[0])}” was"
    labels = list(dict.fromkeys(_label(c) for c in held))  # five copies of one badge: once
    names = ", ".join(f"“{label}”" for label in labels[:NAMES_LISTED])
    more = ", …" if len(labels) > NAMES_LISTED else ""
    return f"{len(held)} credentials ({names}{more}) were"


def _bursts(
    scope: peewee.ModelSelect, new: dict[str, _Issuer], trusted_keys: set[str], since: datetime
) -> list[Signal]:
    new = {key: seen for key, seen in new.items() if key not in trusted_keys}
    if not new:
        return []
    urls = {key for key in new if key.startswith(("http", "did:"))}
    # Most of a new issuer's badges on a page were issued before this week: they are left to
    # the database (a day early, whatever offset a date was stored with), the rest judged below.
    rows = scope.where(
        (Credential.issuer_url.in_(list(urls)) | Credential.issuer_name.in_(list(new)))
        & (Credential.issued_on >= since - timedelta(days=1))
    ).namedtuples()
    grouped: dict[tuple[int, str], list[Row]] = defaultdict(list)
    for row in rows:
        key = issuer_key(row.issuer_url, row.issuer_name)
        fresh = row.issued_on is not None and _aware(row.issued_on) >= since
        if key in new and fresh:
            grouped[(row.holder_id, key)].append(row)
    found = []
    for (_, key), held in grouped.items():
        seen = new[key]
        if seen.this_week >= BURST_COUNT or len(held) >= BURST_ON_ONE_CANDIDATE:
            found.append(_burst_signal(held, seen))
    return found


def _burst_signal(held: list[Row], seen: _Issuer) -> Signal:
    first = held[0]
    issuer = first.issuer_name or issuer_origin(first.issuer_url)
    text = (
        f"{_subject(held)} issued by “{issuer}”, an issuer your organisation first saw on "
        f"{seen.first_seen:%-d %b %Y}; {seen.this_week} of its badges were issued and added "
        "this week."
    )
    return Signal(Kind.NEW_ISSUER_BURST, _owner(first), text, tuple(map(_link, held)))


def _aware(moment: datetime | str) -> datetime:
    """A stored date as an aware UTC datetime (named tuples skip the field's conversion)."""
    value = Credential.issued_on.python_value(moment)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
