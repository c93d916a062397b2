"""Another organisation's token gets 404 on every API route that names an object."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.models import Candidate, Credential, Organization
from app.services import candidates as candidate_service
from app.services import intake
from tests.support.api import api_routes, bearer, fill, route_id, token

OBJECT_ROUTES = [route for route in api_routes() if "<" in route[2]]


def _objects(org: Organization) -> dict[str, Any]:
    """One object of every kind an API route can name, all in `org`."""
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    (credential,) = intake.add_urls(candidate, ["https://issuer.example/a/1"])
    ids: dict[str, Any] = {"candidate_id": candidate.id, "credential_id": credential.id}
    ids.update(_ranking_and_alert_ids(org, credential))
    return ids


def _ranking_and_alert_ids(org: Organization, credential: Credential) -> dict[str, Any]:
    from app.models import Alert, RoleProfile

    return {
        "role_id": RoleProfile.create(organization=org, title="Analyst").id,
        "alert_id": Alert.create(
            organization=org, credential=credential, kind="changed", key="k", message="m"
        ).id,
    }


def test_object_routes_exist() -> None:
    assert len(OBJECT_ROUTES) >= 8


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=route_id)
def test_another_organisations_token_gets_404(
    app: Flask, org: Organization, other_org: Organization, route: tuple[str, str, str]
) -> None:
    ids = _objects(org)
    stranger = bearer(token(other_org, "write"))
    _, method, rule = route
    body = {"name": "Taken", "url": "https://issuer.example/b/2", "archived": True}
    response = app.test_client().open(fill(rule, ids), method=method, json=body, headers=stranger)
    assert response.status_code == 404, response.json
    assert response.json["error"]["code"] == "not_found"
    candidate = Candidate.get_by_id(ids["candidate_id"])
    assert (candidate.name, candidate.archived) == ("Ada", False)
    assert Credential.select().where(Credential.candidate == candidate).count() == 1


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=route_id)
def test_the_owners_token_reaches_the_same_object(
    app: Flask, org: Organization, route: tuple[str, str, str]
) -> None:
    ids = _objects(org)
    _, method, rule = route
    body = {"name": "Ada L.", "url": "https://issuer.example/b/2"}
    response = app.test_client().open(
        fill(rule, ids), method=method, json=body, headers=bearer(token(org))
    )
    assert response.status_code != 404 or response.json["error"]["code"] != "not_found"
