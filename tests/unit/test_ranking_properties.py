"""Properties of the ranking: monotone in verified evidence, bounded, order-free, stacks fair."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from app.ranking import (
    Evidence,
    Importance,
    Ownership,
    Policy,
    Profile,
    Requirement,
    SkillClaim,
    StackRule,
    Tier,
    rank,
    score_candidate,
)
from app.ranking.policy import ISSUER_PAGE_FACTOR
from app.ranking.stacks import apply_stacks

NOW = datetime(2026, 11, 1, tzinfo=UTC)
SKILLS = list(range(1, 7))
VERDICTS = ["verified", "revoked", "expired", "invalid", "unreachable", "unsupported", None]
# Issuer pages counted at half: the properties must hold with them in play, too.
POLICY = Policy(issuer_pages=ISSUER_PAGE_FACTOR)

requirements = st.lists(
    st.builds(
        Requirement,
        skill_id=st.sampled_from(SKILLS),
        name=st.just("skill"),
        importance=st.sampled_from(list(Importance)),
        weight=st.integers(1, 5),
        min_level=st.sampled_from(["", "intermediate", "70"]),
        recency_months=st.one_of(st.none(), st.integers(1, 60)),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda r: r.skill_id,
)
profiles = st.builds(Profile, requirements=requirements.map(tuple), gate=st.booleans())


@st.composite
def evidence_lists(draw: st.DrawFn, candidate_id: int = 1, first_id: int = 1) -> list[Evidence]:
    count = draw(st.integers(0, 6))
    items = []
    for n in range(count):
        claims = draw(
            st.lists(
                st.builds(
                    SkillClaim,
                    skill_id=st.sampled_from(SKILLS),
                    label=st.just("label"),
                    level=st.sampled_from(["", "beginner", "expert", "50", "90"]),
                ),
                max_size=3,
                unique_by=lambda c: c.skill_id,
            )
        )
        items.append(
            Evidence(
                credential_id=first_id + n,
                candidate_id=candidate_id,
                name=draw(st.sampled_from(["Course A", "Course B", "Course C", "Cert"])),
                issuer="issuer",
                verdict=draw(st.sampled_from(VERDICTS)),
                stale=draw(st.booleans()),
                tier=draw(st.sampled_from(list(Tier))),
                issued_on=draw(
                    st.one_of(
                        st.none(),
                        st.datetimes(
                            datetime(2015, 1, 1), datetime(2026, 10, 1), timezones=st.just(UTC)
                        ),
                    )
                ),
                claims=tuple(claims),
                ownership=draw(st.sampled_from(list(Ownership))),
                issuer_page=draw(st.booleans()),
            )
        )
    return items


stack_rules = st.lists(
    st.builds(
        StackRule,
        rule_id=st.integers(1, 50),
        name=st.just("Stack"),
        count=st.integers(1, 3),
        member_names=st.frozensets(st.sampled_from(["course a", "course b", "course c"])),
        member_skills=st.frozensets(st.sampled_from(SKILLS), max_size=2),
        grants=st.lists(st.sampled_from(SKILLS), min_size=1, max_size=2).map(tuple),
    ),
    max_size=3,
    unique_by=lambda r: r.rule_id,
)


def _score(
    profile: Profile, evidence: list[Evidence], stacks: list[StackRule], policy: Policy = POLICY
) -> float:
    names = {e.credential_id: e.name.casefold() for e in evidence}
    found = score_candidate(
        1, "C", profile, evidence, policy=policy, now=NOW, stacks=stacks, names=names
    )
    return found.score


unproven_factors = st.sampled_from([0.0, 0.25, 0.5, 1.0])


@given(profiles, evidence_lists(), stack_rules, unproven_factors, st.data())
def test_proving_a_credential_never_lowers_a_score(
    profile, evidence, stacks, unproven, data
) -> None:  # type: ignore[no-untyped-def]
    if not evidence:
        return
    policy = Policy(unproven=unproven)
    chosen = data.draw(st.integers(0, len(evidence) - 1))
    proven = [
        replace(e, ownership=Ownership.PROVEN) if n == chosen else e for n, e in enumerate(evidence)
    ]
    before = _score(profile, evidence, stacks, policy)
    assert _score(profile, proven, stacks, policy) >= before - 1e-9


@given(profiles, evidence_lists(), stack_rules)
def test_the_default_policy_counts_every_ownership_alike(profile, evidence, stacks) -> None:  # type: ignore[no-untyped-def]
    everyone_proven = [replace(e, ownership=Ownership.PROVEN) for e in evidence]
    assert _score(profile, evidence, stacks) == _score(profile, everyone_proven, stacks)


@given(profiles, evidence_lists(), stack_rules, unproven_factors)
def test_a_lower_unproven_factor_never_raises_a_score(profile, evidence, stacks, unproven) -> None:  # type: ignore[no-untyped-def]
    lower = _score(profile, evidence, stacks, Policy(unproven=unproven))
    assert lower <= _score(profile, evidence, stacks) + 1e-9


@given(profiles, evidence_lists(), stack_rules, st.data())
def test_adding_verified_evidence_never_lowers_a_score(profile, evidence, stacks, data) -> None:  # type: ignore[no-untyped-def]
    extra = data.draw(evidence_lists(first_id=100))
    verified = [replace(e, verdict="verified") for e in extra]
    assert _score(profile, evidence + verified, stacks) >= _score(profile, evidence, stacks) - 1e-9


@given(profiles, evidence_lists(), stack_rules, st.data())
def test_a_revocation_never_raises_a_score(profile, evidence, stacks, data) -> None:  # type: ignore[no-untyped-def]
    if not evidence:
        return
    victim = data.draw(st.integers(0, len(evidence) - 1))
    revoked = [replace(e, verdict="revoked") if n == victim else e for n, e in enumerate(evidence)]
    assert _score(profile, revoked, stacks) <= _score(profile, evidence, stacks) + 1e-9


@given(profiles, evidence_lists(), stack_rules)
def test_scores_stay_within_0_and_100(profile, evidence, stacks) -> None:  # type: ignore[no-untyped-def]
    assert 0.0 <= _score(profile, evidence, stacks) <= 100.0


@given(
    profiles, st.lists(evidence_lists(), min_size=1, max_size=6), st.randoms(use_true_random=False)
)
@settings(max_examples=60)
def test_the_order_of_input_never_changes_the_ranking(profile, people, rnd: random.Random) -> None:  # type: ignore[no-untyped-def]
    def ranked(order: list[int]) -> list[int]:
        scores = []
        for n in order:
            evidence = [
                replace(e, candidate_id=n, credential_id=e.credential_id + 10 * n)
                for e in people[n]
            ]
            shuffled = list(evidence)
            rnd.shuffle(shuffled)
            scores.append(
                score_candidate(n, f"Same name {n % 2}", profile, shuffled, policy=POLICY, now=NOW)
            )
        return [s.candidate_id for s in rank(scores, profile)]

    order = list(range(len(people)))
    shuffled = list(order)
    rnd.shuffle(shuffled)
    assert ranked(order) == ranked(shuffled)


@given(evidence_lists(), stack_rules)
def test_a_stack_never_counts_one_credential_twice(evidence, stacks) -> None:  # type: ignore[no-untyped-def]
    names = {e.credential_id: e.name.casefold() for e in evidence}
    stacked = apply_stacks(evidence, stacks, POLICY, names)
    used = [member for item in stacked for member in item.members]
    assert len(used) == len(set(used))
    for item in stacked:
        rule = next(r for r in stacks if r.rule_id == -item.credential_id)
        assert len(item.members) == rule.count
        assert all(e.verified for e in evidence if e.credential_id in item.members)
