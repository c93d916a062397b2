"""Pages with personal data are never kept by a browser or proxy cache; static files are."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Organization, User
from tests.conftest import AuthActions
from tests.support.api import bearer, token


@pytest.mark.parametrize(
    "path", ["/", "/candidates/", "/roles/", "/alerts/", "/settings/users", "/settings/tokens"]
)
def test_signed_in_pages_send_no_store(
    client: FlaskClient, auth: AuthActions, admin: User, path: str
) -> None:
    auth.login(admin.email)
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_api_answers_send_no_store(app: Flask, org: Organization) -> None:
    response = app.test_client().get("/api/v1/candidates", headers=bearer(token(org)))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(client: FlaskClient, auth: AuthActions, admin: User) -> None:
    auth.login(admin.email)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get(
        "Cache-Control", ""
    )
