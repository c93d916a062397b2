"""The API takes profile links where it takes badge links: queued for the worker, and shown on
the candidate as `profiles` with their progress."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Credential, Organization, ProfileImport
from app.services import candidates as candidate_service
from app.services import intake
from tests.support.api import bearer, token

PROFILE = "https://www.credly.com/users/ada-lovelace/badges"
BADGE = "https://issuer.example/assertions/1.json"


@pytest.fixture
def api(app: Flask, org: Organization) -> FlaskClient:
    client = app.test_client()
    client.environ_base.update(
        {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in bearer(token(org)).items()}
    )
    return client


def test_a_new_candidates_profile_link_is_a_profile_not_a_credential(api: FlaskClient) -> None:
    body = {
        "name": "Ada Lovelace",
        "emails": ["ada@example.com"],
        "credentials": [{"url": PROFILE}, {"url": BADGE}],
    }
    response = api.post("/api/v1/candidates", json=body)
    assert response.status_code == 201, response.json
    candidate = response.json
    assert [c["source_url"] for c in candidate["credentials"]] == [BADGE]
    (profile,) = candidate["profiles"]
    assert {k: profile[k] for k in ("url", "provider", "handle", "status", "found")} == {
        "url": PROFILE,
        "provider": "Credly",
        "handle": "ada-lovelace",
        "status": "queued",
        "found": 0,
    }
    listed = api.get("/api/v1/candidates").json["data"][0]
    assert listed["profiles"] == candidate["profiles"]


def test_adding_a_profile_link_answers_202_with_the_queued_import(
    api: FlaskClient, org: Organization
) -> None:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    url = f"/api/v1/candidates/{candidate.id}/credentials"

    response = api.post(url, json={"url": PROFILE})

    assert response.status_code == 202
    assert response.json["status"] == "queued" and response.json["provider"] == "Credly"
    assert response.headers["Location"].endswith(f"/api/v1/candidates/{candidate.id}")
    assert Credential.select().count() == 0
    ProfileImport.update(status="done").execute()
    again = api.post(url, json={"url": PROFILE + ".json"})  # the same profile: read again
    assert again.status_code == 202 and again.json["id"] == response.json["id"]
    assert again.json["status"] == "queued"


def test_too_many_profile_links_is_a_422_and_nothing_is_kept(api: FlaskClient) -> None:
    links = [
        {"url": f"https://www.credly.com/users/p-{n}/badges"}
        for n in range(intake.MAX_PROFILES + 1)
    ]
    body = {"name": "Ada", "credentials": links}
    response = api.post("/api/v1/candidates", json=body)
    assert response.status_code == 422
    assert "profile links" in response.json["error"]["message"]
    assert ProfileImport.select().count() == 0
