"""Lookalike issuer names and names on credentials: the tables a fraud signal is judged by."""

from __future__ import annotations

import pytest

from app.verification.lookalike import (
    NameMatch,
    Resemblance,
    compare_names,
    edit_distance,
    issuer_origin,
    resemblance,
    skeleton,
)

TRUSTED = "Amazon Web Services"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("Amazon Web Services", Resemblance.SAME, id="same"),
        pytest.param("amazon web services", Resemblance.SAME, id="case"),
        pytest.param("Amazon  Web Services.", Resemblance.SAME, id="punctuation-spacing"),
        pytest.param("Amazon Web Services, Inc.", Resemblance.CONFUSABLE, id="inc"),
        pytest.param("Amazón Wéb Sérvices", Resemblance.CONFUSABLE, id="accents"),
        pytest.param("Аmazоn Web Services", Resemblance.CONFUSABLE, id="cyrillic-a-and-o"),
        pytest.param("Amazοn Web Services", Resemblance.CONFUSABLE, id="greek-omicron"),
        pytest.param("Amaz0n Web Services", Resemblance.CONFUSABLE, id="zero-for-o"),
        pytest.param("Arnazon Web Services", Resemblance.CONFUSABLE, id="rn-for-m"),
        pytest.param("AmazonWebServices", Resemblance.CONFUSABLE, id="no-spaces"),
        pytest.param("Ａｍａｚｏｎ Web Services", Resemblance.SAME, id="full-width"),
        pytest.param("Amazon Web Service", Resemblance.NEAR, id="one-letter-less"),
        pytest.param("Amazom Web Servises", Resemblance.NEAR, id="two-letters-long-name"),
        pytest.param("Amzaon Web Services", Resemblance.NEAR, id="swapped-letters"),
        pytest.param("Amazon Training Partner", None, id="different"),
        pytest.param("Google Cloud", None, id="unrelated"),
        pytest.param("", None, id="empty"),
        pytest.param("Inc.", None, id="only-dressing"),
    ],
)
def test_an_issuer_name_resembles_a_trusted_one(name: str, expected: Resemblance | None) -> None:
    assert resemblance(name, TRUSTED) is expected


@pytest.mark.parametrize(
    ("name", "trusted", "expected"),
    [
        pytest.param("IBN", "IBM", None, id="short-names-need-exactness"),
        pytest.param("lBM", "IBM", Resemblance.CONFUSABLE, id="lower-l-for-capital-i"),
        pytest.param("Coursexa", "Coursera", Resemblance.NEAR, id="six-plus-letters-one-edit"),
        pytest.param("Courserra", "Coursera", Resemblance.NEAR, id="one-letter-more"),
        pytest.param("Cuorsexa", "Coursera", None, id="six-plus-letters-two-edits"),
        pytest.param("Pay Pa1", "PayPal", Resemblance.CONFUSABLE, id="one-for-l"),
        pytest.param("Linux Foundation", "The Linux Foundation", Resemblance.CONFUSABLE, id="the"),
        pytest.param("Acme", "Acne", None, id="four-letters"),
    ],
)
def test_short_names_need_to_look_the_same_long_ones_may_differ_by_a_typo(
    name: str, trusted: str, expected: Resemblance | None
) -> None:
    assert resemblance(name, trusted) is expected


def test_a_very_long_name_is_cut_before_comparing() -> None:
    assert len(skeleton("a" * 100_000)) <= 300
    assert resemblance("x" * 100_000, "y" * 100_000) is None


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("kitten", "sitting", 3), ("abcd", "abdc", 1), ("same", "same", 0), ("", "abc", 3)],
)
def test_edit_distance_counts_swaps_as_one_and_stops_at_the_limit(
    a: str, b: str, distance: int
) -> None:
    assert edit_distance(a, b, 5) == distance
    assert edit_distance(a, b, 0) == min(distance, 1)


