"""Rank an organisation's candidates for a role: load evidence, call app.ranking, cache, export."""

from __future__ import annotations

import csv
import hashlib
import io
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

import peewee

from app.db import write_transaction
from app.models import (
    Candidate,
    Credential,
    Organization,
    ProvenIdentity,
    RankingExport,
    RankingSettings,
    RoleProfile,
    User,
)
from app.ranking import (
    CandidateScore,
    Evidence,
    Importance,
    Ownership,
    Policy,
    Profile,
    Requirement,
    StackRule,
    Tier,
    rank,
    score_candidate,
)
from app.ranking.taxonomy import normalise
from app.services import ownership
from app.services import roles as role_service
from app.services import skills as skill_service
from app.services.accounts import audit
from app.services.exports import safe_cell
from app.services.issuer_identity import identity_of
from app.services.ownership import Belonging
from app.verification.issuer_pages import FORMAT as ISSUER_PAGE

CACHE_SIZE = 16


@dataclass
class RoleRanking:
    """A role's ranking as computed for one state of the organisation's data."""

    role_id: int
    token: str
    policy: Policy
    profile: Profile
    scores: list[CandidateScore]
    credential_names: dict[int, str] = field(default_factory=dict)
    computed_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    state: DataState | None = None  # what it was computed from
    # Derived once per computed ranking (data only: markup belongs to the views).
    _places: list[tuple[int, bool]] = field(default_factory=list, repr=False)
    _filtered: dict[tuple[bool, int], list[tuple[tuple[int, bool], CandidateScore]]] = field(
        default_factory=dict, repr=False
    )

    def of(self, candidate_id: int) -> CandidateScore | None:
        return next((s for s in self.scores if s.candidate_id == candidate_id), None)

    def position(self, candidate_id: int) -> int | None:
        """The candidate's place, shared with everyone tied with them (see `places`)."""
        found = self.place_of(candidate_id)
        return found[0] if found else None

    def place_of(self, candidate_id: int) -> tuple[int, bool] | None:
        """(place, tied) of a candidate, or None when they are not ranked."""
        for score, place in zip(self.scores, self.places(), strict=True):
            if score.candidate_id == candidate_id:
                return place
        return None

    def places(self) -> list[tuple[int, bool]]:
        """Each score's (place, tied), in ranking order: equal scores share a place (1, 2, 2, 4).

        Scores are equal as shown (one decimal) and, with the gate on, on the same side of it;
        the name only orders tied candidates, it does not rank them.
        """
        if not self._places and self.scores:
            keys = [
                (f"{s.score:.1f}", self.profile.gate and not s.meets_required) for s in self.scores
            ]
            found: list[tuple[int, bool]] = []
            for n, key in enumerate(keys):
                place = found[n - 1][0] if n and keys[n - 1] == key else n + 1
                tied = (n > 0 and keys[n - 1] == key) or (n + 1 < len(keys) and keys[n + 1] == key)
                found.append((place, tied))
            self._places = found
        return self._places

    def filtered(self, meets: bool, minimum: int) -> list[tuple[tuple[int, bool], CandidateScore]]:
        """(place, score) pairs passing the filters: meeting every required skill, a minimum."""
        key = (meets, minimum)
        if key not in self._filtered:
            self._filtered[key] = [
                (place, score)
                for place, score in zip(self.places(), self.scores, strict=True)
                if (not meets or score.meets_required) and score.score >= minimum
            ]
        return self._filtered[key]


_cache: OrderedDict[int, RoleRanking] = OrderedDict()  # by role id
_lock = threading.Lock()
_org_locks: dict[int, threading.Lock] = defaultdict(threading.Lock)


@dataclass(frozen=True)
class DataState:
    """What a ranking was computed from: the organisation's evidence revision (bumped only when
    a credential's verdict or evidence changes, not on every run) and everything else."""

    evidence: int
    others: tuple[object, ...]

    @property
    def token(self) -> str:
        text = "|".join(str(part) for part in (self.evidence, *self.others))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def data_state(organization: Organization | int) -> DataState:
    """One cheap round trip (indexed maxima and a count), so pages can ask every few seconds."""
    fn = peewee.fn
    org = organization.id if isinstance(organization, Organization) else organization
    row = (
        Organization.select(
            Organization.evidence_revision,
            Credential.of(org).select(fn.MAX(Credential.id)),
            Candidate.of(org).select(fn.COUNT(Candidate.id)),
            Candidate.of(org).select(fn.MAX(Candidate.updated_at)),
            RankingSettings.of(org).select(RankingSettings.revision),
        )
        .where(Organization.id == org)
        .tuples()
        .first()
    ) or (0,)
    return DataState(int(row[0] or 0), (*row[1:], date.today().isoformat()))


