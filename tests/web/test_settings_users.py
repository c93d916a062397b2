"""Admins manage the users of their own organisation."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.models import AuditEntry, User
from tests.conftest import AuthActions


def test_admin_creates_a_user_and_sees_the_password_once(
    client: FlaskClient, auth: AuthActions, admin: User
) -> None:
    auth.login(admin.email)
    response = client.post(
        "/settings/users", data={"email": "New.Person@Acme.test", "name": "New", "role": "viewer"}
    )
    assert response.status_code == 201
    created = User.by_email("new.person@acme.test")
    assert created is not None and created.role == "viewer"
    assert created.organization_id == admin.organization_id
    assert "shown only this once" in response.text
    assert "shown only this once" not in client.get("/settings/users").text
    assert AuditEntry.select().where(AuditEntry.action == "user.create").count() >= 1


def test_creating_a_duplicate_user_re_renders_the_form_with_the_error(
    client: FlaskClient, auth: AuthActions, admin: User
) -> None:
    auth.login(admin.email)
    response = client.post(
        "/settings/users",
        data={"email": admin.email, "role": "viewer"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "already exists" in response.text
    assert response.text.lstrip().startswith('<section id="users-panel"')


def test_admin_changes_role_and_deactivates(
    client: FlaskClient, auth: AuthActions, admin: User, recruiter: User
) -> None:
    auth.login(admin.email)
    response = client.post(f"/settings/users/{recruiter.id}", data={"role": "viewer"})
    assert response.status_code == 302
    changed = User.get_by_id(recruiter.id)
    assert changed.role == "viewer" and changed.active is False


def test_admin_cannot_demote_themselves(
    client: FlaskClient, auth: AuthActions, admin: User
) -> None:
    auth.login(admin.email)
    response = client.post(f"/settings/users/{admin.id}", data={"role": "viewer", "active": "on"})
    assert response.status_code == 422
    assert User.get_by_id(admin.id).role == "admin"


def test_users_panel_is_a_fragment_for_htmx_and_a_page_otherwise(
    client: FlaskClient, auth: AuthActions, admin: User
) -> None:
    auth.login(admin.email)
    page = client.get("/settings/users")
    fragment = client.get("/settings/users", headers={"HX-Request": "true"})
    assert "<html" in page.text and "<html" not in fragment.text
    assert 'id="users-panel"' in fragment.text
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def test_boosted_navigation_gets_the_whole_page(
    client: FlaskClient, auth: AuthActions, admin: User
) -> None:
    auth.login(admin.email)
    page = client.get("/settings/users", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in page.text
