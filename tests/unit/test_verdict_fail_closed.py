"""The result model fails closed: no `verified` without a passing authenticity check."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.verification.result import (
    AUTHENTICITY_CHECKS,
    Check,
    Outcome,
    Verdict,
    VerificationResult,
    conclude,
    decide,
)

CHECK_IDS = sorted({*AUTHENTICITY_CHECKS, "dates", "status", "recipient", "format", "key"})

checks = st.builds(
    Check,
    id=st.sampled_from(CHECK_IDS),
    outcome=st.sampled_from(list(Outcome)),
    detail=st.just("a check"),
    verdict=st.none() | st.sampled_from(list(Verdict)),
)
check_lists = st.lists(checks, max_size=8)


def _authenticity_passed(items: list[Check]) -> bool:
    return any(c.id in AUTHENTICITY_CHECKS and c.outcome is Outcome.PASS for c in items)


@settings(max_examples=300, deadline=None)
@given(items=check_lists, claimed=st.sampled_from(list(Verdict)))
def test_no_result_without_a_passing_authenticity_check_is_verified(
    items: list[Check], claimed: Verdict
) -> None:
    without = [c for c in items if not (c.id in AUTHENTICITY_CHECKS and c.outcome is Outcome.PASS)]
    result = VerificationResult(target="t", verdict=claimed, format="x", checks=tuple(without))
    assert decide(without) is not Verdict.VERIFIED
    assert conclude(without)[1] is not Verdict.VERIFIED
    assert result.verdict is not Verdict.VERIFIED


@settings(max_examples=300, deadline=None)
@given(items=check_lists)
def test_verified_needs_a_passing_authenticity_check_and_no_failed_check(
    items: list[Check],
) -> None:
    verified = decide(items) is Verdict.VERIFIED
    no_failure = not any(c.outcome is Outcome.FAIL for c in items)
    assert verified == (_authenticity_passed(items) and no_failure)


@settings(max_examples=200, deadline=None)
@given(items=check_lists)
def test_a_result_that_is_not_verified_always_names_the_check_that_failed(
    items: list[Check],
) -> None:
    concluded, verdict = conclude(items)
    if verdict is not Verdict.VERIFIED:
        assert any(c.outcome is Outcome.FAIL for c in concluded)


def test_a_failed_check_that_names_no_verdict_makes_the_result_invalid() -> None:
    items = [Check("signature", Outcome.PASS, "signed"), Check("dates", Outcome.FAIL, "odd")]
    assert decide(items) is Verdict.INVALID


def test_a_result_claiming_verified_with_only_date_and_recipient_checks_says_why_not() -> None:
    items = (Check("dates", Outcome.PASS, "in date"), Check("recipient", Outcome.PASS, "theirs"))
    result = VerificationResult(target="t", verdict=Verdict.VERIFIED, format="x", checks=items)
    assert result.verdict is Verdict.INVALID
    assert result.checks[-1].id == "authenticity"
    assert "nothing showed who issued it" in result.checks[-1].detail


def test_a_warned_signature_is_not_authenticity() -> None:
    items = [Check("signature", Outcome.WARN, "marked hosted"), Check("dates", Outcome.PASS, "ok")]
    assert decide(items) is Verdict.INVALID
