"""Sign-in, sign-out, throttling and session rules."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Role, User
from tests.conftest import AuthActions
from tests.support.builders import build_user


def test_sign_in_lands_on_dashboard_and_records_last_login(
    client: FlaskClient, auth: AuthActions, admin: User
) -> None:
    response = auth.login(admin.email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200 and "Acme Hiring" in page.text
    assert User.get_by_id(admin.id).last_login_at is not None


@pytest.mark.parametrize(
    ("email", "password"),
    [
        pytest.param("admin@acme.test", "wrong-password-123", id="wrong-password"),
        pytest.param("nobody@acme.test", "correct-horse-battery-staple", id="unknown-user"),
    ],
)
def test_failed_sign_in_says_the_same_for_unknown_user_and_wrong_password(
    auth: AuthActions, admin: User, email: str, password: str
) -> None:
    response = auth.login(email, password)
    assert response.status_code == 401
    assert "do not match an active account" in response.text


def test_deactivated_user_cannot_sign_in(auth: AuthActions, org, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    user = build_user(org, "gone@acme.test", Role.RECRUITER)
    User.update(active=False).where(User.id == user.id).execute()
    assert auth.login(user.email).status_code == 401


def test_deactivating_a_signed_in_user_ends_their_session(
    client: FlaskClient, auth: AuthActions, recruiter: User
) -> None:
    auth.login(recruiter.email)
    User.update(active=False).where(User.id == recruiter.id).execute()
    assert client.get("/").status_code == 302


def test_sign_out_requires_post_and_ends_the_session(
    client: FlaskClient, auth: AuthActions, admin: User
) -> None:
    auth.login(admin.email)
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 302
    assert client.get("/").headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    "next_url",
    [
        pytest.param("https://evil.example/", id="absolute"),
        pytest.param("//evil.example/", id="scheme-relative"),
        pytest.param("/\\evil.example", id="backslash"),
    ],
)
def test_sign_in_never_redirects_off_site(client: FlaskClient, admin: User, next_url: str) -> None:
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"email": admin.email, "password": "correct-horse-battery-staple"},
    )
    assert response.headers["Location"] == "/"


def test_sign_in_follows_a_local_next(client: FlaskClient, admin: User) -> None:
    response = client.post(
        "/login",
        query_string={"next": "/settings/users"},
        data={"email": admin.email, "password": "correct-horse-battery-staple"},
    )
    assert response.headers["Location"] == "/settings/users"


def test_expired_htmx_request_gets_hx_redirect_not_the_login_page(client: FlaskClient) -> None:
    response = client.post("/settings/users", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/login")
    assert "<form" not in response.text


def test_login_is_throttled_with_a_friendly_page(csrf_off: Flask, admin: User) -> None:
    client = csrf_off.test_client()
    settings = csrf_off.extensions["skillproof.settings"]
    csrf_off.extensions["skillproof.settings"] = replace(settings, login_rate_limit="3 per minute")
    statuses = [
        client.post("/login", data={"email": admin.email, "password": "nope-nope-nope"}).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    page = client.post("/login", data={"email": admin.email, "password": "nope-nope-nope"})
    assert page.status_code == 429
    assert "Too many attempts" in page.text and "wait a minute" in page.text


def test_session_cookie_is_httponly_and_samesite_lax(
    client: FlaskClient, auth: AuthActions, admin: User
) -> None:
    response = auth.login(admin.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
