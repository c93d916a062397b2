"""Alert e-mails: badge-controlled text cannot break the message headers or the queue."""

from __future__ import annotations

from dataclasses import replace
from email.message import EmailMessage

import pytest
from flask import Flask

from app.models import Alert, AlertDelivery, Organization, Role, utcnow
from app.services import candidates as candidate_service
from app.services import intake, webhooks
from tests.conftest import make_settings
from tests.support.builders import build_user


class FakeSmtp:
    """Records the messages it is asked to send instead of talking to a server."""

    sent: list[EmailMessage] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        pass

    def __enter__(self) -> FakeSmtp:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def starttls(self) -> None:
        pass

    def send_message(self, message: EmailMessage) -> None:
        FakeSmtp.sent.append(message)


def test_a_line_break_in_a_badge_name_does_not_block_the_alert_email(
    app: Flask, org: Organization, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhooks.smtplib, "SMTP", FakeSmtp)
    FakeSmtp.sent = []
    build_user(org, "admin@acme.test", Role.ADMIN)
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    (credential,) = intake.add_urls(candidate, ["https://issuer.example/a/1"])
    Alert.create(
        organization=org,
        credential=credential,
        kind="changed",
        key="k",
        message="“Cloud\r\nBcc: victim@example.com” of Ada is now revoked by the issuer.",
    )
    settings = replace(make_settings(database_url), smtp_host="smtp.test", smtp_from="sp@x.test")
    webhooks.enqueue(settings)
    assert webhooks.deliver_due(settings, utcnow()) == 1
    (message,) = FakeSmtp.sent
    assert "\n" not in message["Subject"] and "Bcc" not in message
    assert AlertDelivery.get().status == "sent"
