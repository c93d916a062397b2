"""Each organisation's own webhook: its admins set the URL and secret and read the log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.db import write_transaction
from app.models import (
    Alert,
    AlertDelivery,
    Organization,
    OrganizationWebhook,
    User,
    utcnow,
)
from app.services.accounts import audit
from app.services.webhooks import ORG_WEBHOOK

MAX_URL_LENGTH = 2000
MIN_SECRET_LENGTH = 16
MAX_SECRET_LENGTH = 128
LOG_LENGTH = 50


class WebhookError(ValueError):
    """Webhook settings that cannot be saved; the message is for the admin."""


@dataclass(frozen=True)
class Saved:
    hook: OrganizationWebhook
    new_secret: str | None  # generated now: shown once


def of(organization: Organization | int) -> OrganizationWebhook | None:
    return OrganizationWebhook.of(organization).first()


def save(organization: Organization, admin: User, url: str, secret: str) -> Saved:
    """Set the URL; a new secret if given, else the current one, else a generated one."""
    url, secret = url.strip(), secret.strip()
    _check_url(url)
    if secret and not MIN_SECRET_LENGTH <= len(secret) <= MAX_SECRET_LENGTH:
        raise WebhookError(
            f"The secret needs {MIN_SECRET_LENGTH} to {MAX_SECRET_LENGTH} characters, "
            "or leave it empty to keep the current one (or get a generated one)."
        )
    current = of(organization)
    generated = None if secret or current else secrets.token_urlsafe(32)
    values = {"url": url, "updated_by": admin, "updated_at": utcnow()}
    if secret or generated:
        values["secret"] = secret or generated
    with write_transaction():
        if current is None:
            hook = OrganizationWebhook.create(organization=organization, **values)
        else:
            OrganizationWebhook.update(**values).where(
                OrganizationWebhook.id == current.id
            ).execute()
            hook = OrganizationWebhook.get_by_id(current.id)
        detail = "secret changed" if secret or generated else "secret kept"
        audit(organization, admin, "webhook.save", f"webhook:{hook.id}", detail)
    return Saved(hook, generated)


def remove(organization: Organization, admin: User) -> None:
    """Stop sending: the webhook goes, its delivery log stays."""
    with write_transaction():
        removed = (
            OrganizationWebhook.delete()
            .where(OrganizationWebhook.organization == organization)
            .execute()
        )
        if removed:
            audit(organization, admin, "webhook.remove", "webhook")


def deliveries(organization: Organization | int) -> list[AlertDelivery]:
    """The latest deliveries to the organisation's webhook, newest first, with their alerts."""
    return list(
        AlertDelivery.of(organization)
        .select(AlertDelivery, Alert)
        .join(Alert)
        .where(AlertDelivery.channel == ORG_WEBHOOK)
        .order_by(AlertDelivery.id.desc())
        .limit(LOG_LENGTH)
    )


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise WebhookError("Enter the full address of your receiver, starting with https://.")
    if len(url) > MAX_URL_LENGTH:
        raise WebhookError(f"The address has at most {MAX_URL_LENGTH:,} characters.")
    if parts.username or parts.password:
        raise WebhookError("Put no user name or password in the address; the secret signs calls.")
