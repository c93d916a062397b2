"""Score = sum(weight x best evidence) / sum(weight), from 0 to 100, with every point explained."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.ranking.factors import Factors, factors, ownership_note
from app.ranking.model import Evidence, Profile, Requirement, SkillClaim, StackRule
from app.ranking.policy import Policy
from app.ranking.stacks import apply_stacks
from app.ranking.suggest import ClaimIndex, Suggestion, suggestions

# Verdicts that say something is wrong with the candidate's claim, not merely unproven.
RED_FLAG_VERDICTS = frozenset({"revoked", "recipient_mismatch"})


@dataclass(frozen=True, slots=True)
class SkillRow:
    """One requirement: the evidence that counted, its factors and its share of the score."""

    requirement: Requirement
    evidence: Evidence | None
    claim: SkillClaim | None
    factors: Factors | None
    points: float  # contribution to the 0-100 score
    max_points: float
    flags: tuple[Evidence, ...] = ()  # revoked or someone else's credentials claiming the skill
    uncounted: tuple[Evidence, ...] = ()  # issuer pages claiming it, left out by the policy

    @property
    def strength(self) -> float:
        return self.factors.strength if self.factors else 0.0

    @property
    def met(self) -> bool:
        return self.strength > 0

    @property
    def ownership_note(self) -> str:
        """Why the evidence counted at less for its ownership, in plain words ("" if it did not)."""
        if self.evidence is None or self.factors is None:
            return ""
        return ownership_note(self.evidence, self.factors)


@dataclass(frozen=True, slots=True)
class CandidateScore:
    candidate_id: int
    name: str
    score: float
    rows: tuple[SkillRow, ...]
    suggestions: tuple[Suggestion, ...]
    stacks: tuple[Evidence, ...] = ()

    @property
    def missing(self) -> tuple[Requirement, ...]:
        return tuple(row.requirement for row in self.rows if not row.met)

    @property
    def missing_required(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.missing if r.required)

    @property
    def meets_required(self) -> bool:
        return not self.missing_required

    @property
    def red_flags(self) -> tuple[Evidence, ...]:
        """Revoked and someone else's credentials that claim the role's skills, each once."""
        seen: dict[int, Evidence] = {}
        for row in self.rows:
            for item in row.flags:
                seen.setdefault(item.credential_id, item)
        return tuple(seen.values())

    @property
    def coverage(self) -> float:
        """Share of the role's skills with any verified evidence, from 0 to 1."""
        return sum(1 for row in self.rows if row.met) / len(self.rows) if self.rows else 0.0


def score_candidate(
    candidate_id: int,
    name: str,
    profile: Profile,
    evidence: Sequence[Evidence],
    *,
    policy: Policy,
    now: datetime,
    stacks: Iterable[StackRule] = (),
    names: dict[int, str] | None = None,
) -> CandidateScore:
    """Score one candidate against `profile`; only verified evidence earns points."""
    claims = claims_by_skill(evidence)
    total_weight = sum(r.weight for r in profile.requirements)

    def rows_with(stacked: list[Evidence]) -> tuple[SkillRow, ...]:
        pool = claims_by_skill(stacked, claims) if stacked else claims
        return tuple(_row(r, pool, total_weight, policy, now) for r in profile.requirements)

    def worth(stacked: list[Evidence]) -> float:
        return math.fsum(row.points for row in rows_with(stacked))

    stacked = apply_stacks(evidence, stacks, policy, names or {}, worth) if stacks else []
    rows = rows_with(stacked)
    score = math.fsum(row.points for row in rows) if total_weight else 0.0
    hints = suggestions(rows, claims, total_weight, policy, now)
    return CandidateScore(
        candidate_id, name, min(100.0, max(0.0, score)), rows, hints, tuple(stacked)
    )


def claims_by_skill(evidence: Iterable[Evidence], base: ClaimIndex | None = None) -> ClaimIndex:
    """Each skill's (credential, claim) pairs, so a requirement looks only at its own."""
    index: ClaimIndex = {k: list(v) for k, v in (base or {}).items()}
    for item in evidence:
        for claim in item.claims:
            index.setdefault(claim.skill_id, []).append((item, claim))
    return index


def _row(
    requirement: Requirement,
    pool: ClaimIndex,
    total_weight: int,
    policy: Policy,
    now: datetime,
) -> SkillRow:
    max_points = 100.0 * requirement.weight / total_weight if total_weight else 0.0
    best: tuple[float, int, Evidence, SkillClaim, Factors] | None = None
    pairs = pool.get(requirement.skill_id, ())
    flags = tuple(dict.fromkeys(item for item, _ in pairs if item.verdict in RED_FLAG_VERDICTS))
    uncounted = tuple(
        dict.fromkeys(
            item for item, _ in pairs if item.naming_issuer_page and not policy.counts_issuer_pages
        )
    )
    for item, claim in pairs:
        found = factors(item, claim, requirement, policy, now)
        key = (found.strength, -item.credential_id)
        if best is None or key > (best[0], best[1]):
            best = (found.strength, -item.credential_id, item, claim, found)
    if best is None or best[0] <= 0:
        return SkillRow(requirement, None, None, None, 0.0, max_points, flags, uncounted)
    _, _, item, claim, found = best
    points = max_points * found.strength
    return SkillRow(requirement, item, claim, found, points, max_points, flags, uncounted)


def rank(scores: Iterable[CandidateScore], profile: Profile) -> list[CandidateScore]:
    """Best first; with the gate on, everyone meeting all requirements comes first; ties by name."""
    return sorted(scores, key=lambda s: _order(s, profile.gate))


def _order(score: CandidateScore, gate: bool) -> tuple[bool, float, str, int]:
    return (
        gate and not score.meets_required,
        -round(score.score, 9),
        score.name.casefold(),
        score.candidate_id,
    )
