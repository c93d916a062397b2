"""Sessions live on the server: sign-out, password changes and resets end them for good."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import AuditEntry, Organization, Role, User, UserSession
from app.services import accounts
from tests.conftest import make_settings
from tests.support.builders import DEFAULT_PASSWORD, build_org, build_user

BACKENDS = [
    pytest.param("database_url", id="sqlite"),
    pytest.param("postgres_url", id="postgres", marks=pytest.mark.postgres),
]
NEW_PASSWORD = "a-brand-new-long-passphrase"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[Flask]:
    from app import create_app, db

    application = create_app(make_settings(str(request.getfixturevalue(request.param))))
    application.config["WTF_CSRF_ENABLED"] = False
    db.migrate()
    yield application
    if not db.db.is_closed():
        db.db.close()


@pytest.fixture
def acme(backend: Flask) -> Organization:
    return build_org("Acme Hiring", "acme")


def _signed_in(app: Flask, email: str, password: str = DEFAULT_PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.text
    return client


def _copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of `client`'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_copied_cookie_stops_working_after_sign_out(backend: Flask, acme: Organization) -> None:
    build_user(acme, "ada@acme.test", Role.RECRUITER)
    browser = _signed_in(backend, "ada@acme.test")
    thief = _copy_of(backend, browser)
    assert thief.get("/candidates/").status_code == 200
    browser.post("/logout")
    response = thief.get("/candidates/")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert UserSession.get().revoked_at is not None


def test_a_session_older_than_its_lifetime_is_refused_by_the_server(
    backend: Flask, acme: Organization
) -> None:
    build_user(acme, "ada@acme.test", Role.RECRUITER)
    browser = _signed_in(backend, "ada@acme.test")
    hours = backend.extensions["skillproof.settings"].session_hours
    started = UserSession.get().created_at
    UserSession.update(created_at=started - timedelta(hours=hours, minutes=1)).execute()
    assert browser.get("/candidates/").status_code == 302


def test_changing_ones_password_signs_out_every_other_browser(
    backend: Flask, acme: Organization
) -> None:
    user = build_user(acme, "ada@acme.test", Role.VIEWER)
    laptop = _signed_in(backend, user.email)
    phone = _signed_in(backend, user.email)
    form = {"current": DEFAULT_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = laptop.post("/account/password", data=form)
    assert response.status_code == 200 and "Your password was changed" in response.text
    assert laptop.get("/candidates/").status_code == 200
    assert phone.get("/candidates/").status_code == 302
    assert accounts.authenticate(user.email, NEW_PASSWORD) is not None
    assert AuditEntry.get(AuditEntry.action == "user.password").detail == "changed by the user"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        pytest.param(
            {"current": "wrong-password-given", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            "Your current password is not correct.",
            id="wrong-current",
        ),
        pytest.param(
            {"current": DEFAULT_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"},
            "The new password and its confirmation differ.",
            id="confirmation-differs",
        ),
        pytest.param(
            {"current": DEFAULT_PASSWORD, "password": "short", "confirm": "short"},
            "Passwords need at least 12 characters.",
            id="too-short",
        ),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    backend: Flask, acme: Organization, form: dict[str, str], message: str
) -> None:
    user = build_user(acme, "ada@acme.test", Role.VIEWER)
    browser = _signed_in(backend, user.email)
    response = browser.post("/account/password", data=form)
    assert response.status_code == 422 and message in response.text
    assert accounts.authenticate(user.email, DEFAULT_PASSWORD) is not None


def test_an_admin_resets_a_users_password_and_ends_their_sessions(
    backend: Flask, acme: Organization
) -> None:
    admin = build_user(acme, "admin@acme.test", Role.ADMIN)
    user = build_user(acme, "ada@acme.test", Role.RECRUITER)
    users_browser = _signed_in(backend, user.email)
    response = _signed_in(backend, admin.email).post(f"/settings/users/{user.id}/password")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = response.text.split('<code class="secret">')[1].split("</code>")[0]
    assert users_browser.get("/candidates/").status_code == 302
    assert accounts.authenticate(user.email, DEFAULT_PASSWORD) is None
    assert accounts.authenticate(user.email, password) is not None
    assert AuditEntry.get(AuditEntry.action == "user.password").actor_id == admin.id


def test_only_an_admin_of_the_same_organisation_resets_a_password(
    backend: Flask, acme: Organization
) -> None:
    user = build_user(acme, "ada@acme.test", Role.RECRUITER)
    recruiter = build_user(acme, "rob@acme.test", Role.RECRUITER)
    stranger = build_user(build_org("Globex", "globex"), "admin@globex.test", Role.ADMIN)
    url = f"/settings/users/{user.id}/password"
    assert _signed_in(backend, recruiter.email).post(url).status_code == 403
    assert _signed_in(backend, stranger.email).post(url).status_code == 404
    assert accounts.authenticate(user.email, DEFAULT_PASSWORD) is not None
    assert User.get_by_id(user.id).password_hash == user.password_hash
