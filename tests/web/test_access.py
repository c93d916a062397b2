"""Every route is guarded: sign-in required, roles enforced, organisations kept apart."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Organization, Role, User
from tests.conftest import AuthActions
from tests.support.builders import build_user

# The password-reset pages are for people who cannot sign in: tests/web/test_password_reset.py
# reports.shared: opened by a signed share link instead (tests/web/test_sharing.py)
PUBLIC_ENDPOINTS = {
    "static",
    "auth.login",
    "auth.forgot_password",
    "auth.reset_password",
    "reports.shared",
}


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.rule.startswith("/api/"):
            continue  # the API answers 401 JSON instead: tests/web/test_api_auth.py
        if rule.endpoint.startswith("exchanges."):
            continue  # the exchange id is the key instead: tests/web/test_exchanges.py
        if rule.endpoint.startswith(("portal.", "wallet.", "proofs.")):
            continue  # the invite link is the key: test_invites.py, test_wallet_portal.py,
            # test_portal_email_proof.py
        url = re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "1", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    return routes


def test_route_table_is_not_empty(app: Flask) -> None:
    assert len(_routes(app)) >= 6


def test_every_route_requires_sign_in(client: FlaskClient, app: Flask) -> None:
    for endpoint, method, url in _routes(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (endpoint, method, url)
        assert response.headers["Location"].startswith("/login"), (endpoint, method, url)


def test_every_route_answers_htmx_without_session_with_hx_redirect(
    client: FlaskClient, app: Flask
) -> None:
    for endpoint, method, url in _routes(app):
        response = client.open(url, method=method, headers={"HX-Request": "true"})
        assert response.headers.get("HX-Redirect", "").startswith("/login"), (endpoint, method)


ADMIN_PAGES = ["/settings/users", "/settings/tokens"]


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.VIEWER], ids=lambda r: r.value)
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_are_forbidden_to_other_roles(
    client: FlaskClient, auth: AuthActions, org: Organization, role: Role, url: str
) -> None:
    user = build_user(org, f"{role.value}@acme.test", role)
    auth.login(user.email)
    assert client.get(url).status_code == 403
    assert client.post(url, data={"email": "x@acme.test", "role": "admin"}).status_code == 403


def test_403_page_is_rendered_inside_the_layout(
    client: FlaskClient, auth: AuthActions, viewer: User
) -> None:
    auth.login(viewer.email)
    page = client.get("/settings/users")
    assert "You do not have access" in page.text and 'aria-label="Main"' in page.text


def test_user_of_another_organisation_gets_404_when_changing_a_user(
    client: FlaskClient, auth: AuthActions, admin: User, other_org: Organization
) -> None:
    stranger = build_user(other_org, "someone@globex.test", Role.RECRUITER)
    auth.login(admin.email)
    response = client.post(f"/settings/users/{stranger.id}", data={"role": "admin", "active": "on"})
    assert response.status_code == 404
    assert User.get_by_id(stranger.id).role == "recruiter"


def test_users_page_lists_only_the_own_organisation(
    client: FlaskClient, auth: AuthActions, admin: User, other_org: Organization
) -> None:
    build_user(other_org, "someone@globex.test", Role.RECRUITER)
    auth.login(admin.email)
    page = client.get("/settings/users")
    assert admin.email in page.text and "someone@globex.test" not in page.text


def test_unknown_page_is_404_inside_the_layout(
    client: FlaskClient, auth: AuthActions, admin: User
) -> None:
    auth.login(admin.email)
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "Page not found" in page.text
