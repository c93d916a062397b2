"""What the roles pages ask of the services: counts in one query, rankings that hold only data."""

from __future__ import annotations

from flask.testing import FlaskClient
from markupsafe import Markup

from app.models import Candidate, Organization, User
from app.services import candidates as candidate_service
from app.services import ranking as ranking_service
from app.services import roles as role_service
from tests.conftest import AuthActions
from tests.support.queries import recorded_queries, touching
from tests.support.ranking_builders import (
    PYTHON_URI,
    SQL_URI,
    alignment,
    build_credential,
    build_role,
    skill,
)


def test_roles_come_with_their_requirement_counts_in_one_query(
    org: Organization, other_org: Organization
) -> None:
    build_role(org, "Data analyst", required=[skill(SQL_URI)], preferred=[skill(PYTHON_URI)])
    build_role(org, "Archivist")
    build_role(other_org, "Elsewhere", required=[skill(SQL_URI)])
    with recorded_queries() as queries:
        found = [(role.title, count) for role, count in role_service.with_requirement_counts(org)]
    assert found == [("Archivist", 0), ("Data analyst", 2)]
    assert len(queries) == 1


def test_the_roles_list_shows_each_count_without_a_query_per_role(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization
) -> None:
    for number in range(4):
        build_role(org, f"Role {number}", required=[skill(SQL_URI)])
    auth.login(recruiter.email)
    with recorded_queries() as queries:
        page = client.get("/roles/").text
    assert page.count('<td data-label="Skills">1</td>') == 4
    assert touching(queries, "role_skill") == 1


def _values(found: object) -> list[object]:
    if isinstance(found, dict):
        return [*found.keys(), *(v for value in found.values() for v in _values(value))]
    if isinstance(found, list | tuple):
        return [v for item in found for v in _values(item)]
    return [found]


def test_a_computed_ranking_keeps_no_markup_after_its_pages_render(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization
) -> None:
    ada: Candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    build_credential(ada, "SQL Analytics", [alignment("SQL", SQL_URI)])
    build_credential(ada, "Python for Data", [alignment("Python", PYTHON_URI)])
    role = build_role(org, "Data analyst", required=[skill(SQL_URI)], preferred=[skill(PYTHON_URI)])
    auth.login(recruiter.email)
    assert 'role="img"' in client.get(f"/roles/{role.id}").text
    assert 'role="img"' in client.get(f"/roles/{role.id}/candidates/{ada.id}").text
    ranking = ranking_service.ranking_for(role)
    assert not [v for v in _values(vars(ranking)) if isinstance(v, Markup)]


def test_filtered_keeps_places_and_applies_both_filters(org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", [])
    bo = candidate_service.create(org, "Bo", [])
    build_credential(ada, "SQL Analytics", [alignment("SQL", SQL_URI)])
    build_credential(bo, "Python for Data", [alignment("Python", PYTHON_URI)])
    role = build_role(org, "Data analyst", required=[skill(SQL_URI)], preferred=[skill(PYTHON_URI)])
    ranking = ranking_service.ranking_for(role)
    everyone = [(place[0], score.name) for place, score in ranking.filtered(False, 0)]
    assert everyone == [(1, "Ada"), (2, "Bo")]
    assert [score.name for _, score in ranking.filtered(True, 0)] == ["Ada"]
    assert ranking.filtered(False, 101) == []
