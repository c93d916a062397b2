"""Matching credential labels to skills: URI, code, name, alias, then fuzzy suggestions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.ranking.taxonomy import Label, SkillIndex, labels_of, load_entries, normalise

DATA = Path(__file__).resolve().parents[2] / "app" / "ranking" / "data"


@pytest.fixture
def index() -> SkillIndex:
    found = SkillIndex()
    for n, entry in enumerate(load_entries(), 1):
        found.add(
            n,
            entry.name,
            uri=entry.uri,
            framework=entry.framework,
            code=entry.code,
            aliases=entry.aliases,
        )
    return found


def _name(index: SkillIndex, label: Label) -> str | None:
    match = index.match(label)
    return index.names[match.skill_id] if match else None


@pytest.mark.parametrize(
    ("label", "expected", "method"),
    [
        pytest.param(
            Label(
                "anything",
                url="https://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742/",
            ),
            "SQL",
            "uri",
            id="uri-wins-over-name",
        ),
        pytest.param(
            Label("x", framework="esco", code="CCD0A1D9-AFDA-43D9-B901-96344886E14D"),
            "Python (computer programming)",
            "code",
            id="code",
        ),
        pytest.param(
            Label("python  (Computer Programming)"),
            "Python (computer programming)",
            "name",
            id="name",
        ),
        pytest.param(Label("cloud computing"), "cloud technologies", "alias", id="alias"),
        pytest.param(
            Label("information visualization"),
            "visual presentation techniques",
            "alias",
            id="spelling",
        ),
    ],
)
def test_exact_matches_in_order_of_strength(
    index: SkillIndex, label: Label, expected: str, method: str
) -> None:
    match = index.match(label)
    assert match is not None and match.method == method
    assert index.names[match.skill_id] == expected


def test_unknown_label_has_no_exact_match_but_fuzzy_suggestions(index: SkillIndex) -> None:
    assert index.match(Label("cloud computing fundamentals")) is None
    names = [index.names[m.skill_id] for m in index.suggest("cloud computing fundamentals")]
    assert "cloud technologies" in names


def test_rejected_suggestions_are_not_offered_again(index: SkillIndex) -> None:
    first = index.suggest("cloud computing fundamentals")[0]
    again = index.suggest("cloud computing fundamentals", rejected=[first.skill_id])
    assert first.skill_id not in {m.skill_id for m in again}


def test_confirmed_mapping_beats_name(index: SkillIndex) -> None:
    index.confirmed[normalise("Kubernetes")] = 1
    assert index.match(Label("kubernetes")).method == "confirmed"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("not json", id="not-json"),
        pytest.param('{"name": "x"}', id="object"),
        pytest.param("[1, null, {}]", id="junk-items"),
    ],
)
def test_bad_stored_skills_are_no_labels(text: str) -> None:
    assert labels_of(text) == []


def test_data_file_has_esco_uris_names_and_a_provenance_note() -> None:
    rows = json.loads((DATA / "esco_ict_skills.json").read_text())
    assert len(rows) >= 40
    assert all(r["uri"] == "http://data.europa.eu/esco/skill/" + r["code"] for r in rows)
    assert len({r["uri"] for r in rows}) == len(rows)
    assert "European Commission" in (DATA / "PROVENANCE.md").read_text()


def test_tags_and_levels_in_stored_skills_are_read() -> None:
    text = json.dumps(
        [
            {"name": "SQL", "framework": "ESCO", "code": "", "url": "", "level": "Advanced"},
            {"name": "python", "kind": "tag"},
        ]
    )
    sql, python = labels_of(text)
    assert (sql.source, sql.level) == ("alignment", "Advanced")
    assert (python.source, python.name) == ("tag", "python")
