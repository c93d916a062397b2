"""Hostile input on SQLite and PostgreSQL: NUL, invalid Unicode and oversized text never 500."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Candidate, Organization, Role
from app.services import candidates as candidate_service
from tests.conftest import make_settings
from tests.support.api import bearer, token
from tests.support.builders import DEFAULT_PASSWORD, build_org, build_user

BACKENDS = [
    pytest.param("database_url", id="sqlite"),
    pytest.param("postgres_url", id="postgres", marks=pytest.mark.postgres),
]


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


@pytest.fixture
def signed_in(backend: Flask, acme: Organization) -> FlaskClient:
    build_user(acme, "recruiter@acme.test", Role.RECRUITER)
    client = backend.test_client()
    client.post("/login", data={"email": "recruiter@acme.test", "password": DEFAULT_PASSWORD})
    return client


@pytest.mark.parametrize(
    "email", ["nobody\x00@acme.test", "recruiter@acme.test\x00"], ids=["unknown", "known"]
)
def test_a_nul_byte_in_the_sign_in_form_is_refused_with_a_message(
    backend: Flask, acme: Organization, email: str
) -> None:
    build_user(acme, "recruiter@acme.test", Role.RECRUITER)
    response = backend.test_client().post(
        "/login", data={"email": email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 422
    assert "contains a NUL character or invalid Unicode" in response.text


def test_a_nul_byte_in_a_search_is_refused_not_a_server_error(signed_in: FlaskClient) -> None:
    response = signed_in.get("/candidates/?q=ada%00")
    assert response.status_code == 422
    assert "“Search” contains a NUL character" in response.text


@pytest.mark.parametrize(
    ("content_type", "body", "name"),
    [
        pytest.param(
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nAda \xed\xa0\x80\xff L'
            b'\r\n--b\r\nContent-Disposition: form-data; name="emails"\r\n\r\na@example.com'
            b"\r\n--b--\r\n",
            "Ada \ufffd\ufffd\ufffd\ufffd L",
            id="raw-bytes-become-replacement-characters",
        ),
        pytest.param(
            "application/x-www-form-urlencoded",
            b"name=Ada+%ED%A0%80%FF+L&emails=a%40example.com",
            "Ada %ED%A0%80%FF L",
            id="undecodable-escapes-stay-text",
        ),
    ],
)
def test_invalid_utf8_in_a_form_is_stored_safely_and_shown(
    signed_in: FlaskClient, acme: Organization, content_type: str, body: bytes, name: str
) -> None:
    response = signed_in.post("/candidates/", data=body, content_type=content_type)
    assert response.status_code == 303
    assert Candidate.of(acme).get().name == name
    assert name in signed_in.get(response.location).text


def test_notes_longer_than_the_api_allows_are_refused_in_the_web_form(
    signed_in: FlaskClient, acme: Organization
) -> None:
    form = {"name": "Ada", "emails": "ada@example.com", "links": "", "notes": "x" * 10_001}
    response = signed_in.post("/candidates/", data=form)
    assert response.status_code == 422
    assert "“Notes” is too long: at most 10,000 characters." in response.text
    assert Candidate.of(acme).count() == 0


def test_the_candidate_service_caps_notes_for_every_caller(acme: Organization) -> None:
    with pytest.raises(candidate_service.CandidateError, match="at most 10,000 characters"):
        candidate_service.create(acme, "Ada", [], "x" * 10_001)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"name": "Ada\u0000"}, id="nul-in-name"),
        pytest.param({"name": "Ada", "notes": "\ud800"}, id="lone-surrogate"),
        pytest.param({"name": "Ada", "emails": ["a\u0000@example.com"]}, id="nul-in-a-list"),
    ],
)
def test_the_api_refuses_unstorable_text_naming_the_field(
    backend: Flask, acme: Organization, body: dict[str, object]
) -> None:
    client = backend.test_client()
    # json.dumps writes "\ud800" as an escape, exactly what a hostile client sends.
    response = client.post(
        "/api/v1/candidates",
        data=json.dumps(body),
        content_type="application/json",
        headers=bearer(token(acme)),
    )
    assert response.status_code == 422, response.text
    error = response.json["error"]
    assert error["message"] == "The body has text that cannot be stored."
    (field,) = error["details"]["fields"]
    assert field.split("[")[0] in body and Candidate.of(acme).count() == 0


def test_a_list_never_embeds_more_than_the_cap_of_an_old_oversized_field(
    backend: Flask, acme: Organization
) -> None:
    # Written before the cap existed: 1 MB of notes, straight into the table.
    candidate = Candidate.create(organization=acme, name="Ada", notes="n" * 1_000_000)
    client = backend.test_client()
    listed = client.get("/api/v1/candidates", headers=bearer(token(acme)))
    assert listed.status_code == 200
    assert len(listed.json["data"][0]["notes"]) == 10_000
    assert len(listed.data) < 50_000
    shown = client.get(f"/api/v1/candidates/{candidate.id}", headers=bearer(token(acme)))
    assert len(shown.json["notes"]) == 1_000_000
