"""docs/conformance.md says what the corpus pins say, and quotes ARCHITECTURE.md faithfully."""

from __future__ import annotations

import pytest

from tests.support.conformance_doc import RULES, render
from tests.support.corpus_ob3 import CORPUS
from tests.support.corpus_pins import ARCHITECTURE, CONFORMANCE, architecture_text, quoted_rules

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}"),
]


def test_the_conformance_page_matches_the_pins() -> None:
    assert CONFORMANCE.read_text(encoding="utf-8") == render(), (
        "docs/conformance.md is stale: run .venv/bin/python -m tests.support.conformance_doc"
    )


@pytest.mark.parametrize(("reason", "rule"), RULES, ids=[prefix for prefix, _ in RULES])
def test_every_rule_quotes_architecture_md(reason: str, rule: str) -> None:
    quotes = quoted_rules(rule)
    assert quotes, f"{reason}: no ARCHITECTURE.md wording quoted"
    if not ARCHITECTURE.is_file():
        pytest.skip(f"ARCHITECTURE.md not found at {ARCHITECTURE}")
    for quote in quotes:
        assert quote in architecture_text(), f"not in ARCHITECTURE.md: {quote}"