@pytest.mark.parametrize(
    ("issuer_id", "origin"),
    [
        ("https://badges.example.org/issuer.json", "badges.example.org"),
        ("https://Badges.Example.org:443/i", "badges.example.org"),
        ("http://127.0.0.1:5001/issuer.json", "127.0.0.1:5001"),
        ("did:web:badges.example.org", "badges.example.org"),
        ("did:web:badges.example.org%3A8443:issuers:1", "badges.example.org:8443"),
        ("did:key:z6MkhaXg#z6MkhaXg", "did:key:z6MkhaXg"),
        ("https://[::1", "https://[::1"),
        ("", ""),
    ],
)
def test_an_issuer_is_bound_to_its_origin_or_key(issuer_id: str, origin: str) -> None:
    assert issuer_origin(issuer_id) == origin


@pytest.mark.parametrize(
    ("on_credential", "candidate", "expected"),
    [
        pytest.param("Ada Lovelace", "Ada Lovelace", NameMatch.SAME, id="equal"),
        pytest.param("ADA LOVELACE", "ada lovelace", NameMatch.SAME, id="case"),
        pytest.param("Lovelace, Ada", "Ada Lovelace", NameMatch.SAME, id="last-comma-first"),
        pytest.param("Lovelace Ada", "Ada Lovelace", NameMatch.SAME, id="order"),
        pytest.param("Ada King Lovelace", "Ada Lovelace", NameMatch.SAME, id="middle-name"),
        pytest.param("A. Lovelace", "Ada Lovelace", NameMatch.SAME, id="initial"),
        pytest.param("Ada B. Lovelace", "Ada Lovelace", NameMatch.SAME, id="middle-initial"),
        pytest.param("Dr. Ada Lovelace", "Ada Lovelace", NameMatch.SAME, id="title"),
        pytest.param("José Álvarez", "Jose Alvarez", NameMatch.SAME, id="accents"),
        pytest.param("Zoë O'Brien", "Zoe OBrien", NameMatch.SAME, id="apostrophe"),
        pytest.param("Mary-Jane Watson", "Mary Jane Watson", NameMatch.SAME, id="hyphen"),
        pytest.param("Ada Lovelase", "Ada Lovelace", NameMatch.SAME, id="typo"),
        pytest.param("Ada", "Ada Lovelace", NameMatch.SAME, id="first-name-only"),
        pytest.param("Müller, Jürgen", "Juergen Mueller", NameMatch.SAME, id="umlaut-spelt"),
        pytest.param("Grace Hopper", "Ada Lovelace", NameMatch.DIFFERENT, id="other-person"),
        pytest.param("G. Hopper", "Ada Lovelace", NameMatch.DIFFERENT, id="other-initial"),
        pytest.param("Bob Smith", "Robert Smith", NameMatch.UNCLEAR, id="nickname"),
        pytest.param("Ada Byron", "Ada Lovelace", NameMatch.UNCLEAR, id="maiden-name"),
        pytest.param("A. L.", "Ada Lovelace", NameMatch.UNCLEAR, id="initials-only"),
        pytest.param("", "Ada Lovelace", NameMatch.UNCLEAR, id="empty"),
        pytest.param("Иван Петров", "Петров Иван", NameMatch.SAME, id="cyrillic-order"),
        pytest.param("Иван Петров", "Сергей Смирнов", NameMatch.DIFFERENT, id="cyrillic-other"),
        pytest.param("Иван Петров", "Ivan Petrov", NameMatch.UNCLEAR, id="two-alphabets"),
        pytest.param("Νίκος Παπαδόπουλος", "Νικος Παπαδοπουλος", NameMatch.SAME, id="greek"),
        pytest.param("山田太郎", "山田 太郎", NameMatch.SAME, id="japanese-spacing"),
        pytest.param("山田太郎", "鈴木花子", NameMatch.DIFFERENT, id="japanese-other"),
        pytest.param("山田はなこ", "山田花子", NameMatch.UNCLEAR, id="kana-and-kanji"),
        pytest.param("김민준", "김 민준", NameMatch.SAME, id="korean"),
        pytest.param("محمد علي", "علي محمد", NameMatch.SAME, id="arabic-order"),
    ],
)
def test_a_name_on_a_credential_is_compared_with_the_candidates(
    on_credential: str, candidate: str, expected: NameMatch
) -> None:
    assert compare_names(on_credential, candidate) is expected
