"""The ownership factor: proven always counts in full; matched and unchecked count at the
organisation's factor, said in plain words, and proving is suggested when it would help."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

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
    score_candidate,
)

NOW = datetime(2026, 11, 1, tzinfo=UTC)
SQL = 1
PROFILE = Profile((Requirement(SQL, "SQL", Importance.REQUIRED, weight=3),))


def cred(cid: int, ownership: Ownership, **extra: object) -> Evidence:
    fields: dict[str, object] = {
        "tier": Tier.TRUSTED,
        "verdict": "verified",
        "claims": (SkillClaim(SQL, "SQL"),),
        **extra,
    }
    return Evidence(cid, 1, f"Credential {cid}", "Academy", ownership=ownership, **fields)  # type: ignore[arg-type]


def score(*evidence: Evidence, unproven: float = 1.0, **kwargs: object):  # type: ignore[no-untyped-def]
    policy = Policy(unproven=unproven)
    return score_candidate(1, "Ada", PROFILE, list(evidence), policy=policy, now=NOW, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ownership", "unproven", "expected"),
    [
        pytest.param(Ownership.PROVEN, 0.5, 100.0, id="proven-in-full"),
        pytest.param(Ownership.MATCHED, 0.5, 50.0, id="matched-at-half"),
        pytest.param(Ownership.UNCHECKED, 0.5, 50.0, id="unchecked-at-half"),
        pytest.param(Ownership.MATCHED, 0.0, 0.0, id="matched-not-at-all"),
        pytest.param(Ownership.UNCHECKED, 1.0, 100.0, id="default-as-before"),
    ],
)
def test_ownership_scales_the_evidence(
    ownership: Ownership, unproven: float, expected: float
) -> None:
    assert score(cred(1, ownership), unproven=unproven).score == pytest.approx(expected)


def test_the_explanation_says_why_in_plain_words() -> None:
    (row,) = score(cred(1, Ownership.MATCHED), unproven=0.5).rows
    assert row.ownership_note == (
        "counted at 50%: awarded to an address the recruiter typed, not proven by the candidate"
    )
    (unchecked,) = score(cred(1, Ownership.UNCHECKED), unproven=0.5).rows
    assert unchecked.ownership_note.startswith("counted at 50%: nothing shows it was awarded")
    (proven,) = score(cred(1, Ownership.PROVEN), unproven=0.5).rows
    assert proven.ownership_note == ""
    (default,) = score(cred(1, Ownership.MATCHED)).rows
    assert default.ownership_note == "" and default.factors is not None
    assert default.factors.as_dict()["ownership"] == 1.0


def test_a_proven_credential_beats_a_matched_one_for_the_same_skill() -> None:
    matched, proven = cred(1, Ownership.MATCHED), cred(2, Ownership.PROVEN)
    (row,) = score(matched, proven, unproven=0.5).rows
    assert row.evidence == proven and row.points == pytest.approx(100.0)


def test_proving_is_suggested_with_the_points_it_would_add() -> None:
    result = score(cred(1, Ownership.MATCHED), unproven=0.5)
    (hint,) = result.suggestions
    assert hint.kind == "prove" and hint.gain == pytest.approx(50.0)
    assert "prove the e-mail address Credential 1 was awarded to" in hint.text
    assert score(cred(1, Ownership.MATCHED)).suggestions == ()


def test_a_stack_is_only_as_proven_as_its_least_proven_member() -> None:
    rule = StackRule(9, "Data stack", 2, member_names=frozenset({"a", "b"}), grants=(SQL,))
    members = [cred(1, Ownership.PROVEN, claims=()), cred(2, Ownership.MATCHED, claims=())]
    names = {1: "a", 2: "b"}
    mixed = score(*members, unproven=0.5, stacks=[rule], names=names)
    assert mixed.stacks[0].ownership is Ownership.MATCHED
    assert mixed.score == pytest.approx(50.0)
    both = [members[0], cred(2, Ownership.PROVEN, claims=())]
    assert score(*both, unproven=0.5, stacks=[rule], names=names).score == pytest.approx(100.0)


def test_the_factor_must_be_a_share() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        Policy(unproven=1.5)