def token(organization: Organization | int) -> str:
    """Changes whenever a credential's verdict or evidence changes, a credential arrives, a
    candidate is added, edited, archived or deleted, or a ranking input changes."""
    return data_state(organization).token


def ranking_for(role: RoleProfile, now: datetime | None = None) -> RoleRanking:
    """The role's ranking, recomputed only when the organisation's data changed: for changed
    evidence, only the candidates whose credentials changed are scored again."""
    state = data_state(role.organization_id)
    cached = _cached(role.id, state)
    if cached is not None:
        return cached
    # One computation per organisation at a time; other organisations never wait for it.
    with _org_locks[role.organization_id]:
        cached = _cached(role.id, state)
        if cached is not None:
            return cached
        with _lock:
            previous = _cache.get(role.id)
        moment = now or datetime.now(UTC)
        if previous is not None and previous.state.others == state.others:
            result = update(previous, state, moment)
        else:
            result = compute(role, state, moment)
    with _lock:
        _cache[role.id] = result
        _cache.move_to_end(role.id)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def _cached(role_id: int, state: DataState) -> RoleRanking | None:
    with _lock:
        found = _cache.get(role_id)
        if found is None or found.state != state:
            return None
        _cache.move_to_end(role_id)
        return found


def compute(role: RoleProfile, state: DataState, now: datetime) -> RoleRanking:
    """Load every candidate's evidence and score it against the role profile."""
    organization = role.organization_id
    evidence, names = load_evidence(organization)
    policy = role_service.ranking_policy(organization)
    profile = profile_of(role)
    stacks = stack_rules(organization)
    people = (
        Candidate.of(organization)
        .select(Candidate.id, Candidate.name)
        .where(Candidate.archived == False)  # noqa: E712
        .tuples()
    )
    scores = [
        score_candidate(
            candidate_id,
            name,
            profile,
            evidence.get(candidate_id, []),
            policy=policy,
            now=now,
            stacks=stacks,
            names=names,
        )
        for candidate_id, name in people
    ]
    return RoleRanking(
        role.id, state.token, policy, profile, rank(scores, profile), _display(evidence), now, state
    )


def update(previous: RoleRanking, state: DataState, now: datetime) -> RoleRanking:
    """The previous ranking with only the candidates whose evidence changed since scored again."""
    organization = (
        RoleProfile.select(RoleProfile.organization).where(RoleProfile.id == previous.role_id)
    ).scalar()
    changed = Credential.of(organization).where(
        Credential.evidence_revision > previous.state.evidence
    )
    affected = {row.candidate_id for row in changed.select(Credential.candidate).distinct()}
    evidence, names = load_evidence(organization, affected)
    stacks = stack_rules(organization)
    scores = {score.candidate_id: score for score in previous.scores}
    for candidate_id in affected & scores.keys():
        scores[candidate_id] = score_candidate(
            candidate_id,
            scores[candidate_id].name,
            previous.profile,
            evidence.get(candidate_id, []),
            policy=previous.policy,
            now=now,
            stacks=stacks,
            names=names,
        )
    display = {**previous.credential_names, **_display(evidence)}
    ranked = rank(list(scores.values()), previous.profile)
    return RoleRanking(
        previous.role_id,
        state.token,
        previous.policy,
        previous.profile,
        ranked,
        display,
        now,
        state,
    )


def profile_of(role: RoleProfile) -> Profile:
    requirements = tuple(
        Requirement(
            skill_id=row.skill_id,
            name=row.skill.name,
            importance=Importance(row.importance),
            weight=row.weight,
            min_level=row.min_level,
            recency_months=row.recency_months,
        )
        for row in role_service.requirements_of(role)
    )
    return Profile(requirements, gate=bool(role.gate))


