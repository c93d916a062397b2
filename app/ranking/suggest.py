"""What would raise a candidate's score most: the missing skill, the renewal, the open check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from app.ranking.factors import factors
from app.ranking.model import Evidence, Requirement, SkillClaim
from app.ranking.policy import Policy

if TYPE_CHECKING:
    from app.ranking.score import SkillRow

UNRESOLVED = {None, "unreachable", "unsupported"}
ClaimIndex = dict[int, list[tuple[Evidence, SkillClaim]]]
MAX_SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One action and the points it would add (at most)."""

    kind: str  # add | renew | resolve | reverify | prove
    text: str
    gain: float
    skill_id: int
    credential_id: int | None = None


def suggestions(
    rows: Sequence[SkillRow],
    claims: ClaimIndex,
    total_weight: int,
    policy: Policy,
    now: datetime,
) -> tuple[Suggestion, ...]:
    """The actions that would raise the score most, largest gain first."""
    found: list[Suggestion] = []
    for row in rows:
        if row.strength >= 1.0 or not total_weight:
            continue
        found.extend(_for_row(row, claims.get(row.requirement.skill_id, []), policy, now))
    found.sort(key=lambda s: (-round(s.gain, 9), s.text))
    return tuple(s for s in found if s.gain > 0)[:MAX_SUGGESTIONS]


def _for_row(
    row: SkillRow, pairs: Sequence[tuple[Evidence, SkillClaim]], policy: Policy, now: datetime
) -> list[Suggestion]:
    requirement = row.requirement
    options: list[Suggestion] = []
    for item, claim in pairs:
        kind = _kind(item, policy)
        if not kind:
            continue
        fixed = factors(
            item,
            claim,
            requirement,
            policy,
            now,
            as_if_verified=kind != "prove",
            as_if_proven=kind == "prove",
        ).strength
        gain = row.max_points * max(0.0, fixed - row.strength)
        if gain > 0:
            text = _text(kind, item, requirement)
            options.append(Suggestion(kind, text, gain, requirement.skill_id, item.credential_id))
    if not options and not row.met and not row.flags:  # a red flag is shown, not advice to add
        options.append(_add(requirement, row.max_points))
    return options


def _kind(item: Evidence, policy: Policy) -> str:
    if item.verified and policy.ownership(item.ownership) < 1.0 and item.credential_id > 0:
        return "prove"
    if item.verdict == "expired":
        return "renew"
    if item.verdict in UNRESOLVED:
        return "resolve"
    if item.verified and item.stale:
        return "reverify"
    return ""


def _text(kind: str, item: Evidence, requirement: Requirement) -> str:
    if item.naming_issuer_page:
        return (
            f"Ask for a verifiable credential in place of the issuer page {item.name}"
            f" ({requirement.name})"
        )
    if kind == "renew":
        return f"Renew the expired {item.name} ({requirement.name})"
    if kind == "prove":
        return (
            f"Ask the candidate to prove the e-mail address {item.name} was awarded to "
            "(a one-time code from their invite link)"
        )
    if kind == "reverify":
        return f"Re-verify {item.name}: its issuer could not be reached lately"
    state = "not verified yet" if item.verdict is None else f"{item.verdict}"
    return f"Resolve {item.name} ({state}) to count it for {requirement.name}"


def _add(requirement: Requirement, max_points: float) -> Suggestion:
    label = "required" if requirement.required else "preferred"
    text = f"Add verified evidence of {requirement.name} ({label} skill)"
    return Suggestion("add", text, max_points, requirement.skill_id)
