"""The scoring policy: every factor in one versioned place."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.ranking.model import Evidence, Ownership, Tier

# Bump whenever a factor or the formula changes; stored with every exported ranking.
# -2: an ownership factor for unproven credentials; -3: issuer pages counted by policy.
POLICY_VERSION = "2026.12-3"

# What an issuer's certificate page naming the candidate counts for, where the organisation
# counts them at all: half a verified credential (the page's site vouches for it today, but
# nothing on it is signed and it can change or vanish).
ISSUER_PAGE_FACTOR = 0.5

DEFAULT_TIER_FACTORS: dict[Tier, float] = {
    Tier.TRUSTED: 1.0,
    Tier.NEUTRAL: 0.9,
    Tier.UNKNOWN: 0.7,
    Tier.BLOCKED: 0.0,
}


@dataclass(frozen=True, slots=True)
class Policy:
    """Factors that turn one credential into evidence of a skill (each between 0 and 1)."""

    tier_factors: dict[Tier, float] = field(default_factory=lambda: dict(DEFAULT_TIER_FACTORS))
    stale: float = 0.8  # verified before, issuer unreachable since
    outside_recency: float = 0.5  # issued before the role's recency window
    below_level: float = 0.5  # carries a level below the role's minimum
    # Ownership only matched or unchecked, not proven by the candidate; proven counts in full.
    # 1.0 (the default) treats them alike, as before the factor existed.
    unproven: float = 1.0
    issuer_pages: float = 0.0  # an issuer page naming the candidate; 0: not counted (default)
    version: str = POLICY_VERSION

    def __post_init__(self) -> None:
        for tier, value in self.tier_factors.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"the {tier.value} factor must be between 0 and 1")
        if not 0.0 <= self.unproven <= 1.0:
            raise ValueError("the unproven ownership factor must be between 0 and 1")
        if not 0.0 <= self.issuer_pages <= 1.0:
            raise ValueError("the issuer page factor must be between 0 and 1")

    def ownership(self, ownership: Ownership) -> float:
        """Proven counts in full; matched and unchecked at the organisation's factor."""
        return 1.0 if ownership is Ownership.PROVEN else self.unproven

    def tier(self, tier: Tier) -> float:
        found = self.tier_factors.get(tier)
        return DEFAULT_TIER_FACTORS[tier] if found is None else found

    def assurance(self, evidence: Evidence) -> float:
        """1 for a verified credential, the issuer-page factor for an issuer page naming the
        candidate, else 0: the "verified" factor of evidence strength."""
        if evidence.verified:
            return 1.0
        return self.issuer_pages if evidence.naming_issuer_page else 0.0

    @property
    def counts_issuer_pages(self) -> bool:
        return self.issuer_pages > 0.0
