"""The API's gate: bearer tokens, scopes, revocation, per-token rate limits, audit, JSON errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app, db
from app.models import ApiToken, AuditEntry, Candidate, Organization, Role, User
from app.services import api_tokens
from app.services import candidates as candidate_service
from tests.conftest import AuthActions, make_settings
from tests.support.api import PUBLIC, api_routes, bearer, fill, route_id, token
from tests.support.builders import build_org, build_user

PROTECTED = [route for route in api_routes() if route[0] not in PUBLIC]
WRITES = [route for route in PROTECTED if route[1] != "GET"]
ANY_IDS = {"candidate_id": 1, "credential_id": 1, "role_id": 1, "alert_id": 1}


@pytest.fixture
def api(app: Flask) -> FlaskClient:
    """A client with CSRF protection on, as in production: the API must not need it."""
    return app.test_client()


def test_the_api_has_routes_to_guard() -> None:
    assert len(PROTECTED) >= 10 and WRITES


@pytest.mark.parametrize("route", PROTECTED, ids=route_id)
def test_every_api_route_answers_401_json_without_a_token(
    api: FlaskClient, route: tuple[str, str, str]
) -> None:
    _, method, rule = route
    response = api.open(fill(rule, ANY_IDS), method=method, json={})
    assert response.status_code == 401
    assert response.json is not None and response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(None, id="missing"),
        pytest.param("Basic dXNlcjpwYXNz", id="basic-scheme"),
        pytest.param("Bearer", id="empty-bearer"),
        pytest.param("Bearer sp_not-a-real-token", id="unknown-token"),
        pytest.param("Bearer x" * 300, id="oversized"),
    ],
)
def test_a_bad_authorization_header_is_401(
    api: FlaskClient, org: Organization, header: str | None
) -> None:
    token(org)  # a real token exists; the header still does not name it
    headers = {"Authorization": header} if header else {}
    response = api.get("/api/v1/candidates", headers=headers)
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_a_session_cookie_is_not_a_token(
    app: Flask, client: FlaskClient, auth: AuthActions, admin: User
) -> None:
    auth.login(admin.email)
    assert client.get("/candidates/").status_code == 200
    assert client.get("/api/v1/candidates").status_code == 401


@pytest.mark.parametrize("route", WRITES, ids=route_id)
def test_a_read_token_cannot_write(
    api: FlaskClient, org: Organization, route: tuple[str, str, str]
) -> None:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    ids = {**ANY_IDS, "candidate_id": candidate.id}
    _, method, rule = route
    response = api.open(
        fill(rule, ids), method=method, json={"name": "Changed"}, headers=bearer(token(org, "read"))
    )
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    assert Candidate.get_by_id(candidate.id).name == "Ada"


def test_a_read_token_can_read(api: FlaskClient, org: Organization) -> None:
    response = api.get("/api/v1/candidates", headers=bearer(token(org, "read")))
    assert response.status_code == 200 and response.json["data"] == []


def test_a_write_token_posts_without_a_csrf_token(api: FlaskClient, org: Organization) -> None:
    response = api.post("/api/v1/candidates", json={"name": "Ada"}, headers=bearer(token(org)))
    assert response.status_code == 201


def test_a_revoked_token_is_refused_at_once(
    api: FlaskClient, client: FlaskClient, auth: AuthActions, org: Organization, admin: User
) -> None:
    new = api_tokens.create(org, "Lever", "write")
    assert api.get("/api/v1/candidates", headers=bearer(new.secret)).status_code == 200
    auth.login(admin.email)
    client.post(f"/settings/tokens/{new.token.id}/revoke")
    response = api.get("/api/v1/candidates", headers=bearer(new.secret))
    assert response.status_code == 401
    assert ApiToken.get_by_id(new.token.id).revoked_at is not None


def test_every_request_is_in_the_audit_trail(api: FlaskClient, org: Organization) -> None:
    new = api_tokens.create(org, "Workday", "read")
    api.get("/api/v1/candidates?q=secret-search", headers=bearer(new.secret))
    api.get("/api/v1/candidates/999", headers=bearer(new.secret))
    entries = list(
        AuditEntry.of(org).where(AuditEntry.action == "api.request").order_by(AuditEntry.id)
    )
    assert [e.subject for e in entries] == [f"api_token:{new.token.id}"] * 2
    assert [e.detail for e in entries] == [
        "GET /api/v1/candidates 200",
        "GET /api/v1/candidates/999 404",
    ]
    assert ApiToken.get_by_id(new.token.id).last_used_at is not None


@pytest.fixture
def limited_app(database_url: str) -> Iterator[Flask]:
    application = create_app(make_settings(database_url, api_rate_limit="3 per minute"))
    db.migrate()
    yield application
    db.db.close()


def test_the_rate_limit_is_per_token_and_answers_429_json(limited_app: Flask) -> None:
    org = build_org("Acme Hiring", "acme")
    first, second = token(org, name="Greenhouse"), token(org, name="Lever")
    api = limited_app.test_client()
    statuses = [api.get("/api/v1/candidates", headers=bearer(first)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api.get("/api/v1/candidates", headers=bearer(first))
    assert refused.json["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    assert api.get("/api/v1/candidates", headers=bearer(second)).status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        pytest.param("GET", "/api/v1/no-such-thing", 404, "not_found", id="unknown-path"),
        pytest.param("POST", "/api/v1/no-such-thing", 404, "not_found", id="unknown-path-post"),
        pytest.param("PUT", "/api/v1/candidates", 405, "method_not_allowed", id="wrong-method"),
        pytest.param("GET", "/api/v1/candidates/-1", 404, "not_found", id="negative-id"),
        pytest.param("GET", f"/api/v1/candidates/{2**70}", 404, "not_found", id="huge-id"),
    ],
)
def test_routing_errors_under_the_api_are_json(
    api: FlaskClient, org: Organization, method: str, url: str, status: int, code: str
) -> None:
    response = api.open(url, method=method, headers=bearer(token(org)))
    assert response.status_code == status and response.json["error"]["code"] == code
    assert response.is_json


def test_a_405_names_the_allowed_methods(api: FlaskClient, org: Organization) -> None:
    response = api.put("/api/v1/candidates", headers=bearer(token(org)))
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_html_error_pages_stay_html(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        pytest.param(
            {"data": "{not json", "content_type": "application/json"},
            400,
            "invalid_json",
            id="broken-json",
        ),
        pytest.param({"data": "name=Ada"}, 415, "unsupported_media_type", id="form-body"),
        pytest.param({"json": ["Ada"]}, 422, "validation_failed", id="not-an-object"),
        pytest.param(
            {"data": b"{" + b" " * (5 * 2**20) + b"}", "content_type": "application/json"},
            413,
            "payload_too_large",
            id="too-large",
        ),
    ],
)
def test_bad_bodies_get_their_status_and_code(
    api: FlaskClient, org: Organization, kwargs: dict[str, object], status: int, code: str
) -> None:
    response = api.post("/api/v1/candidates", headers=bearer(token(org)), **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status and response.json["error"]["code"] == code
    assert Candidate.of(org).count() == 0


def test_a_server_error_is_json_without_details(
    app: Flask, api: FlaskClient, org: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(candidate_service, "create", broken)
    response = api.post("/api/v1/candidates", json={"name": "Ada"}, headers=bearer(token(org)))
    assert response.status_code == 500 and response.json["error"]["code"] == "server_error"
    assert "fire" not in response.text


def test_a_viewer_cannot_reach_the_token_settings(
    client: FlaskClient, auth: AuthActions, org: Organization
) -> None:
    viewer = build_user(org, "v@acme.test", Role.VIEWER)
    auth.login(viewer.email)
    assert client.post("/settings/tokens", data={"name": "x", "scope": "write"}).status_code == 403
    assert ApiToken.of(org).count() == 0
