"""Search folding: what a recruiter types without accents or capitals still matches."""

from __future__ import annotations

import pytest

from app.services.search import fold


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("José García", "garcia"),
        ("Jürgen Müller", "muller"),
        ("Chloé Dubois", "chloe"),
        ("Søren Kierkegaard", "soren"),
        ("Łukasz Nowak", "lukasz"),
        ("Straße", "strasse"),
        ("ÅNGSTRÖM", "angstrom"),
    ],
)
def test_folded_text_contains_what_was_typed_without_accents(stored: str, typed: str) -> None:
    assert fold(typed) in fold(stored)


def test_fold_keeps_letters_without_a_plain_form_and_collapses_spaces() -> None:
    assert fold("  王  小明 ") == "王 小明"
    assert fold("Ada.Lovelace+cv@Example.COM") == "ada.lovelace+cv@example.com"
