"""Screens say what a check found in words a recruiter understands; the exact detail stays."""

from __future__ import annotations

from app.verification.ob2.documents import NOT_FOUND
from app.web.wording import check_title, plain_checks, plain_detail, verdict_reason


def test_parser_jargon_becomes_a_plain_sentence_and_the_detail_is_kept() -> None:
    detail = "the badge is not valid JSON (line 1, column 484)"
    text, technical = plain_detail(detail)
    assert "line 1" not in text and "JSON" not in text
    assert "not a readable badge" in text
    assert technical == detail


def test_a_plain_detail_is_shown_as_it_is_with_nothing_hidden() -> None:
    assert plain_detail("the issuer revoked it: Awarded in error") == (
        "the issuer revoked it: Awarded in error",
        "",
    )


def test_not_found_at_the_issuer_is_not_called_forged_or_invalid() -> None:
    text, _ = plain_detail(NOT_FOUND)
    assert text.startswith("Not found at the issuer") and "not mean it is forged" in text
    checks = [{"id": "fetch", "outcome": "fail", "detail": NOT_FOUND}]
    assert verdict_reason("invalid", checks) == "not_found"
    assert (
        verdict_reason("invalid", [{"id": "signature", "outcome": "fail", "detail": "bad"}]) == ""
    )


def test_check_ids_have_titles() -> None:
    assert check_title("hosted-origin") == "Served by the issuer's website"
    assert check_title("brand-new-check") == "Brand new check"
    (check,) = plain_checks(
        [{"id": "json-ld", "outcome": "fail", "detail": "is not valid JSON-LD (x)"}]
    )
    assert check.title == "Badge vocabulary" and check.technical == "is not valid JSON-LD (x)"
