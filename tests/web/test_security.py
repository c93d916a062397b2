"""CSRF, security headers and production-mode guards."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from app.config import ConfigError, load_settings
from app.models import User


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_state_changing_request_without_csrf_token_is_rejected(app: Flask, admin: User) -> None:
    client = app.test_client()
    response = client.post("/login", data={"email": admin.email, "password": "x" * 20})
    assert response.status_code == 400
    assert "form expired" in response.text


def test_csrf_token_in_form_or_htmx_header_is_accepted(app: Flask, admin: User) -> None:
    client = app.test_client()
    token = _token(client.get("/login").text)
    form = {"email": admin.email, "password": "correct-horse-battery-staple", "csrf_token": token}
    assert client.post("/login", data=form).status_code == 302
    page = client.get("/settings/users").text
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    assert header_token
    response = client.post(
        "/settings/users",
        data={"email": "new@acme.test", "role": "viewer"},
        headers={"X-CSRFToken": header_token.group(1), "HX-Request": "true"},
    )
    assert response.status_code == 201


def test_logout_without_csrf_token_is_rejected(app: Flask, admin: User) -> None:
    client = app.test_client()
    token = _token(client.get("/login").text)
    client.post(
        "/login",
        data={
            "email": admin.email,
            "password": "correct-horse-battery-staple",
            "csrf_token": token,
        },
    )
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_pages_carry_a_self_only_csp_and_hardening_headers(app: Flask) -> None:
    response = app.test_client().get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_have_no_inline_scripts_or_styles() -> None:
    from pathlib import Path

    for template in Path("templates").rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and "style=" not in text and " on" + "click=" not in text, (
            template
        )


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param("", id="missing"),
        pytest.param("short", id="short"),
        pytest.param("change-me", id="placeholder"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret: str) -> None:
    environ = {
        "SKILLPROOF_ENV": "production",
        "SKILLPROOF_SECRET_KEY": secret,
        "DATABASE_URL": "postgresql://db/skillproof",
    }
    with pytest.raises(ConfigError, match="SKILLPROOF_SECRET_KEY"):
        load_settings(environ)


def test_production_sets_secure_cookies() -> None:
    environ = {
        "SKILLPROOF_ENV": "production",
        "SKILLPROOF_SECRET_KEY": "k" * 40,
        "DATABASE_URL": "postgresql://db/skillproof",
    }
    assert load_settings(environ).flask_config()["SESSION_COOKIE_SECURE"] is True
