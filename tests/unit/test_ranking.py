"""The scoring formula, its factors, the gate, ties and the suggestions, on worked examples."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.ranking import (
    POLICY_VERSION,
    Evidence,
    Importance,
    Policy,
    Profile,
    Requirement,
    SkillClaim,
    StackRule,
    Tier,
    rank,
    score_candidate,
)

NOW = datetime(2026, 11, 1, tzinfo=UTC)
SQL, PYTHON, CLOUD = 1, 2, 3
PROFILE = Profile(
    (
        Requirement(SQL, "SQL", Importance.REQUIRED, weight=3),
        Requirement(PYTHON, "Python", Importance.PREFERRED, weight=1),
    )
)


def cred(cid: int, *skills: int, verdict: str | None = "verified", **extra: object) -> Evidence:
    fields: dict[str, object] = {"tier": Tier.TRUSTED, **extra}
    claims = tuple(SkillClaim(s, f"skill {s}") for s in skills)
    return Evidence(cid, 1, f"Credential {cid}", "Academy", verdict, claims=claims, **fields)  # type: ignore[arg-type]


def score(*evidence: Evidence, profile: Profile = PROFILE, **kwargs: object):  # type: ignore[no-untyped-def]
    return score_candidate(1, "Ada", profile, list(evidence), policy=Policy(), now=NOW, **kwargs)  # type: ignore[arg-type]


def test_score_is_the_weighted_share_of_skills_proven() -> None:
    assert score(cred(1, SQL)).score == pytest.approx(75.0)
    assert score(cred(1, SQL, PYTHON)).score == pytest.approx(100.0)
    assert score(cred(1, PYTHON)).score == pytest.approx(25.0)


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        pytest.param(cred(1, SQL, verdict="revoked"), 0.0, id="revoked-counts-nothing"),
        pytest.param(cred(1, SQL, verdict=None), 0.0, id="unverified-counts-nothing"),
        pytest.param(cred(1, SQL, stale=True), 75.0 * 0.8, id="stale-is-reduced"),
        pytest.param(cred(1, SQL, tier=Tier.UNKNOWN), 75.0 * 0.7, id="unknown-issuer"),
        pytest.param(cred(1, SQL, tier=Tier.BLOCKED), 0.0, id="blocked-issuer"),
    ],
)
def test_factors_reduce_evidence(evidence: Evidence, expected: float) -> None:
    assert score(evidence).score == pytest.approx(expected)


def test_best_evidence_counts_once_per_skill() -> None:
    weak = cred(1, SQL, tier=Tier.UNKNOWN)
    strong = cred(2, SQL)
    result = score(weak, strong)
    assert result.score == pytest.approx(75.0)
    assert result.rows[0].evidence == strong


def test_recency_window_and_level_are_applied() -> None:
    old = cred(1, SQL, issued_on=datetime(2020, 1, 1, tzinfo=UTC))
    profile = Profile((Requirement(SQL, "SQL", weight=1, recency_months=24, min_level="advanced"),))
    assert score(old, profile=profile).score == pytest.approx(50.0)
    low = Evidence(
        2,
        1,
        "SQL",
        "A",
        "verified",
        tier=Tier.TRUSTED,
        claims=(SkillClaim(SQL, "SQL", level="beginner"),),
    )
    assert score(low, profile=profile).score == pytest.approx(50.0)
    high = Evidence(
        3,
        1,
        "SQL",
        "A",
        "verified",
        tier=Tier.TRUSTED,
        claims=(SkillClaim(SQL, "SQL", level="Expert"),),
    )
    assert score(high, profile=profile).score == pytest.approx(100.0)


def test_missing_required_skill_ranks_below_everyone_meeting_requirements() -> None:
    meets = score_candidate(
        1,
        "Low",
        PROFILE,
        [cred(1, SQL, tier=Tier.BLOCKED), cred(2, SQL, stale=True)],
        policy=Policy(),
        now=NOW,
    )
    lacks = score_candidate(2, "High", PROFILE, [cred(3, PYTHON)], policy=Policy(), now=NOW)
    assert meets.meets_required and not lacks.meets_required
    assert [s.name for s in rank([lacks, meets], PROFILE)] == ["Low", "High"]
    ungated = Profile(PROFILE.requirements, gate=False)
    assert [s.name for s in rank([lacks, meets], ungated)][0] == "Low"  # 60 > 25 anyway
    assert lacks.missing_required[0].name == "SQL"


def test_ties_are_broken_by_name_then_id() -> None:
    a = score_candidate(7, "bea", PROFILE, [], policy=Policy(), now=NOW)
    b = score_candidate(3, "Bea", PROFILE, [], policy=Policy(), now=NOW)
    c = score_candidate(5, "Al", PROFILE, [], policy=Policy(), now=NOW)
    assert [s.candidate_id for s in rank([a, b, c], PROFILE)] == [5, 3, 7]


def test_suggestions_put_the_biggest_gain_first() -> None:
    expired = cred(1, SQL, verdict="expired")
    pending = cred(2, PYTHON, verdict=None)
    result = score(expired, pending)
    assert [s.kind for s in result.suggestions] == ["renew", "resolve"]
    assert result.suggestions[0].gain == pytest.approx(75.0)
    assert "Renew the expired Credential 1" in result.suggestions[0].text


def test_missing_skill_without_any_credential_suggests_adding_evidence() -> None:
    result = score(cred(1, PYTHON))
    assert result.suggestions[0].text == "Add verified evidence of SQL (required skill)"


def test_five_named_courses_stack_into_a_certificate() -> None:
    courses = [
        Evidence(n, 1, f"Course {n}", "A", "verified", tier=Tier.TRUSTED) for n in range(1, 6)
    ]
    rule = StackRule(
        9,
        "Professional Certificate",
        5,
        member_names=frozenset(f"course {n}" for n in range(1, 6)),
        grants=(SQL,),
    )
    names = {e.credential_id: e.name.casefold() for e in courses}
    assert score(*courses, stacks=[rule], names=names).score == pytest.approx(75.0)
    assert score(*courses[:4], stacks=[rule], names=names).score == 0.0
    revoked = [*courses[:4], Evidence(5, 1, "Course 5", "A", "revoked", tier=Tier.TRUSTED)]
    assert score(*revoked, stacks=[rule], names=names).score == 0.0


def test_a_credential_serves_only_one_of_two_overlapping_stacks() -> None:
    courses = [
        Evidence(n, 1, f"Course {n}", "A", "verified", tier=Tier.TRUSTED) for n in range(1, 4)
    ]
    members = frozenset({"course 1", "course 2", "course 3"})
    first = StackRule(1, "First", 2, member_names=members, grants=(SQL,))
    second = StackRule(2, "Second", 2, member_names=members, grants=(PYTHON,))
    names = {e.credential_id: e.name.casefold() for e in courses}
    result = score(*courses, stacks=[first, second], names=names)
    assert result.score == pytest.approx(75.0)  # only one stack can be formed from 3 courses
    assert [s.name for s in result.stacks] == ["First"]


def test_completing_a_larger_stack_never_takes_evidence_from_a_smaller_one() -> None:
    """Regression: a stale third course completed a 3-course rule and emptied a 1-course rule."""
    fresh = Evidence(1, 1, "Course A", "issuer", "verified", tier=Tier.TRUSTED)
    other = Evidence(2, 1, "Course A", "issuer", "verified", tier=Tier.TRUSTED, stale=True)
    stale = Evidence(100, 1, "Course A", "issuer", "verified", tier=Tier.TRUSTED, stale=True)
    members = frozenset({"course a"})
    big = StackRule(1, "Big", 3, member_names=members, grants=(SQL,))
    small = StackRule(2, "Small", 1, member_names=members, grants=(SQL,))
    names = {e.credential_id: "course a" for e in (fresh, other, stale)}
    before = score(fresh, other, stacks=[big, small], names=names)
    after = score(fresh, other, stale, stacks=[big, small], names=names)
    assert after.score >= before.score
    assert [s.name for s in after.stacks] == ["Small"]


def test_competing_stacks_form_the_combination_the_role_values_most() -> None:
    courses = [
        Evidence(n, 1, f"Course {n}", "A", "verified", tier=Tier.TRUSTED) for n in range(1, 3)
    ]
    members = frozenset({"course 1", "course 2"})
    elsewhere = StackRule(1, "Elsewhere", 2, member_names=members, grants=(999,))
    wanted = StackRule(2, "Wanted", 1, member_names=members, grants=(SQL,))
    names = {e.credential_id: e.name.casefold() for e in courses}
    result = score(*courses, stacks=[elsewhere, wanted], names=names)
    assert [s.name for s in result.stacks] == ["Wanted"]
    assert result.score > 0


def test_policy_version_is_named() -> None:
    assert Policy().version == POLICY_VERSION and POLICY_VERSION


def test_a_revoked_or_someone_elses_credential_is_a_red_flag_not_advice_to_add_evidence() -> None:
    result = score(cred(1, SQL, verdict="revoked"), cred(2, SQL, verdict="recipient_mismatch"))
    sql_row = result.rows[0]
    assert [item.credential_id for item in sql_row.flags] == [1, 2]
    assert [item.credential_id for item in result.red_flags] == [1, 2]
    assert not any("SQL" in s.text for s in result.suggestions)
    assert result.score == 0.0  # flagged credentials still earn nothing


def test_an_unproven_skill_without_red_flags_still_gets_the_advice_to_add_evidence() -> None:
    result = score(cred(1, PYTHON))
    assert result.red_flags == ()
    assert "Add verified evidence of SQL (required skill)" in [s.text for s in result.suggestions]
