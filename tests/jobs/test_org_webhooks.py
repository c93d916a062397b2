"""Each organisation's alerts go to its own webhook, signed with its own secret, with retries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from flask import Flask

from app.config import Settings
from app.models import Alert, AlertDelivery, Organization, Role, utcnow
from app.services import candidates as candidate_service
from app.services import intake, org_webhooks, webhooks
from jobs import worker
from tests.support.builders import build_org, build_user
from tests.support.webhook_receiver import WebhookReceiver

SECRET_A = "acme-secret-0123456789"
SECRET_B = "globex-secret-0123456789"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


def _alert(organization: Organization, message: str) -> Alert:
    candidate = candidate_service.create(organization, "Ada", ["ada@example.com"])
    (credential,) = intake.add_urls(candidate, [f"https://issuer.example/{message}"])
    return Alert.create(
        organization=organization, credential=credential, kind="changed", key="k", message=message
    )


def _hook(organization: Organization, url: str, secret: str) -> None:
    admin = build_user(organization, f"admin@{organization.slug}.test", Role.ADMIN)
    org_webhooks.save(organization, admin, url, secret)


def test_each_organisation_gets_only_its_alerts_signed_with_its_secret(
    backend_app: Flask, acme: Organization, receiver: WebhookReceiver, job_settings: Settings
) -> None:
    globex = build_org("Globex", "globex")
    _hook(acme, receiver.url("/acme"), SECRET_A)
    _hook(globex, receiver.url("/globex"), SECRET_B)
    _alert(acme, "acme-alert")
    _alert(globex, "globex-alert")
    assert worker.notify(job_settings) == 2
    calls = {call.path: call for call in receiver.calls}
    assert json.loads(calls["/acme"].body)["message"] == "acme-alert"
    assert json.loads(calls["/globex"].body)["message"] == "globex-alert"
    assert calls["/acme"].headers["x-skillproof-signature"] == webhooks.signature(
        SECRET_A, calls["/acme"].body
    )
    assert calls["/globex"].headers["x-skillproof-signature"] == webhooks.signature(
        SECRET_B, calls["/globex"].body
    )
    assert [d.status for d in org_webhooks.deliveries(acme)] == ["sent"]


def test_a_failed_delivery_is_retried_later_and_logged(
    backend_app: Flask, acme: Organization, receiver: WebhookReceiver, job_settings: Settings
) -> None:
    _hook(acme, receiver.url(), SECRET_A)
    _alert(acme, "revoked")
    receiver.status = 500
    now = utcnow()
    assert worker.notify(job_settings, now) == 0
    (failed,) = org_webhooks.deliveries(acme)
    assert (failed.status, failed.attempts, failed.last_status) == ("pending", 1, 500)
    assert worker.notify(job_settings, now + timedelta(seconds=1)) == 0  # not due yet
    receiver.status = 200
    assert worker.notify(job_settings, now + timedelta(minutes=1)) == 1
    (sent,) = org_webhooks.deliveries(acme)
    assert (sent.status, sent.attempts, sent.last_status) == ("sent", 2, 200)
    assert len(receiver.calls) == 2


def test_an_organisation_webhook_cannot_reach_private_addresses_unless_allowed(
    backend_app: Flask, acme: Organization, receiver: WebhookReceiver, job_settings: Settings
) -> None:
    _hook(acme, receiver.url(), SECRET_A)
    _alert(acme, "revoked")
    assert worker.notify(replace(job_settings, allow_private_hosts="")) == 0
    (refused,) = org_webhooks.deliveries(acme)
    assert refused.status == "pending" and refused.last_error.startswith("not sent:")
    assert receiver.calls == []


def test_the_operators_installation_wide_webhook_still_gets_every_alert(
    backend_app: Flask, acme: Organization, receiver: WebhookReceiver, job_settings: Settings
) -> None:
    _hook(acme, receiver.url("/acme"), SECRET_A)
    _alert(acme, "acme-alert")
    _alert(build_org("Globex", "globex"), "globex-alert")
    operator = replace(job_settings, webhook_url=receiver.url("/operator"), webhook_secret="op")
    assert worker.notify(operator) == 3
    assert sorted(call.path for call in receiver.calls) == ["/acme", "/operator", "/operator"]
    assert AlertDelivery.select().count() == 3


@pytest.mark.parametrize(
    ("url", "secret", "message"),
    [
        pytest.param("ftp://x.example/hook", "", "starting with https://", id="scheme"),
        pytest.param("https://u:p@x.example/", "", "no user name or password", id="userinfo"),
        pytest.param("https://x.example/", "short", "16 to 128 characters", id="short-secret"),
        pytest.param("https://x.example/" + "a" * 2000, "", "at most 2,000", id="long-url"),
    ],
)
def test_bad_webhook_settings_are_refused_with_a_reason(
    backend_app: Flask, acme: Organization, url: str, secret: str, message: str
) -> None:
    admin = build_user(acme, "admin@acme.test", Role.ADMIN)
    with pytest.raises(org_webhooks.WebhookError, match=message):
        org_webhooks.save(acme, admin, url, secret)
    assert org_webhooks.of(acme) is None
