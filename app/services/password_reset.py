"""Password reset by e-mail: a signed, expiring, single-use link (only where SMTP is set)."""

from __future__ import annotations

import hashlib
import logging
import smtplib
import threading
from email.message import EmailMessage

from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.config import Settings
from app.models import User
from app.services import accounts, sessions, webhooks

log = logging.getLogger(__name__)
SALT = "skillproof.password-reset"
LINK_MINUTES = 60


def enabled(settings: Settings) -> bool:
    """On where SMTP is set; in production only with SKILLPROOF_BASE_URL, as the link's origin
    must not come from the request's Host header (anyone can send a reset naming their site)."""
    return bool(settings.smtp_host and settings.smtp_from) and (
        bool(settings.base_url) or not settings.production
    )


def _fingerprint(user: User) -> str:
    # Changes with the password: a used link (or one sent before a change) stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def token_for(secret_key: str, user: User) -> str:
    return str(_serializer(secret_key).dumps({"user": user.id, "password": _fingerprint(user)}))


def user_for(secret_key: str, token: str) -> User | None:
    """The active user a valid, unexpired and unused link belongs to, else None."""
    try:
        data = _serializer(secret_key).loads(token, max_age=LINK_MINUTES * 60)
    except (BadSignature, UnicodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = User.get_or_none((User.id == data["user"]) & (User.active == True))  # noqa: E712
    return user if user is not None and data.get("password") == _fingerprint(user) else None


def request_reset(settings: Settings, secret_key: str, email: str, link: str) -> None:
    """E-mail a reset link to `email` if it names an active user; silent either way.

    The message goes out on a thread: the answer takes the same time whether or not the
    address has an account, so the form cannot be used to find out who has one.
    """
    user = User.by_email(email)
    if user is None or not user.active or not enabled(settings):
        return
    message = _message(settings, user, link.replace("TOKEN", token_for(secret_key, user)))
    threading.Thread(target=_send, args=(settings, message), daemon=True).start()


def reset(user: User, password: str, confirm: str) -> None:
    """Set the new password from a link; every session of the user ends."""
    if password != confirm:
        raise accounts.AccountError("The new password and its confirmation differ.")
    accounts.set_password(user, password)
    sessions.revoke_all(user)
    accounts.audit(
        user.organization_id, user, "user.password", f"user:{user.id}", "reset by e-mail"
    )


def _message(settings: Settings, user: User, link: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "Reset your Skillproof password"
    message["From"] = settings.smtp_from
    message["To"] = user.email
    message.set_content(
        "Someone asked to reset the password of your Skillproof account.\n\n"
        f"Choose a new password here (the link works once, for {LINK_MINUTES} minutes):\n"
        f"{link}\n\nIf it was not you, ignore this message: your password stays as it is.\n"
    )
    return message


def _send(settings: Settings, message: EmailMessage) -> None:
    try:
        webhooks.submit_email(settings, message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("password reset e-mail to %s failed: %s", message["To"], error)
