"""The candidate export: every candidate and credential, formulas defused, in fixed queries."""

from __future__ import annotations

import csv
import io

from app.models import Organization
from app.services import candidates as candidate_service
from app.services import exports, intake
from tests.support.queries import recorded_queries


def _rows(organization: Organization) -> list[list[str]]:
    return list(csv.reader(io.StringIO(exports.candidates_csv(organization))))


def test_each_credential_is_a_row_and_a_candidate_without_any_still_appears(
    org: Organization,
) -> None:
    ada = candidate_service.create(org, "Ada", ["ada@example.com", "ada@work.example"])
    intake.add_urls(ada, ["https://issuer.example/a/1", "https://issuer.example/a/2"])
    candidate_service.create(org, "Bob", [])
    rows = _rows(org)
    assert rows[0] == exports.CANDIDATE_HEADER
    assert [(r[0], r[1], r[10]) for r in rows[1:]] == [
        ("Ada", "ada@example.com ada@work.example", "https://issuer.example/a/1"),
        ("Ada", "ada@example.com ada@work.example", "https://issuer.example/a/2"),
        ("Bob", "", ""),
    ]
    assert all(len(row) == len(exports.CANDIDATE_HEADER) for row in rows)


def test_the_export_holds_only_this_organisations_candidates(
    org: Organization, other_org: Organization
) -> None:
    candidate_service.create(org, "Ada", ["ada@example.com"])
    intake.add_urls(
        candidate_service.create(other_org, "Eve", ["eve@example.com"]), ["https://x.example/1"]
    )
    assert [row[0] for row in _rows(org)[1:]] == ["Ada"]


def test_the_export_takes_three_queries_however_many_candidates(org: Organization) -> None:
    for number in range(6):
        person = candidate_service.create(org, f"C{number}", [f"c{number}@example.com"])
        intake.add_urls(person, [f"https://issuer.example/{number}"])
    with recorded_queries() as queries:
        rows = _rows(org)
    assert len(rows) == 7
    assert len(queries) == 3


def test_safe_cell_defuses_every_formula_start() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert exports.safe_cell(start + "1") == "'" + start + "1"
    assert exports.safe_cell("Ada") == "Ada" and exports.safe_cell("") == ""
