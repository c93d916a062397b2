"""Outbound alert notifications (off by default): a signed JSON webhook and e-mail over SMTP."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage

import httpx

from app.config import Settings
from app.models import (
    Alert,
    AlertDelivery,
    DeliveryStatus,
    OrganizationWebhook,
    Role,
    User,
    utcnow,
)
from app.verification.http import guarded_client
from app.verification.netguard import Refused
from app.verification.netpolicy import parse_allowlist

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Skillproof-Signature"
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
CLAIM = timedelta(minutes=2)
LOOKBACK = timedelta(days=1)  # turning a channel on does not replay old alerts
WEBHOOK = "webhook"  # the operator's installation-wide URL (SKILLPROOF_WEBHOOK_URL)
ORG_WEBHOOK = "org-webhook"  # each organisation's own URL and secret, set by its admins
EMAIL = "email"

Sender = Callable[[Settings, Alert], int | None]  # returns the HTTP status, None for e-mail


class DeliveryError(Exception):
    """A notification that did not go through; `status` is the HTTP status if there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def channels(settings: Settings) -> list[str]:
    """The channels switched on: in settings, and by any organisation's own webhook."""
    enabled = []
    if settings.webhook_url:
        enabled.append(WEBHOOK)
    if OrganizationWebhook.select().exists():
        enabled.append(ORG_WEBHOOK)
    if settings.smtp_host and settings.smtp_from:
        enabled.append(EMAIL)
    return enabled


def enqueue(settings: Settings, now: datetime | None = None) -> int:
    """One pending delivery per recent alert and enabled channel (insert-or-ignore)."""
    moment = now or utcnow()
    created = 0
    for channel in channels(settings):
        delivered = AlertDelivery.select(AlertDelivery.alert).where(
            AlertDelivery.channel == channel
        )
        fresh = Alert.select(Alert.id, Alert.organization).where(
            (Alert.created_at >= moment - LOOKBACK) & Alert.id.not_in(delivered)
        )
        if channel == ORG_WEBHOOK:  # only the organisations that set one up
            hooks = OrganizationWebhook.select(OrganizationWebhook.organization)
            fresh = fresh.where(Alert.organization.in_(hooks))
        for alert in fresh:
            created += (
                AlertDelivery.insert(
                    organization=alert.organization_id,
                    alert=alert.id,
                    channel=channel,
                    next_attempt_at=moment,
                    created_at=moment,
                )
                .on_conflict_ignore()
                .as_rowcount()
                .execute()
            )
    return created


def deliver_due(
    settings: Settings,
    now: datetime | None = None,
    senders: dict[str, Sender] | None = None,
) -> int:
    """Send every due delivery this worker manages to claim; returns how many went through."""
    moment = now or utcnow()
    send = senders or {WEBHOOK: post_webhook, ORG_WEBHOOK: post_org_webhook, EMAIL: send_email}
    due = AlertDelivery.select(AlertDelivery.id).where(
        (AlertDelivery.status == DeliveryStatus.PENDING.value)
        & (AlertDelivery.next_attempt_at <= moment)
        & (AlertDelivery.claimed_until.is_null() | (AlertDelivery.claimed_until < moment))
    )
    sent = 0
    for row in list(due.limit(100)):
        if _claim(row.id, moment):
            sent += _attempt(AlertDelivery.get_by_id(row.id), settings, send, moment)
    return sent


def _claim(delivery_id: int, now: datetime) -> bool:
    free = AlertDelivery.claimed_until.is_null() | (AlertDelivery.claimed_until < now)
    claimed = (
        AlertDelivery.update(claimed_until=now + CLAIM)
        .where((AlertDelivery.id == delivery_id) & free)
        .execute()
    )
    return bool(claimed)


