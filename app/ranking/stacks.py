"""Stack rules: any N of these credentials or skills count as one larger qualification."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from app.ranking.model import Evidence, SkillClaim, StackRule
from app.ranking.policy import Policy


def base_strength(evidence: Evidence, policy: Policy) -> float:
    """What a credential is worth before role-specific factors: verified x trust x staleness."""
    if not evidence.verified:
        return 0.0
    return policy.tier(evidence.tier) * (policy.stale if evidence.stale else 1.0)


def is_member(rule: StackRule, evidence: Evidence, normalise_name: str) -> bool:
    return normalise_name in rule.member_names or bool(rule.member_skills & evidence.skill_ids())


def apply_stacks(
    evidence: Sequence[Evidence],
    rules: Iterable[StackRule],
    policy: Policy,
    names: dict[int, str],
) -> list[Evidence]:
    """One virtual credential per satisfied rule; a credential serves at most one stack.

    Rules are applied in id order and each takes its strongest unused members, so the result
    does not depend on the order of `evidence`; `names` maps credential id to normalised name.
    """
    ordered = sorted(evidence, key=lambda item: (-base_strength(item, policy), item.credential_id))
    used: set[int] = set()
    stacked: list[Evidence] = []
    for rule in sorted(rules, key=lambda r: r.rule_id):
        if rule.count < 1 or not rule.grants:
            continue
        members = [
            item
            for item in ordered
            if item.credential_id not in used
            and base_strength(item, policy) > 0
            and is_member(rule, item, names.get(item.credential_id, ""))
        ][: rule.count]
        if len(members) < rule.count:
            continue
        used.update(item.credential_id for item in members)
        stacked.append(_virtual(rule, members))
    return stacked


def _virtual(rule: StackRule, members: list[Evidence]) -> Evidence:
    weakest = members[-1]  # the stack is only as strong as its weakest counted member
    return Evidence(
        credential_id=-rule.rule_id,
        candidate_id=weakest.candidate_id,
        name=rule.name,
        issuer="stack rule",
        verdict="verified",
        stale=weakest.stale,
        tier=weakest.tier,
        claims=tuple(
            SkillClaim(skill_id, rule.name, source="stack", method="stack")
            for skill_id in rule.grants
        ),
        members=tuple(item.credential_id for item in members),
    )
