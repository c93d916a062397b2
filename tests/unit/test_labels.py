"""Verdicts and formats in words: one table, complete, never the raw value."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.verification.labels import (
    FORMAT_LABELS,
    VERDICT_WORDS,
    Format,
    format_label,
    verdict_label,
    verdict_phrase,
)
from app.verification.ob3 import _format as ob3_format
from app.verification.result import Verdict

VERIFIER = Path(__file__).resolve().parents[2] / "app" / "verification"


def test_every_verdict_has_a_label_and_a_phrase() -> None:
    assert set(VERDICT_WORDS) == set(Verdict)
    assert all(w.label and w.phrase for w in VERDICT_WORDS.values())


def test_every_format_has_a_label_that_is_not_its_code() -> None:
    assert set(FORMAT_LABELS) == set(Format)
    assert all(FORMAT_LABELS[f] != f.value for f in Format)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        pytest.param("clr2", "Comprehensive Learner Record 2.0", id="clr2"),
        pytest.param("ob3-jwt", "Open Badges 3.0 / Verifiable Credential, as a JWT", id="ob3-jwt"),
        pytest.param("ob2-hosted", "Open Badges 2.0, hosted", id="ob2-hosted"),
        pytest.param("something-new", "unknown format", id="unknown-value"),
        pytest.param("", "unknown format", id="empty"),
        pytest.param(None, "unknown format", id="none"),
    ],
)
def test_format_label(value: str | None, label: str) -> None:
    assert format_label(value) == label


def test_an_unknown_or_missing_verdict_is_not_checked_never_raw() -> None:
    assert verdict_label("recipient_mismatch") == "Not this candidate's"
    assert verdict_phrase("revoked") == "revoked by the issuer"
    assert verdict_label("bogus") == "Not checked" and verdict_phrase(None) == "not checked"


def _assigned_formats() -> set[str]:
    """String constants the verifier assigns to `format` (attribute or keyword)."""
    found: set[str] = set()
    for path in VERIFIER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            values: list[ast.expr] = []
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Attribute) and t.attr == "format" for t in node.targets)
                or isinstance(node, ast.keyword)
                and node.arg == "format"
            ):
                values.append(node.value)
            elif isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "format":
                values.extend([node.value] if node.value else [])
            for value in values:
                found.update(
                    n.value
                    for n in ast.walk(value)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                )
    return found - {"application/n-quads"}  # pyld's own `format` option, not a result


def test_every_format_the_verifier_sets_has_a_label() -> None:
    assigned = _assigned_formats()
    assert {"ob2-hosted", "ob1-hosted", "ob2-signed", "image", "html", "ob3"} <= assigned
    assert assigned <= {f.value for f in Format}


@pytest.mark.parametrize("is_jwt", [False, True])
@pytest.mark.parametrize(
    "types", [["VerifiableCredential"], ["VerifiableCredential", "ClrCredential"]]
)
def test_every_open_badges_3_format_has_a_label(types: list[str], is_jwt: bool) -> None:
    assert ob3_format({"type": types}, is_jwt) in {f.value for f in Format}
