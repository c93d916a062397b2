"""Role profiles and the ranking page: admins edit, everyone reads, every point explained."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient

from app.models import Candidate, Organization, RankingExport, RoleProfile, RoleSkill, User
from app.ranking import POLICY_VERSION, Importance
from app.services import candidates as candidate_service
from app.services import roles as role_service
from app.services.roles import RequirementInput
from tests.conftest import AuthActions
from tests.support.ranking_builders import (
    CLOUD_URI,
    PYTHON_URI,
    SQL_URI,
    alignment,
    build_credential,
    build_role,
    skill,
)


@pytest.fixture
def people(org: Organization) -> dict[str, Candidate]:
    ada = candidate_service.create(org, "Ada", ["ada@example.com"])
    bo = candidate_service.create(org, "Bo", ["bo@example.com"])
    build_credential(ada, "SQL Analytics", [alignment("SQL", SQL_URI)])
    build_credential(ada, "Python for Data", [alignment("Python", PYTHON_URI)])
    build_credential(bo, "Python for Data", [alignment("Python", PYTHON_URI)])
    build_credential(bo, "Old SQL", [alignment("SQL", SQL_URI)], verdict="revoked")
    return {"ada": ada, "bo": bo}


def test_admin_creates_a_role_with_required_and_preferred_skills_and_sees_it_ranked(
    client: FlaskClient, auth: AuthActions, admin: User, people: dict[str, Candidate]
) -> None:
    auth.login(admin.email)
    response = client.post("/roles/", data={"title": "Data analyst", "description": "SQL first"})
    assert response.status_code == 303
    role = RoleProfile.get(RoleProfile.title == "Data analyst")
    edit = f"/roles/{role.id}/skills"
    assert (
        client.post(
            edit, data={"skill": "SQL", "importance": "required", "weight": "5"}
        ).status_code
        == 303
    )
    client.post(edit, data={"skill": "python", "importance": "preferred", "weight": "2"})
    assert RoleSkill.select().where(RoleSkill.role == role).count() == 2

    page = client.get(f"/roles/{role.id}").text
    assert page.index("Ada") < page.index("Bo")
    assert "70.0" in page and "Missing 1" in page  # an issuer nobody placed counts 0.7
    assert 'role="img"' in page and "2 of 2 skills evidenced" in page


def test_unknown_skill_name_is_refused_with_a_message(
    client: FlaskClient, auth: AuthActions, admin: User, org: Organization
) -> None:
    role = build_role(org, "Support")
    auth.login(admin.email)
    response = client.post(f"/roles/{role.id}/skills", data={"skill": "juggling chainsaws"})
    assert response.status_code == 422 and "No skill called" in response.text


def test_explanation_names_the_credential_its_factors_and_what_would_raise_the_score(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization, people
) -> None:  # type: ignore[no-untyped-def]
    role = build_role(org, "Analyst", required=[skill(SQL_URI)], preferred=[skill(PYTHON_URI)])
    auth.login(recruiter.email)
    page = client.get(f"/roles/{role.id}/candidates/{people['bo'].id}").text
    assert "Python for Data" in page and "trust 0.70 (unknown)" in page
    assert "Resolve" not in page  # a revoked credential cannot be resolved
    # Bo's only SQL credential is revoked: named as a red flag, not hidden behind advice to add
    assert "Add verified evidence of SQL" not in page and "No verified evidence" not in page
    assert "Red flags" in page and "Revoked by its issuer" in page and "Old SQL" in page
    assert "Missing required: SQL" in page


def test_recruiters_and_viewers_cannot_edit_roles(
    client: FlaskClient, auth: AuthActions, viewer: User, recruiter: User, org: Organization
) -> None:
    role = build_role(org, "Support")
    for user in (viewer, recruiter):
        auth.login(user.email)
        assert client.get(f"/roles/{role.id}").status_code == 200
        assert client.get(f"/roles/{role.id}/edit").status_code == 403
        assert client.post("/roles/", data={"title": "x"}).status_code == 403
        assert client.post(f"/roles/{role.id}/skills", data={"skill": "SQL"}).status_code == 403
        auth.logout()


def test_filters_keep_only_candidates_meeting_every_requirement(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization, people
) -> None:  # type: ignore[no-untyped-def]
    role = build_role(org, "Analyst", required=[skill(SQL_URI)], preferred=[skill(PYTHON_URI)])
    auth.login(recruiter.email)
    partial = client.get(f"/roles/{role.id}?meets=1", headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="ranking"')
    assert ">Ada<" in partial.text and ">Bo<" not in partial.text
    high = client.get(f"/roles/{role.id}?min=50").text
    assert ">Ada<" in high and ">Bo<" not in high


def test_changes_answers_an_event_only_when_the_token_moved(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization, people
) -> None:  # type: ignore[no-untyped-def]
    role = build_role(org, "Analyst", required=[skill(SQL_URI)])
    auth.login(recruiter.email)
    page = client.get(f"/roles/{role.id}").text
    token = page.split('data-token="', 1)[1].split('"', 1)[0]
    same = client.get(f"/roles/{role.id}/changes?token={token}")
    assert same.status_code == 200 and "HX-Trigger" not in same.headers
    build_credential(people["bo"], "New SQL", [alignment("SQL", SQL_URI)])
    moved = client.get(f"/roles/{role.id}/changes?token={token}")
    assert moved.headers["HX-Trigger"] == "credential-verified"


def test_shortlist_add_and_remove(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization, people
) -> None:  # type: ignore[no-untyped-def]
    role = build_role(org, "Analyst", required=[skill(SQL_URI)])
    auth.login(recruiter.email)
    added = client.post(
        f"/roles/{role.id}/shortlist",
        data={"candidate_id": people["ada"].id},
        headers={"HX-Request": "true"},
    )
    assert 'Remove <span class="visually-hidden">Ada</span> from shortlist' in added.text
    assert "Ada" in client.get(f"/roles/{role.id}/shortlist").text
    client.post(f"/roles/{role.id}/shortlist/remove", data={"candidate_id": people["ada"].id})
    assert "Nobody is on this shortlist" in client.get(f"/roles/{role.id}/shortlist").text


def test_shortlist_refuses_another_organisations_candidate(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization, other_org
) -> None:  # type: ignore[no-untyped-def]
    role = build_role(org, "Analyst")
    stranger = candidate_service.create(other_org, "Eve", ["eve@example.com"])
    auth.login(recruiter.email)
    response = client.post(f"/roles/{role.id}/shortlist", data={"candidate_id": stranger.id})
    assert response.status_code == 404


def test_csv_export_explains_each_skill_and_records_the_policy_version(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization, people
) -> None:  # type: ignore[no-untyped-def]
    role = build_role(org, "Analyst", required=[skill(SQL_URI)], preferred=[skill(PYTHON_URI)])
    auth.login(recruiter.email)
    response = client.get(f"/roles/{role.id}/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["candidate"] for r in rows] == ["Ada", "Ada", "Bo", "Bo"]
    assert {r["policy_version"] for r in rows} == {POLICY_VERSION}
    bo_sql = next(r for r in rows if r["candidate"] == "Bo" and r["skill"] == "SQL")
    assert bo_sql["credential"] == "" and bo_sql["meets_required"] == "no"
    export = RankingExport.get()
    assert export.policy_version == POLICY_VERSION and export.candidates == 2


def test_gate_off_ranks_by_score_alone(
    client: FlaskClient, auth: AuthActions, admin: User, org: Organization
) -> None:
    cloud, sql, python = skill(CLOUD_URI), skill(SQL_URI), skill(PYTHON_URI)
    role = build_role(org, "Mixed", preferred=[sql, python])
    role_service.set_requirement(role, None, RequirementInput(cloud, Importance.REQUIRED, 1))
    many = candidate_service.create(org, "Many", ["m@example.com"])
    one = candidate_service.create(org, "One", ["o@example.com"])
    build_credential(many, "SQL", [alignment("SQL", SQL_URI)])
    build_credential(many, "Py", [alignment("Python", PYTHON_URI)])
    build_credential(one, "Cloud", [alignment("cloud computing")])
    auth.login(admin.email)
    gated = client.get(f"/roles/{role.id}").text
    assert gated.index(">One<") < gated.index(">Many<")
    client.post(f"/roles/{role.id}/edit", data={"title": "Mixed", "description": ""})
    ungated = client.get(f"/roles/{role.id}").text
    assert ungated.index(">Many<") < ungated.index(">One<")


@pytest.mark.parametrize("who", ["admin", "viewer"])
def test_every_roles_page_renders_for_editors_and_readers(
    client: FlaskClient, auth: AuthActions, org: Organization, people, who: str, request
) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who)
    role = build_role(org, "Analyst", required=[skill(SQL_URI)], preferred=[skill(PYTHON_URI)])
    auth.login(user.email)
    pages = ["/roles/", f"/roles/{role.id}", f"/roles/{role.id}/shortlist", "/stacks/", "/issuers/"]
    pages += ["/skills/", "/skills/crosswalk", f"/roles/{role.id}/candidates/{people['ada'].id}"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert ("Create role" in response.text) == (who == "admin" and url == "/roles/")
    assert client.get(f"/roles/{role.id}/edit").status_code == (200 if who == "admin" else 403)


def test_stored_dates_reach_the_recency_factor(org: Organization) -> None:
    from datetime import UTC, datetime

    ada = candidate_service.create(org, "Ada", ["ada@example.com"])
    issued = datetime(2019, 6, 1, 8, 15, 30, 123456, tzinfo=UTC)
    build_credential(ada, "SQL", [alignment("SQL", SQL_URI)], issued_on=issued)
    role = build_role(org, "Analyst")
    role_service.set_requirement(
        role, None, RequirementInput(skill(SQL_URI), Importance.REQUIRED, 3, recency_months=24)
    )
    from app.services import ranking as ranking_service

    row = ranking_service.ranking_for(role).scores[0].rows[0]
    assert row.evidence is not None and row.evidence.issued_on == issued
    assert row.factors is not None and row.factors.recency == 0.5


def test_numbers_in_tables_say_what_they_are_once_stacked_on_a_phone(
    client: FlaskClient, auth: AuthActions, admin: User, org: Organization, people
) -> None:  # type: ignore[no-untyped-def]
    """Regression: stacked rows on a 390 px phone showed bare "5" and "ranked last"."""
    role = build_role(org, "Analyst", required=[skill(SQL_URI)], preferred=[skill(PYTHON_URI)])
    role_service.add_to_shortlist(role, people["ada"], admin)
    auth.login(admin.email)
    labels = {
        "/roles/": ["Skills", "Missing a required skill"],
        f"/roles/{role.id}/shortlist": ["Score", "Required skills", "Added"],
        f"/roles/{role.id}/candidates/{people['ada'].id}": ["Importance", "Points"],
        f"/candidates/{people['ada'].id}": ["Score", "Rank", "Required skills"],
        "/candidates/": ["Added"],
    }
    for url, names in labels.items():
        page = client.get(url).text
        for name in names:
            assert f'<td data-label="{name}">' in page, (url, name)