def _attempt(
    delivery: AlertDelivery, settings: Settings, send: dict[str, Sender], now: datetime
) -> bool:
    attempts = delivery.attempts + 1
    try:
        status = send[delivery.channel](settings, delivery.alert)
    except (DeliveryError, OSError, smtplib.SMTPException, httpx.HTTPError) as error:
        gave_up = attempts >= MAX_ATTEMPTS
        AlertDelivery.update(
            attempts=attempts,
            status=DeliveryStatus.FAILED.value if gave_up else DeliveryStatus.PENDING.value,
            next_attempt_at=now + FIRST_RETRY * 2 ** (attempts - 1),
            claimed_until=None,
            last_status=getattr(error, "status", None),
            last_error=str(error)[:500] or type(error).__name__,
        ).where(AlertDelivery.id == delivery.id).execute()
        log.info("alert delivery %s failed (attempt %s): %s", delivery.id, attempts, error)
        return False
    AlertDelivery.update(
        attempts=attempts,
        status=DeliveryStatus.SENT.value,
        claimed_until=None,
        last_status=status,
        last_error="",
        delivered_at=now,
    ).where(AlertDelivery.id == delivery.id).execute()
    return True


def payload(alert: Alert) -> dict[str, object]:
    """The JSON body of a webhook call."""
    return {
        "id": alert.id,
        "organization": alert.organization_id,
        "kind": alert.kind,
        "credential_id": alert.credential_id,
        "run_id": alert.run_id,
        "from_verdict": alert.from_verdict,
        "to_verdict": alert.to_verdict,
        "message": alert.message,
        "created_at": alert.created_at.isoformat(),
    }


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of the exact body with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(settings: Settings, alert: Alert) -> int:
    """POST the alert as JSON, signed; any answer but 2xx is a failure to retry."""
    body = json.dumps(payload(alert), ensure_ascii=False).encode()
    headers = {"content-type": "application/json", "user-agent": "Skillproof-Webhook/1"}
    if settings.webhook_secret:
        headers[SIGNATURE_HEADER] = signature(settings.webhook_secret, body)
    response = httpx.post(
        settings.webhook_url, content=body, headers=headers, timeout=10, follow_redirects=False
    )
    if not 200 <= response.status_code < 300:
        raise DeliveryError(
            f"the webhook answered HTTP {response.status_code}", response.status_code
        )
    return response.status_code


def post_org_webhook(settings: Settings, alert: Alert) -> int:
    """POST the alert to its organisation's own webhook, signed with the organisation's secret.

    The URL is an admin's input: it is reached like a credential link, only at public
    addresses (or those SKILLPROOF_ALLOW_PRIVATE_HOSTS allows), and redirects are not followed.
    """
    hook = OrganizationWebhook.get_or_none(OrganizationWebhook.organization == alert.organization)
    if hook is None:
        raise DeliveryError("the organisation removed its webhook")
    body = json.dumps(payload(alert), ensure_ascii=False).encode()
    headers = {
        "content-type": "application/json",
        "user-agent": "Skillproof-Webhook/1",
        SIGNATURE_HEADER: signature(hook.secret, body),
    }
    allowlist = parse_allowlist(settings.allow_private_hosts)
    try:
        with guarded_client(
            allowlist,
            ca_file=settings.ssl_cert_file or None,
            ca_dir=settings.ssl_cert_dir or None,
            timeout=10,
        ) as client:
            response = client.post(hook.url, content=body, headers=headers)
    except Refused as refused:
        raise DeliveryError(f"not sent: {refused.detail}") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryError(
            f"the webhook answered HTTP {response.status_code}", response.status_code
        )
    return response.status_code


def send_email(settings: Settings, alert: Alert) -> None:
    """E-mail the alert to the organisation's active admins."""
    recipients = [
        user.email
        for user in User.of(alert.organization_id).where(
            (User.role == Role.ADMIN.value) & (User.active == True)  # noqa: E712
        )
    ]
    if not recipients:
        return None
    message = EmailMessage()
    # Badge and candidate names reach the message: a line break there is refused in a header.
    message["Subject"] = f"Skillproof alert: {' '.join(alert.message.split())[:120]}"
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(recipients)
    message.set_content(alert.message)
    submit_email(settings, message)
    return None


def submit_email(settings: Settings, message: EmailMessage) -> None:
    """Hand one message to the configured SMTP server; raises OSError or SMTPException."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)
