"""Skills search and autocomplete, the crosswalk, issuer trust tiers and stack rules."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.models import Candidate, Organization, Skill, SkillMapping, StackRule, User
from app.services import candidates as candidate_service
from app.services import ranking as ranking_service
from app.services import skills as skill_service
from tests.conftest import AuthActions
from tests.support.ranking_builders import SQL_URI, alignment, build_credential, build_role, skill


@pytest.fixture
def kube(org: Organization) -> Candidate:
    person = candidate_service.create(org, "Kai", ["kai@example.com"])
    build_credential(person, "K8s Admin", [alignment("Cloud computing fundamentals", framework="")])
    return person


def test_search_finds_skills_by_name_and_alias_as_a_fragment(
    client: FlaskClient, auth: AuthActions, recruiter: User
) -> None:
    auth.login(recruiter.email)
    partial = client.get("/skills/?q=cloud%20comp", headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="skill-results"')
    assert "cloud technologies" in partial.text  # "cloud computing" is one of its ESCO aliases
    options = client.get("/skills/options?skill=postg").text
    assert '<option value="PostgreSQL">' in options


def test_labels_the_taxonomy_lacks_become_evidence_skills_in_the_crosswalk(
    client: FlaskClient, auth: AuthActions, admin: User, org: Organization, kube: Candidate
) -> None:
    auth.login(admin.email)
    page = client.get("/skills/crosswalk").text
    label = Skill.get(Skill.organization == org, Skill.name == "Cloud computing fundamentals")
    assert label.source == "evidence"
    assert "Cloud computing fundamentals" in page and "cloud technologies" in page


def test_confirming_a_suggestion_maps_the_label_across_the_organisation(
    client: FlaskClient, auth: AuthActions, admin: User, org: Organization, kube: Candidate
) -> None:
    skill_service.sync_evidence_skills(org)
    label = Skill.get(Skill.organization == org, Skill.name == "Cloud computing fundamentals")
    cloud = skill("cloud technologies")
    role = build_role(org, "Cloud", required=[label])
    auth.login(admin.email)
    response = client.post(
        "/skills/crosswalk",
        data={"label_skill_id": label.id, "skill_id": cloud.id, "decision": "confirm"},
    )
    assert response.status_code == 303
    mapping = SkillMapping.get()
    assert mapping.confirmed and mapping.decided_by_id == admin.id
    ranking = ranking_service.ranking_for(role)
    row = ranking.scores[0].rows[0]
    assert row.requirement.skill_id == cloud.id  # the role now asks for the taxonomy skill
    assert row.claim is not None and row.claim.method == "confirmed"
    assert (
        "Cloud computing fundamentals"
        not in client.get("/skills/crosswalk").text.split("Decisions")[0]
    )


def test_a_rejected_suggestion_is_not_offered_again(
    client: FlaskClient, auth: AuthActions, admin: User, org: Organization, kube: Candidate
) -> None:
    skill_service.sync_evidence_skills(org)
    label = Skill.get(Skill.organization == org, Skill.name == "Cloud computing fundamentals")
    cloud = skill("cloud technologies")
    auth.login(admin.email)
    client.post(
        "/skills/crosswalk",
        data={"label_skill_id": label.id, "skill_id": cloud.id, "decision": "reject"},
    )
    (item,) = skill_service.crosswalk(org)
    assert cloud.id not in {s.id for s, _ in item.suggestions}


def test_recruiters_cannot_decide_mappings(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization, kube: Candidate
) -> None:
    auth.login(recruiter.email)
    response = client.post("/skills/crosswalk", data={"label_skill_id": 1, "skill_id": 1})
    assert response.status_code == 403


def test_trusting_an_issuer_raises_its_candidates_scores(
    client: FlaskClient, auth: AuthActions, admin: User, org: Organization
) -> None:
    person = candidate_service.create(org, "Ada", ["ada@example.com"])
    build_credential(person, "SQL", [alignment("SQL", SQL_URI)])
    role = build_role(org, "Analyst", required=[skill(SQL_URI)])
    assert ranking_service.ranking_for(role).scores[0].score == pytest.approx(70.0)
    auth.login(admin.email)
    assert "Example Academy" in client.get("/issuers/").text
    client.post(
        "/issuers/",
        data={
            "issuer": "https://academy.example/issuer",
            "name": "Example Academy",
            "tier": "trusted",
        },
    )
    assert ranking_service.ranking_for(role).scores[0].score == pytest.approx(100.0)
    client.post(
        "/issuers/factors",
        data={"trusted": "0.5", "neutral": "0.5", "unknown": "0.5", "blocked": "0"},
    )
    assert ranking_service.ranking_for(role).scores[0].score == pytest.approx(50.0)
    bad = client.post(
        "/issuers/factors", data={"trusted": "2", "neutral": "1", "unknown": "1", "blocked": "0"}
    )
    assert bad.status_code == 422 and "between 0 and 1" in bad.text


def test_a_stack_of_named_courses_counts_as_a_skill(
    client: FlaskClient, auth: AuthActions, admin: User, org: Organization
) -> None:
    person = candidate_service.create(org, "Ada", ["ada@example.com"])
    for n in (1, 2, 3):
        build_credential(person, f"Data Course {n}", [])
    role = build_role(org, "Analyst", required=[skill(SQL_URI)])
    auth.login(admin.email)
    response = client.post(
        "/stacks/",
        data={
            "name": "Data Certificate",
            "count": "3",
            "credentials": "Data Course 1\nData Course 2\nData Course 3",
            "grants": "SQL",
        },
    )
    assert response.status_code == 303 and StackRule.select().count() == 1
    score = ranking_service.ranking_for(role).scores[0]
    assert score.meets_required and score.rows[0].evidence is not None
    assert score.rows[0].evidence.name == "Data Certificate"
    page = client.get(f"/roles/{role.id}/candidates/{person.id}").text
    assert "stack of Data Course 1, Data Course 2, Data Course 3" in page


def test_a_stack_rule_needs_members_and_a_skill(
    client: FlaskClient, auth: AuthActions, admin: User
) -> None:
    auth.login(admin.email)
    response = client.post("/stacks/", data={"name": "X", "count": "2", "grants": "SQL"})
    assert response.status_code == 422 and "List the credentials or skills" in response.text


def test_a_skill_url_from_evidence_is_linked_only_when_it_is_http(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization
) -> None:
    person = candidate_service.create(org, "Mal", ["mal@example.com"])
    evil = alignment("Evil skill", url="javascript:alert(1)", framework="X")
    build_credential(person, "Evil", [evil])
    skill_service.sync_evidence_skills(org)
    auth.login(recruiter.email)
    page = client.get("/skills/?q=evil").text
    assert "Evil skill" in page and "javascript:" not in page