def load_evidence(
    organization: Organization | int, candidates: set[int] | None = None
) -> tuple[dict[int, list[Evidence]], dict[int, str]]:
    """Every credential of the organisation's active candidates (or of these), as evidence.

    Read only: skills the taxonomy lacks were added when the evidence was stored."""
    index = skill_service.build_index(organization)
    resolver = skill_service.ClaimResolver(index, skill_service.evidence_skill_ids(organization))
    tiers = role_service.tiers_of(organization)
    query = (
        Credential.of(organization)
        .select(
            Credential.id,
            Credential.candidate,
            Credential.achievement_name,
            Credential.issuer_name,
            Credential.issuer_url,
            Credential.verdict,
            Credential.stale,
            Credential.issued_on,
            Credential.expires,
            Credential.skills_json,
            Credential.recipient,
            Credential.recipient_identity,
            Credential.subject_id,
            Credential.format,
        )
        .join(Candidate)
        .where(Candidate.archived == False)  # noqa: E712
    )
    if candidates is not None:
        query = query.where(Credential.candidate.in_(sorted(candidates)))
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    names: dict[int, str] = {}
    proofs = _proofs(organization, candidates)
    # Raw rows: peewee's per-value conversion would double the time at 100,000 credentials.
    for row in Credential._meta.database.execute(query):
        cid, candidate, name, issuer, issuer_url, verdict, stale, issued, expires, skills = row[:10]
        recipient, recipient_identity, subject_id, kind = row[10:]
        owned = _ownership(recipient, recipient_identity, subject_id, proofs.get(candidate))
        names[cid] = _normalised(name)
        tier = tiers.get(role_service.issuer_key(issuer_url, issuer), Tier.UNKNOWN)
        evidence[candidate].append(
            Evidence(
                credential_id=cid,
                candidate_id=candidate,
                name=name or "Untitled credential",
                # ranked and explained as what the issuer policy establishes, not its own claim
                issuer=identity_of(issuer, issuer_url, tier).label,
                verdict=verdict,
                stale=bool(stale),
                tier=tier,
                issued_on=_utc(issued),
                expires=_utc(expires),
                claims=resolver.claims(skills),
                ownership=owned,
                issuer_page=kind == ISSUER_PAGE and recipient == "matched",
            )
        )
    return evidence, names


OWNERSHIP = {Belonging.PROVEN: Ownership.PROVEN, Belonging.MATCHED: Ownership.MATCHED}


def _ownership(
    recipient: str, identity: str, subject_id: str, proofs: list[ProvenIdentity] | None
) -> Ownership:
    """Most candidates proved nothing: their credentials need no look at proofs."""
    if not proofs:
        return Ownership.MATCHED if recipient == "matched" else Ownership.UNCHECKED
    belonging = ownership.state_of(recipient, identity, subject_id, proofs)
    return OWNERSHIP.get(belonging, Ownership.UNCHECKED)


def _proofs(
    organization: Organization | int, candidates: set[int] | None
) -> dict[int, list[ProvenIdentity]]:
    """The organisation's proven identities by candidate, in one query."""
    query = ProvenIdentity.of(organization)
    if candidates is not None:
        query = query.where(ProvenIdentity.candidate.in_(sorted(candidates)))
    found: dict[int, list[ProvenIdentity]] = defaultdict(list)
    for proof in query:
        found[proof.candidate_id].append(proof)
    return found


def _utc(value: object) -> datetime | None:
    """A stored naive-UTC timestamp (text on SQLite, a datetime on PostgreSQL), made aware."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) else None


@lru_cache(maxsize=4096)
def _normalised(name: str) -> str:
    return normalise(name)


def _display(evidence: dict[int, list[Evidence]]) -> dict[int, str]:
    return {item.credential_id: item.name for items in evidence.values() for item in items}


def stack_rules(organization: Organization | int) -> list[StackRule]:
    return [
        StackRule(
            rule_id=rule.id,
            name=rule.name,
            count=rule.count,
            member_names=role_service.normalised_member_names(rule),
            member_skills=frozenset(role_service.ids(rule.member_skills_json)),
            grants=tuple(role_service.ids(rule.grants_json)),
        )
        for rule in role_service.stacks_of(organization)
    ]


# Export

CSV_HEADER = [
    "rank",
    "candidate",
    "score",
    "meets_required",
    "missing_required",
    "skill",
    "importance",
    "weight",
    "credential",
    "verified",
    "trust",
    "stale",
    "recency",
    "level",
    "ownership",
    "points",
    "max_points",
    "policy_version",
]


def export_csv(role: RoleProfile, actor: User | None) -> str:
    """The ranking with one row per candidate and skill, recorded with its policy version."""
    ranking = ranking_for(role)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for position, score in enumerate(ranking.scores, 1):
        missing = "; ".join(r.name for r in score.missing_required)
        for row in score.rows or ():
            found = row.factors.as_dict() if row.factors else {}
            writer.writerow(
                [
                    position,
                    safe_cell(score.name),
                    f"{score.score:.1f}",
                    "yes" if score.meets_required else "no",
                    safe_cell(missing),
                    safe_cell(row.requirement.name),
                    row.requirement.importance.value,
                    row.requirement.weight,
                    safe_cell(row.evidence.name if row.evidence else ""),
                    *(
                        f"{found[k]:.2f}" if found else ""
                        for k in ("verified", "trust", "stale", "recency", "level", "ownership")
                    ),
                    f"{row.points:.1f}",
                    f"{row.max_points:.1f}",
                    ranking.policy.version,
                ]
            )
    text = buffer.getvalue()
    with write_transaction():
        RankingExport.create(
            organization=role.organization_id,
            role=role,
            policy_version=ranking.policy.version,
            candidates=len(ranking.scores),
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            created_by=actor,
        )
        audit(role.organization_id, actor, "ranking.exported", role.title, ranking.policy.version)
    return text
