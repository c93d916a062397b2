"""Outbound alert notifications: off by default; a signed webhook, retried with backoff."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask

from app.config import Settings
from app.models import Alert, AlertDelivery, Organization, utcnow
from app.services import verification, webhooks
from jobs import worker
from tests.jobs.conftest import add_badges
from tests.support.test_issuer import LocalIssuer

SECRET = "webhook-shared-secret"


class Receiver:
    """A webhook endpoint on loopback that answers the statuses it is given, in turn."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.calls: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/skillproof"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver([500])
    thread = threading.Thread(target=running.server.serve_forever, daemon=True)
    thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


def _revocation_alert(settings: Settings, organization: Organization, issuer: LocalIssuer) -> None:
    add_badges(organization, issuer, 1)
    worker.drain(settings)
    issuer.revoke("b0")
    verification.enqueue_all(organization.id)
    worker.drain(settings)
    assert Alert.select().count() == 1


def test_notifications_are_off_by_default(
    backend_app: Flask, job_settings: Settings, acme: Organization, issuer: LocalIssuer
) -> None:
    _revocation_alert(job_settings, acme, issuer)
    assert worker.notify(job_settings) == 0
    assert AlertDelivery.select().count() == 0


def test_webhook_is_signed_retried_with_backoff_and_logged(
    backend_app: Flask,
    job_settings: Settings,
    acme: Organization,
    issuer: LocalIssuer,
    receiver: Receiver,
) -> None:
    settings = replace(job_settings, webhook_url=receiver.url, webhook_secret=SECRET)
    _revocation_alert(settings, acme, issuer)
    now = utcnow()
    assert worker.notify(settings, now) == 0  # the endpoint answers 500
    delivery = AlertDelivery.get()
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at >= now + webhooks.FIRST_RETRY
    assert worker.notify(settings, now + timedelta(seconds=5)) == 0  # not due yet: no call
    assert worker.notify(settings, now + timedelta(seconds=31)) == 1
    delivery = AlertDelivery.get_by_id(delivery.id)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert len(receiver.calls) == 2
    headers, body = receiver.calls[-1]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers[webhooks.SIGNATURE_HEADER.lower()] == expected
    sent = json.loads(body)
    assert (sent["kind"], sent["from_verdict"], sent["to_verdict"]) == (
        "changed",
        "verified",
        "revoked",
    )
    assert worker.notify(settings, now + timedelta(minutes=5)) == 0  # delivered once


def test_a_delivery_gives_up_after_the_last_retry(
    backend_app: Flask,
    job_settings: Settings,
    acme: Organization,
    issuer: LocalIssuer,
    receiver: Receiver,
) -> None:
    receiver.statuses = [503] * webhooks.MAX_ATTEMPTS
    settings = replace(job_settings, webhook_url=receiver.url)
    _revocation_alert(settings, acme, issuer)
    moment = utcnow()
    for _ in range(webhooks.MAX_ATTEMPTS):
        worker.notify(settings, moment)
        moment = AlertDelivery.get().next_attempt_at + timedelta(seconds=1)
    delivery = AlertDelivery.get()
    assert (delivery.status, delivery.attempts) == ("failed", webhooks.MAX_ATTEMPTS)
    assert "HTTP 503" in delivery.last_error
