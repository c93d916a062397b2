"""One-time codes and hashed recipients, without a database."""

from __future__ import annotations

import collections

import pytest

from app.services import email_proofs
from app.verification.recipient import AwardedEmail, awarded_email, check_recipient
from tests.support.ob2_builders import recipient


def test_codes_are_six_digits_with_leading_zeros_and_spread_out() -> None:
    codes = [email_proofs.new_code() for _ in range(2000)]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(set(codes)) > 1990  # a birthday clash or two among a million, not a pattern
    first_digits = collections.Counter(c[0] for c in codes)
    assert set(first_digits) == set("0123456789")


def test_the_stored_hash_is_salted_and_never_the_code() -> None:
    salt_a, salt_b = email_proofs.new_salt(), email_proofs.new_salt()
    assert salt_a != salt_b
    stored = email_proofs.code_hash(salt_a, "012345")
    assert "012345" not in stored and len(stored) == 64
    assert stored != email_proofs.code_hash(salt_b, "012345")
    assert email_proofs.code_matches(salt_a, stored, "012345")
    assert not email_proofs.code_matches(salt_a, stored, "012346")
    assert not email_proofs.code_matches(salt_b, stored, "012345")


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        pytest.param("012345", "012345", id="plain"),
        pytest.param(" 012 345 ", "012345", id="spaces"),
        pytest.param("012-345", "012345", id="dash"),
        pytest.param("01234", None, id="short"),
        pytest.param("0123456", None, id="long"),
        pytest.param("12345a", None, id="letter"),
        pytest.param("١٢٣٤٥٦", None, id="arabic-indic-digits"),
        pytest.param("", None, id="empty"),
    ],
)
def test_a_typed_code_is_six_ascii_digits(typed: str, cleaned: str | None) -> None:
    assert email_proofs.cleaned_code(typed) == cleaned


@pytest.mark.parametrize(
    ("identity", "typed", "matches"),
    [
        pytest.param(recipient("ada@example.org"), "ada@example.org", True, id="salted"),
        pytest.param(recipient("ada@example.org"), "ADA@Example.org ", True, id="any-case"),
        pytest.param(
            recipient("ada@example.org", salt=None), "ada@example.org", True, id="unsalted"
        ),
        pytest.param(recipient("ada@example.org", alg="md5"), "ada@example.org", True, id="md5"),
        pytest.param(recipient("ada@example.org"), "eve@example.org", False, id="other"),
        pytest.param(
            {"type": "email", "hashed": True, "identity": "sha512$00"},
            "a@b.c",
            False,
            id="unknown-alg",
        ),
    ],
)
def test_a_typed_address_matches_a_hashed_recipient_only_when_it_is_the_one(
    identity: dict[str, object], typed: str, matches: bool
) -> None:
    awarded = awarded_email(identity)
    assert email_proofs.hashed_match(typed, awarded) is matches


def test_a_plain_recipient_is_offered_but_never_counts_as_a_hash_match() -> None:
    (plain,) = awarded_email(recipient("ada@example.org", hashed=False))
    assert plain.address == "ada@example.org"
    assert not email_proofs.hashed_match("ada@example.org", [plain])


def test_the_check_reports_what_it_was_awarded_to_even_without_candidate_addresses() -> None:
    outcome = check_recipient(recipient("ada@example.org"), [])
    assert outcome.awarded and outcome.awarded[0].hashed
    assert (
        check_recipient({"type": "url", "identity": "https://ada.example"}, ["a@b.c"]).awarded == ()
    )


def test_stored_identities_round_trip_and_junk_reads_as_nothing() -> None:
    item = AwardedEmail("sha256$ab", True, "s4lt")
    assert AwardedEmail.from_dict(item.to_dict()) == item
    assert AwardedEmail.from_dict({"identity": 3}) is None
    assert AwardedEmail.from_dict("x") is None


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        pytest.param("ada@example.org", True, id="plain"),
        pytest.param("ada.l+badges@mail.example.co.uk", True, id="plus-and-subdomains"),
        pytest.param("boss,me@evil.example", False, id="comma-two-recipients"),
        pytest.param('"ada"@example.org', False, id="quoted"),
        pytest.param("ada@example.org\nbcc: x@y.z", False, id="header-injection"),
        pytest.param("<ada@example.org>", False, id="angle"),
        pytest.param("ada@localhost", False, id="no-dot"),
        pytest.param("a" * 65 + "@example.org", False, id="local-too-long"),
    ],
)
def test_codes_go_only_to_one_plain_address(address: str, ok: bool) -> None:
    assert email_proofs.deliverable(address) is ok
