"""The factors one credential earns towards one required skill."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from app.ranking.model import Evidence, Ownership, Requirement, SkillClaim
from app.ranking.policy import Policy

LEVEL_WORDS = ("beginner", "foundation", "intermediate", "advanced", "expert")
DAYS_PER_MONTH = 30.44


@dataclass(frozen=True, slots=True)
class Factors:
    """Each factor is between 0 and 1; evidence strength is their product."""

    verified: float
    trust: float
    stale: float
    recency: float
    level: float
    ownership: float = 1.0

    @property
    def strength(self) -> float:
        return self.verified * self.trust * self.stale * self.recency * self.level * self.ownership

    def as_dict(self) -> dict[str, float]:
        return {
            "verified": self.verified,
            "trust": self.trust,
            "stale": self.stale,
            "recency": self.recency,
            "level": self.level,
            "ownership": self.ownership,
        }


def factors(
    evidence: Evidence,
    claim: SkillClaim,
    requirement: Requirement,
    policy: Policy,
    now: datetime,
    *,
    as_if_verified: bool = False,
    as_if_proven: bool = False,
) -> Factors:
    """How much `evidence` proves `requirement`; `as_if_verified`/`as_if_proven` price a fix."""
    return Factors(
        verified=1.0 if as_if_verified else policy.assurance(evidence),
        trust=policy.tier(evidence.tier),
        stale=policy.stale if evidence.stale and not as_if_verified else 1.0,
        recency=recency(evidence.issued_on, requirement.recency_months, policy, now),
        level=level_match(claim.level, requirement.min_level, policy),
        ownership=policy.ownership(Ownership.PROVEN if as_if_proven else evidence.ownership),
    )


OWNERSHIP_REASONS = {
    Ownership.MATCHED: "awarded to an address the recruiter typed, not proven by the candidate",
    Ownership.UNCHECKED: "nothing shows it was awarded to this candidate, and they have not "
    "proven it",
}


def ownership_note(evidence: Evidence, found: Factors) -> str:
    """The ownership factor in plain words, when it lowered the evidence; "" otherwise."""
    if found.ownership >= 1.0 or evidence.ownership is Ownership.PROVEN:
        return ""
    return f"counted at {found.ownership:.0%}: {OWNERSHIP_REASONS[evidence.ownership]}"


def recency(
    issued_on: datetime | None, window_months: int | None, policy: Policy, now: datetime
) -> float:
    """1 inside the window (or with no window or no date), the policy's reduction outside."""
    if window_months is None or issued_on is None:
        return 1.0
    age_months = (now - issued_on).total_seconds() / 86400 / DAYS_PER_MONTH
    return 1.0 if age_months <= window_months else policy.outside_recency


def level_match(level: str, minimum: str, policy: Policy) -> float:
    """1 when the evidence meets the minimum or carries no level; reduced when below it."""
    if not minimum.strip() or not level.strip():
        return 1.0
    have, need = _level_rank(level), _level_rank(minimum)
    if have is not None and need is not None and have[0] == need[0]:
        return 1.0 if have[1] >= need[1] else policy.below_level
    return 1.0 if level.strip().casefold() == minimum.strip().casefold() else policy.below_level


def _level_rank(text: str) -> tuple[str, float] | None:
    """A comparable rank: a named level or a number (a grade, a percentage), never mixed."""
    word = text.strip().casefold()
    if word in LEVEL_WORDS:
        return ("word", float(LEVEL_WORDS.index(word)))
    number = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%?", word)
    return ("number", float(number.group(1))) if number else None
