"""Alerts over the API: unread first, filtered, acknowledged once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Alert, Credential, Organization
from app.services import candidates as candidate_service
from app.services import intake
from tests.support.api import bearer, token


@pytest.fixture
def credential(org: Organization) -> Credential:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    (added,) = intake.add_urls(candidate, ["https://issuer.example/a/1"])
    return added


def _alert(credential: Credential, key: str, when: datetime, **fields: object) -> Alert:
    return Alert.create(
        organization=credential.organization_id,
        credential=credential,
        kind="changed",
        key=key,
        message=f"alert {key}",
        from_verdict="verified",
        to_verdict="revoked",
        created_at=when,
        **fields,
    )


@pytest.fixture
def api(app: Flask) -> FlaskClient:
    return app.test_client()


def test_list_puts_unread_first_then_newest(
    api: FlaskClient, org: Organization, credential: Credential
) -> None:
    _alert(credential, "old", datetime(2026, 1, 1, tzinfo=UTC))
    _alert(credential, "new", datetime(2026, 2, 1, tzinfo=UTC))
    _alert(credential, "read", datetime(2026, 3, 1, tzinfo=UTC), acknowledged_at=datetime.now(UTC))
    body = api.get("/api/v1/alerts", headers=bearer(token(org, "read"))).json
    assert [a["message"] for a in body["data"]] == ["alert new", "alert old", "alert read"]
    assert body["data"][0]["candidate_id"] == credential.candidate_id
    assert body["data"][0]["unread"] is True and body["data"][2]["unread"] is False


@pytest.mark.parametrize(("unread", "expected"), [("true", ["alert a"]), ("false", ["alert b"])])
def test_list_filters_by_unread(
    api: FlaskClient, org: Organization, credential: Credential, unread: str, expected: list[str]
) -> None:
    _alert(credential, "a", datetime(2026, 1, 1, tzinfo=UTC))
    _alert(credential, "b", datetime(2026, 1, 2, tzinfo=UTC), acknowledged_at=datetime.now(UTC))
    body = api.get(f"/api/v1/alerts?unread={unread}", headers=bearer(token(org))).json
    assert [a["message"] for a in body["data"]] == expected


def test_list_refuses_a_bad_filter(api: FlaskClient, org: Organization) -> None:
    response = api.get("/api/v1/alerts?unread=maybe", headers=bearer(token(org)))
    assert response.status_code == 422 and "unread" in response.json["error"]["details"]["fields"]


def test_acknowledge_keeps_the_first_acknowledgement(
    api: FlaskClient, org: Organization, credential: Credential
) -> None:
    alert = _alert(credential, "a", datetime(2026, 1, 1, tzinfo=UTC))
    headers = bearer(token(org))
    first = api.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=headers)
    assert first.status_code == 200 and first.json["unread"] is False
    again = api.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=headers)
    assert again.json["acknowledged_at"] == first.json["acknowledged_at"]


def test_acknowledge_by_a_token_records_when_and_no_user(
    api: FlaskClient, org: Organization, credential: Credential
) -> None:
    alert = _alert(credential, "a", datetime(2026, 1, 1, tzinfo=UTC))
    api.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=bearer(token(org)))
    stored = Alert.get_by_id(alert.id)
    assert stored.acknowledged_at is not None and stored.acknowledged_by is None


def test_acknowledge_unknown_alert_is_404(api: FlaskClient, org: Organization) -> None:
    response = api.post("/api/v1/alerts/31337/acknowledge", headers=bearer(token(org)))
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
