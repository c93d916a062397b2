"""Roles and rankings over the API: profiles, scores explained, the scoring-policy version."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Candidate, Organization
from app.ranking import POLICY_VERSION
from app.services import candidates as candidate_service
from tests.support.api import token
from tests.support.ranking_builders import (
    PYTHON_URI,
    SQL_URI,
    alignment,
    build_credential,
    build_role,
    skill,
)


@pytest.fixture
def api(app: Flask, org: Organization) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(org, 'read')}"
    return client


@pytest.fixture
def people(org: Organization) -> dict[str, Candidate]:
    ada = candidate_service.create(org, "Ada", ["ada@example.com"])
    bo = candidate_service.create(org, "Bo", ["bo@example.com"])
    build_credential(ada, "SQL Analytics", [alignment("SQL", SQL_URI)])
    build_credential(ada, "Python for Data", [alignment("Python", PYTHON_URI)])
    build_credential(bo, "Python for Data", [alignment("Python", PYTHON_URI)])
    build_credential(bo, "Old SQL", [alignment("SQL", SQL_URI)], verdict="revoked")
    return {"ada": ada, "bo": bo}


def test_list_and_show_roles_with_their_requirements(api: FlaskClient, org: Organization) -> None:
    analyst = build_role(
        org, "Data Analyst", required=[skill(SQL_URI)], preferred=[skill(PYTHON_URI)]
    )
    build_role(org, "Backend Engineer", required=[skill(PYTHON_URI)])
    listed = api.get("/api/v1/roles").json
    assert [r["title"] for r in listed["data"]] == ["Backend Engineer", "Data Analyst"]
    shown = api.get(f"/api/v1/roles/{analyst.id}").json
    assert [(r["importance"], r["weight"]) for r in shown["requirements"]] == [
        ("required", 5),
        ("preferred", 2),
    ]
    assert shown["ranking_url"] == f"/api/v1/roles/{analyst.id}/ranking"


def test_ranking_explains_every_point_under_the_policy_version(
    api: FlaskClient, org: Organization, people: dict[str, Candidate]
) -> None:
    role = build_role(org, "Data Analyst", required=[skill(SQL_URI)], preferred=[skill(PYTHON_URI)])
    body = api.get(f"/api/v1/roles/{role.id}/ranking").json
    assert body["policy_version"] == POLICY_VERSION and body["role_id"] == role.id
    assert [(c["position"], c["name"]) for c in body["data"]] == [(1, "Ada"), (2, "Bo")]
    ada, bo = body["data"]
    assert ada["meets_required"] and not bo["meets_required"]
    assert bo["missing_required"] == [skill(SQL_URI).name]
    assert ada["score"] == pytest.approx(sum(row["points"] for row in ada["skills"]), abs=0.05)
    sql_row = next(row for row in ada["skills"] if row["importance"] == "required")
    assert sql_row["evidence"]["name"] == "SQL Analytics"
    assert sql_row["evidence"]["verdict"] == "verified"
    assert set(sql_row["factors"]) == {
        "verified",
        "trust",
        "stale",
        "recency",
        "level",
        "ownership",
    }
    assert next(row for row in bo["skills"] if row["importance"] == "required")["evidence"] is None


def test_ranking_pages(api: FlaskClient, org: Organization, people: dict[str, Candidate]) -> None:
    role = build_role(org, "Data Analyst", required=[skill(SQL_URI)])
    second = api.get(f"/api/v1/roles/{role.id}/ranking?per_page=1&page=2").json
    assert [c["position"] for c in second["data"]] == [2]
    assert second["pagination"] == {"page": 2, "per_page": 1, "total": 2, "pages": 2}


@pytest.mark.parametrize(
    "url", ["/api/v1/roles/999", "/api/v1/roles/999/ranking"], ids=["role", "ranking"]
)
def test_unknown_role_is_404(api: FlaskClient, url: str) -> None:
    response = api.get(url)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_ranking_refuses_bad_paging(api: FlaskClient, org: Organization) -> None:
    role = build_role(org, "Data Analyst")
    response = api.get(f"/api/v1/roles/{role.id}/ranking?per_page=0")
    assert response.status_code == 422
    assert "per_page" in response.json["error"]["details"]["fields"]
