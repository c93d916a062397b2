"""The values ranking works on: requirements, evidence and stack rules."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Importance(enum.StrEnum):
    REQUIRED = "required"
    PREFERRED = "preferred"


class Tier(enum.StrEnum):
    """How far the organisation trusts an issuer."""

    TRUSTED = "trusted"
    NEUTRAL = "neutral"
    UNKNOWN = "unknown"
    BLOCKED = "blocked"


class Ownership(enum.StrEnum):
    """How strongly a credential is shown to be its candidate's."""

    PROVEN = "proven"  # the candidate proved control of the address or DID it names
    MATCHED = "matched"  # awarded to an address a recruiter gave for the candidate
    UNCHECKED = "unchecked"  # nothing to compare, or not checked


@dataclass(frozen=True, slots=True)
class Requirement:
    """One skill a role asks for."""

    skill_id: int
    name: str
    importance: Importance = Importance.PREFERRED
    weight: int = 3  # 1-5
    min_level: str = ""  # compared with the evidence's level when it carries one
    recency_months: int | None = None  # older evidence counts less

    @property
    def required(self) -> bool:
        return self.importance is Importance.REQUIRED


@dataclass(frozen=True, slots=True)
class Profile:
    """A role's skill profile; `gate` ranks candidates missing a required skill last."""

    requirements: tuple[Requirement, ...]
    gate: bool = True


@dataclass(frozen=True, slots=True)
class SkillClaim:
    """A credential's claim to a skill, and how the claim was mapped."""

    skill_id: int
    label: str  # the credential's own words
    source: str = "alignment"  # alignment | tag | stack
    method: str = "uri"  # uri | code | name | alias | confirmed | evidence | stack
    level: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One credential of a candidate, whatever its verdict."""

    credential_id: int
    candidate_id: int
    name: str
    issuer: str
    verdict: str | None  # None while not verified yet
    stale: bool = False
    tier: Tier = Tier.UNKNOWN
    issued_on: datetime | None = None
    expires: datetime | None = None
    claims: tuple[SkillClaim, ...] = ()
    members: tuple[int, ...] = field(default=())  # for a stack: the credentials it used
    ownership: Ownership = Ownership.UNCHECKED
    # A course certificate page on the issuer's own site that names this candidate: never
    # verified, counted only at the organisation's `Policy.issuer_pages` factor.
    issuer_page: bool = False

    @property
    def verified(self) -> bool:
        return self.verdict == "verified"

    @property
    def naming_issuer_page(self) -> bool:
        """An issuer page that (still) names the candidate: its verdict is `unsupported`, the
        word for every issuer page; revoked, mismatched or gone it is nothing."""
        return self.issuer_page and self.verdict == "unsupported"

    def skill_ids(self) -> frozenset[int]:
        return frozenset(claim.skill_id for claim in self.claims)


@dataclass(frozen=True, slots=True)
class StackRule:
    """Any `count` of the member credentials (by name) or skills count as `grants`.

    `name` is what the stack is called in explanations: the credential it stands for
    ("Professional Certificate in Data Analytics") or "any N of ...".
    """

    rule_id: int
    name: str
    count: int
    member_names: frozenset[str] = frozenset()  # normalised credential names
    member_skills: frozenset[int] = frozenset()
    grants: tuple[int, ...] = ()  # skill ids
