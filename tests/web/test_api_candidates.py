"""Candidates over the API: create with credentials, list, show, update, delete."""

from __future__ import annotations

import base64
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import ApiToken, AuditEntry, Candidate, CandidateEmail, Credential, Organization
from app.services import candidates as candidate_service
from app.services import intake
from tests.support.api import token

BADGE = "https://issuer.example/assertions/1"


@pytest.fixture
def api(app: Flask, org: Organization) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(org)}"
    return client


def test_create_with_emails_links_and_documents(api: FlaskClient, org: Organization) -> None:
    document = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"}
    response = api.post(
        "/api/v1/candidates",
        json={
            "name": "  Ada Lovelace ",
            "emails": ["ADA@example.com", "ada@example.com", "ada@work.example"],
            "notes": "Referred",
            "credentials": [
                {"url": BADGE},
                {"url": BADGE + "#same-badge"},
                {"document": document, "filename": "ada.json"},
                {"document_base64": base64.b64encode(b"eyJhbGciOi.x.y").decode()},
            ],
        },
    )
    assert response.status_code == 201
    body = response.json
    assert response.headers["Location"] == f"/api/v1/candidates/{body['id']}"
    assert (body["name"], body["notes"], body["state"]) == ("Ada Lovelace", "Referred", "pending")
    assert body["emails"] == ["ada@example.com", "ada@work.example"]
    sources = [(c["source_url"], c["source_filename"], c["status"]) for c in body["credentials"]]
    assert sources == [
        (BADGE, None, "queued"),
        (None, "ada.json", "queued"),
        (None, "document", "queued"),
    ]
    stored = Credential.get_by_id(body["credentials"][1]["id"])
    assert json.loads(bytes(stored.source_data)) == document
    assert Credential.get_by_id(body["credentials"][0]["id"]).organization_id == org.id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({}, "name", id="no-name"),
        pytest.param({"name": "   "}, "name", id="blank-name"),
        pytest.param({"name": 7}, "name", id="name-not-string"),
        pytest.param({"name": "x" * 201}, "name", id="name-too-long"),
        pytest.param({"name": "Ada", "emails": ["not-an-address"]}, "emails", id="bad-email"),
        pytest.param({"name": "Ada", "emails": "ada@example.com"}, "emails", id="emails-not-list"),
        pytest.param({"name": "Ada", "age": 36}, "age", id="unknown-field"),
        pytest.param(
            {"name": "Ada", "credentials": [{"url": "ftp://x.example/b"}]},
            "credentials[0].url",
            id="not-http",
        ),
        pytest.param(
            {"name": "Ada", "credentials": [{"url": BADGE, "document": {}}]},
            "credentials[0].url",
            id="two-sources",
        ),
        pytest.param(
            {"name": "Ada", "credentials": [{"document_base64": "%%%"}]},
            "credentials[0].document_base64",
            id="bad-base64",
        ),
        pytest.param(
            {"name": "Ada", "credentials": [{"document": ""}]},
            "credentials[0].document",
            id="empty-document",
        ),
        pytest.param(
            {"name": "Ada", "credentials": [{"document": "x" * (2 * 2**20 + 1)}]},
            "credentials[0].document",
            id="document-too-large",
        ),
        pytest.param({"name": "Ada", "credentials": {"url": BADGE}}, "credentials", id="not-list"),
    ],
)
def test_create_refuses_bad_fields_and_names_them(
    api: FlaskClient, org: Organization, body: dict[str, object], field: str
) -> None:
    response = api.post("/api/v1/candidates", json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["details"]["fields"]
    assert Candidate.of(org).count() == 0


def test_list_pages_newest_first(api: FlaskClient, org: Organization) -> None:
    for name in ("Ada", "Bea", "Cy"):
        candidate_service.create(org, name, [f"{name.lower()}@example.com"])
    first = api.get("/api/v1/candidates?per_page=2").json
    second = api.get("/api/v1/candidates?per_page=2&page=2").json
    assert [c["name"] for c in first["data"]] == ["Cy", "Bea"]
    assert [c["name"] for c in second["data"]] == ["Ada"]
    assert first["pagination"] == {"page": 1, "per_page": 2, "total": 3, "pages": 2}
    assert first["data"][0]["emails"] == ["cy@example.com"]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        pytest.param("q=bea", ["Bea"], id="by-name"),
        pytest.param("q=ADA@EXAMPLE", ["Ada"], id="by-email"),
        pytest.param("state=pending", ["Ada"], id="by-state"),
        pytest.param("archived=true", ["Cy"], id="archived"),
    ],
)
def test_list_filters(api: FlaskClient, org: Organization, query: str, names: list[str]) -> None:
    ada = candidate_service.create(org, "Ada", ["ada@example.com"])
    intake.add_urls(ada, [BADGE])
    candidate_service.create(org, "Bea", ["bea@example.com"])
    candidate_service.set_archived(candidate_service.create(org, "Cy", []), True)
    assert [c["name"] for c in api.get(f"/api/v1/candidates?{query}").json["data"]] == names


