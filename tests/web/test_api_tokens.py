"""API tokens: admins create, name, scope and revoke them; the secret is shown once, hashed."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from app.commands import cli
from app.models import ApiToken, AuditEntry, Organization, User
from app.services import api_tokens
from tests.conftest import AuthActions
from tests.support.api import bearer


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, admin: User) -> FlaskClient:
    auth.login(admin.email)
    return client


def test_admin_creates_a_token_shown_once_and_stored_hashed(
    signed_in: FlaskClient, app: Flask, org: Organization
) -> None:
    page = signed_in.post("/settings/tokens", data={"name": "Greenhouse", "scope": "write"})
    assert page.status_code == 201
    secret = page.text.split('<code class="secret">')[1].split("</code>")[0]
    stored = ApiToken.get(ApiToken.name == "Greenhouse")
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.token_hash, stored.prefix} and secret.startswith(stored.prefix)
    assert app.test_client().get("/api/v1/candidates", headers=bearer(secret)).status_code == 200
    listing = signed_in.get("/settings/tokens").text
    assert "Greenhouse" in listing and secret not in listing
    assert AuditEntry.get(AuditEntry.action == "api_token.create").detail == "scope=write"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        pytest.param({"name": " ", "scope": "read"}, "Name the token", id="no-name"),
        pytest.param({"name": "x" * 101, "scope": "read"}, "at most 100", id="long-name"),
        pytest.param({"name": "Lever", "scope": "admin"}, "Choose read", id="bad-scope"),
    ],
)
def test_bad_token_forms_are_refused_with_a_message(
    signed_in: FlaskClient, form: dict[str, str], message: str
) -> None:
    page = signed_in.post("/settings/tokens", data=form)
    assert page.status_code == 422 and message in page.text
    assert ApiToken.select().count() == 0


def test_revoking_shows_the_token_as_revoked_and_is_audited(
    signed_in: FlaskClient, org: Organization
) -> None:
    new = api_tokens.create(org, "Workday", "read")
    page = signed_in.post(f"/settings/tokens/{new.token.id}/revoke", follow_redirects=True)
    assert page.status_code == 200 and "revoked" in page.text
    assert api_tokens.authenticate(new.secret) is None
    assert AuditEntry.select().where(AuditEntry.action == "api_token.revoke").count() == 1


def test_the_token_list_shows_only_the_own_organisation(
    signed_in: FlaskClient, other_org: Organization
) -> None:
    api_tokens.create(other_org, "Their ATS", "write")
    assert "Their ATS" not in signed_in.get("/settings/tokens").text


def test_htmx_create_swaps_only_the_panel(signed_in: FlaskClient) -> None:
    page = signed_in.post(
        "/settings/tokens", data={"name": "Lever", "scope": "read"}, headers={"HX-Request": "true"}
    )
    assert page.text.lstrip().startswith('<section id="tokens-panel"')


def test_create_token_command_prints_the_token_once(
    app: Flask, org: Organization, database_url: str
) -> None:
    env = {
        "SKILLPROOF_ENV": "test",
        "DATABASE_URL": database_url,
        "SKILLPROOF_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SKILLPROOF_RUN_SCHEDULER": "false",
    }
    result = CliRunner().invoke(
        cli, ["create-token", "--org", "acme", "--name", "Lever", "--scope", "read"], env=env
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    token = api_tokens.authenticate(secret)
    assert token is not None and (token.name, token.scope) == ("Lever", "read")
    assert token.organization_id == org.id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--org", "nope", "--name", "X"], "no organisation", id="unknown-org"),
        pytest.param(["--org", "acme", "--name", " "], "Name the token", id="blank-name"),
    ],
)
def test_create_token_command_refuses_bad_input(
    app: Flask, org: Organization, database_url: str, args: list[str], message: str
) -> None:
    env = {
        "SKILLPROOF_ENV": "test",
        "DATABASE_URL": database_url,
        "SKILLPROOF_RUN_SCHEDULER": "false",
        "SKILLPROOF_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    }
    result = CliRunner().invoke(cli, ["create-token", *args], env=env)
    assert result.exit_code == 1 and message in result.output
    assert ApiToken.select().count() == 0
