"""Stack rules: any N of these credentials or skills count as one larger qualification."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from app.ranking.model import Evidence, Ownership, SkillClaim, StackRule
from app.ranking.policy import Policy


def base_strength(evidence: Evidence, policy: Policy) -> float:
    """What a credential is worth before role-specific factors: verified x trust x staleness x
    ownership."""
    if not evidence.verified:
        return 0.0
    stale = policy.stale if evidence.stale else 1.0
    return policy.tier(evidence.tier) * stale * policy.ownership(evidence.ownership)


def is_member(rule: StackRule, evidence: Evidence, normalise_name: str) -> bool:
    return normalise_name in rule.member_names or bool(rule.member_skills & evidence.skill_ids())


MAX_CHOICES = 10
"""Competing rules whose combinations are tried in full; more than this are formed in id order."""


def apply_stacks(
    evidence: Sequence[Evidence],
    rules: Iterable[StackRule],
    policy: Policy,
    names: dict[int, str],
    worth: Callable[[list[Evidence]], float] | None = None,
) -> list[Evidence]:
    """One virtual credential per formed rule; a credential serves at most one stack.

    Each formed rule takes its strongest unused members, rules in id order. When rules compete
    for the same credentials, the combination of rules that `worth` values most is formed
    (ties: more stacks, then earlier rules), so adding a verified credential never lowers a
    score: the old combination can still be formed, with members at least as strong.
    `names` maps credential id to normalised name; the result ignores the order of `evidence`.
    """
    ordered = sorted(evidence, key=lambda item: (-base_strength(item, policy), item.credential_id))
    usable = [
        rule for rule in sorted(rules, key=lambda r: r.rule_id) if rule.count >= 1 and rule.grants
    ]
    eligible = {
        rule.rule_id: [
            item
            for item in ordered
            if base_strength(item, policy) > 0
            and is_member(rule, item, names.get(item.credential_id, ""))
        ]
        for rule in usable
    }
    formable = [rule for rule in usable if len(eligible[rule.rule_id]) >= rule.count]
    competing = _competing(formable, eligible)
    if worth is None or not competing:
        return _form(formable, eligible)
    tried = competing[:MAX_CHOICES]
    settled = [rule for rule in formable if rule not in tried]
    best: tuple[float, int, list[Evidence]] | None = None
    for mask in range(2 ** len(tried) - 1, -1, -1):  # all rules first, then fewer
        chosen = [rule for i, rule in enumerate(tried) if mask >> (len(tried) - 1 - i) & 1]
        chosen_ids = {rule.rule_id for rule in chosen}
        order = [rule for rule in formable if rule.rule_id in chosen_ids or rule in settled]
        stacked = _form(order, eligible)
        key = (worth(stacked), len(stacked))
        if best is None or key > best[:2]:
            best = (key[0], key[1], stacked)
    assert best is not None
    return best[2]


def _competing(rules: list[StackRule], eligible: dict[int, list[Evidence]]) -> list[StackRule]:
    """Rules that share an eligible credential with another rule, in id order."""
    owners: dict[int, int] = {}
    for rule in rules:
        for item in eligible[rule.rule_id]:
            owners[item.credential_id] = owners.get(item.credential_id, 0) + 1
    return [
        rule
        for rule in rules
        if any(owners[item.credential_id] > 1 for item in eligible[rule.rule_id])
    ]


def _form(rules: list[StackRule], eligible: dict[int, list[Evidence]]) -> list[Evidence]:
    used: set[int] = set()
    stacked: list[Evidence] = []
    for rule in rules:
        members = [item for item in eligible[rule.rule_id] if item.credential_id not in used]
        members = members[: rule.count]
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
        # only as strongly the candidate's as its least proven member
        ownership=max((item.ownership for item in members), key=_OWNERSHIP_ORDER.index),
    )


_OWNERSHIP_ORDER = [Ownership.PROVEN, Ownership.MATCHED, Ownership.UNCHECKED]