@pytest.mark.parametrize(
    "query",
    ["page=0", "per_page=101", "per_page=x", "archived=maybe", "state=happy", f"page={10**6}"],
)
def test_list_refuses_bad_query_parameters(api: FlaskClient, query: str) -> None:
    response = api.get(f"/api/v1/candidates?{query}")
    assert response.status_code == 422 and response.json["error"]["details"]["fields"]


def test_show_has_emails_and_credentials(api: FlaskClient, org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", ["ada@example.com"])
    (credential,) = intake.add_urls(ada, [BADGE])
    body = api.get(f"/api/v1/candidates/{ada.id}").json
    assert body["emails"] == ["ada@example.com"]
    assert [c["id"] for c in body["credentials"]] == [credential.id]
    assert body["credentials"][0]["url"] == f"/api/v1/credentials/{credential.id}"


def test_show_unknown_is_404(api: FlaskClient) -> None:
    response = api.get("/api/v1/candidates/4242")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_update_changes_only_what_is_given(api: FlaskClient, org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", ["ada@example.com"], "first note")
    response = api.patch(f"/api/v1/candidates/{ada.id}", json={"archived": True})
    assert response.status_code == 200
    assert (response.json["name"], response.json["notes"]) == ("Ada", "first note")
    assert response.json["archived"] is True and response.json["emails"] == ["ada@example.com"]
    response = api.patch(
        f"/api/v1/candidates/{ada.id}", json={"name": "Ada L.", "emails": ["a@new.example"]}
    )
    assert response.json["name"] == "Ada L." and response.json["emails"] == ["a@new.example"]
    assert Candidate.get_by_id(ada.id).archived is True


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"name": ""}, id="blank-name"),
        pytest.param({"archived": "yes"}, id="archived-not-bool"),
        pytest.param({"emails": ["nope"]}, id="bad-email"),
        pytest.param({"credentials": []}, id="unknown-field"),
    ],
)
def test_update_refuses_bad_fields(
    api: FlaskClient, org: Organization, body: dict[str, object]
) -> None:
    ada = candidate_service.create(org, "Ada", ["ada@example.com"])
    response = api.patch(f"/api/v1/candidates/{ada.id}", json=body)
    assert response.status_code == 422
    reloaded = Candidate.get_by_id(ada.id)
    assert (reloaded.name, reloaded.archived) == ("Ada", False)


