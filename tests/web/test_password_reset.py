"""Password reset by e-mail, through a real SMTP server on loopback."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Role, User
from app.services import accounts, password_reset
from tests.conftest import make_settings
from tests.support.builders import DEFAULT_PASSWORD, build_org, build_user
from tests.support.smtp import SmtpServer

NEW_PASSWORD = "a-brand-new-long-passphrase"


@pytest.fixture
def ada(mail_app: Flask) -> User:
    return build_user(build_org("Acme Hiring", "acme"), "ada@acme.test", Role.RECRUITER)


def _link(smtp: SmtpServer, to: str) -> str:
    message = smtp.next_message()
    assert message["To"] == to and message["Subject"] == "Reset your Skillproof password"
    found = re.search(r"https://skillproof\.acme\.test(/password/reset/\S+)", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def test_a_reset_link_arrives_by_email_and_sets_a_new_password(
    mail_app: Flask, smtp: SmtpServer, ada: User
) -> None:
    client = mail_app.test_client()
    assert "Forgot your password?" in client.get("/login").text
    signed_in_elsewhere = mail_app.test_client()
    signed_in_elsewhere.post("/login", data={"email": ada.email, "password": DEFAULT_PASSWORD})
    # Sent from a forged Host: the link still names the configured origin.
    response = client.post(
        "/password/forgot", data={"email": "ADA@acme.test"}, headers={"Host": "evil.example"}
    )
    assert response.status_code == 303 and "notice=sent" in response.location
    path = _link(smtp, ada.email)
    assert client.get(path).status_code == 200
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = client.post(path, data=form)
    assert response.status_code == 303 and "notice=reset" in response.location
    assert accounts.authenticate(ada.email, NEW_PASSWORD) is not None
    assert signed_in_elsewhere.get("/candidates/").status_code == 302
    used = client.post(path, data={"password": "another-long-password", "confirm": "x"})
    assert used.status_code == 410 and "expired or was already used" in used.text


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    mail_app: Flask, smtp: SmtpServer, ada: User
) -> None:
    client = mail_app.test_client()
    unknown = client.post("/password/forgot", data={"email": "nobody@acme.test"})
    known = client.post("/password/forgot", data={"email": ada.email})
    assert (unknown.status_code, unknown.location) == (known.status_code, known.location)
    assert smtp.next_message()["To"] == ada.email  # the only message: none for nobody@
    assert smtp.nothing_received()


def test_a_mismatched_confirmation_is_refused_and_the_link_stays_usable(
    mail_app: Flask, smtp: SmtpServer, ada: User
) -> None:
    client = mail_app.test_client()
    client.post("/password/forgot", data={"email": ada.email})
    path = _link(smtp, ada.email)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": "something-else-x"})
    assert response.status_code == 422 and "confirmation differ" in response.text
    assert client.get(path).status_code == 200


def test_a_forged_or_foreign_link_is_refused(mail_app: Flask, ada: User) -> None:
    client = mail_app.test_client()
    forged = password_reset.token_for("another-installations-secret-key-0123456789", ada)
    assert client.get(f"/password/reset/{forged}").status_code == 410
    assert client.get("/password/reset/not-a-token").status_code == 410


def test_without_smtp_there_is_no_reset_by_email(client: FlaskClient) -> None:
    assert "Forgot your password?" not in client.get("/login").text
    assert client.get("/password/forgot").status_code == 404


def test_production_sends_links_only_with_a_configured_origin(database_url: str) -> None:
    mail = {"smtp_host": "smtp.acme.test", "smtp_from": "sp@acme.test", "env": "production"}
    assert not password_reset.enabled(make_settings(database_url, **mail))
    configured = make_settings(database_url, base_url="https://sp.acme.test", **mail)
    assert password_reset.enabled(configured)