def test_delete_erases_and_leaves_an_audit_entry(api: FlaskClient, org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", ["ada@example.com"])
    intake.add_urls(ada, [BADGE])
    response = api.delete(f"/api/v1/candidates/{ada.id}")
    assert response.status_code == 204 and response.data == b""
    assert api.get(f"/api/v1/candidates/{ada.id}").status_code == 404
    assert Credential.select().count() == 0 and CandidateEmail.select().count() == 0
    erased = AuditEntry.get(AuditEntry.action == "candidate.delete")
    assert "credentials=1" in erased.detail and "ada" not in erased.detail.lower()


def test_delete_by_a_token_audits_the_token_and_no_user(
    api: FlaskClient, org: Organization
) -> None:
    ada = candidate_service.create(org, "Ada", [])
    assert api.delete(f"/api/v1/candidates/{ada.id}").status_code == 204
    erased = AuditEntry.get(AuditEntry.action == "candidate.delete")
    assert erased.actor is None
    assert erased.detail.endswith(f"via=token:{ApiToken.get().id}")


def test_list_credentials_of_a_candidate(api: FlaskClient, org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", [])
    intake.add_urls(ada, [BADGE, BADGE + "2"])
    body = api.get(f"/api/v1/candidates/{ada.id}/credentials?per_page=1").json
    assert [c["source_url"] for c in body["data"]] == [BADGE]
    assert body["pagination"]["total"] == 2


def test_add_credential_queues_it(api: FlaskClient, org: Organization) -> None:
    ada = candidate_service.create(org, "Ada", [])
    response = api.post(f"/api/v1/candidates/{ada.id}/credentials", json={"url": BADGE})
    assert response.status_code == 201
    assert response.json["status"] == "queued" and response.json["verdict"] is None
    assert response.headers["Location"] == f"/api/v1/credentials/{response.json['id']}"
    assert Candidate.get_by_id(ada.id).state == "pending"


@pytest.mark.parametrize(
    "item",
    [
        pytest.param({"url": BADGE}, id="link"),
        pytest.param({"document": {"type": "Assertion"}}, id="document"),
    ],
)
def test_adding_the_same_credential_twice_is_409_naming_it(
    api: FlaskClient, org: Organization, item: dict[str, object]
) -> None:
    ada = candidate_service.create(org, "Ada", [])
    first = api.post(f"/api/v1/candidates/{ada.id}/credentials", json=item)
    again = api.post(f"/api/v1/candidates/{ada.id}/credentials", json=item)
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"
    assert again.json["error"]["details"] == {"credential_id": first.json["id"]}


@pytest.mark.parametrize(
    ("item", "field"),
    [
        pytest.param({}, "url", id="nothing"),
        pytest.param({"url": "javascript:alert(1)"}, "url", id="not-http"),
        pytest.param({"document": 42}, "document", id="document-number"),
        pytest.param({"url": BADGE, "filename": 3}, "filename", id="filename-number"),
    ],
)
def test_add_credential_refuses_bad_input(
    api: FlaskClient, org: Organization, item: dict[str, object], field: str
) -> None:
    ada = candidate_service.create(org, "Ada", [])
    response = api.post(f"/api/v1/candidates/{ada.id}/credentials", json=item)
    assert response.status_code == 422 and field in response.json["error"]["details"]["fields"]
    assert Credential.select().count() == 0


def test_a_document_that_is_no_badge_is_a_422_naming_it_and_nothing_is_kept(
    api: FlaskClient, org: Organization
) -> None:
    body = {"name": "Ada", "credentials": [{"url": BADGE}, {"document": "just some text"}]}
    response = api.post("/api/v1/candidates", json=body)
    assert response.status_code == 422
    assert "not a digital badge" in response.json["error"]["details"]["fields"]["credentials[1]"]
    assert Candidate.select().count() == 0 and Credential.select().count() == 0


def test_adding_a_document_that_is_no_badge_is_a_422_on_the_document(
    api: FlaskClient, org: Organization
) -> None:
    ada = candidate_service.create(org, "Ada", [])
    response = api.post(f"/api/v1/candidates/{ada.id}/credentials", json={"document": "hello"})
    assert response.status_code == 422
    assert "document" in response.json["error"]["details"]["fields"]
    assert Credential.select().count() == 0
