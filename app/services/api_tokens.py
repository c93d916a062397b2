"""API tokens: create (the secret is shown once), authenticate by hash, revoke, record use."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import peewee

from app.db import write_transaction
from app.models import ApiScope, ApiToken, AuditEntry, Organization, User, utcnow
from app.services.accounts import AccountError, audit

TOKEN_PREFIX = "sp_"
MAX_NAME_LENGTH = 100
# Bumping last_used_at on every request would turn each read into a write.
LAST_USED_GRANULARITY = timedelta(minutes=1)


class TokenError(AccountError):
    """A token request that cannot be carried out; the message is for the user."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    """The stored form of a token: SHA-256 suffices for 256 random bits (nothing to guess)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create(
    organization: Organization | int, name: str, scope: str, actor: User | None = None
) -> NewToken:
    """A new token; its secret is returned here and never again."""
    name = name.strip()
    if not name:
        raise TokenError("Name the token after the system that will use it.")
    if len(name) > MAX_NAME_LENGTH:
        raise TokenError(f"Token names have at most {MAX_NAME_LENGTH} characters.")
    if scope not in {s.value for s in ApiScope}:
        raise TokenError("Choose read, or read and write.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with write_transaction():
        token = ApiToken.create(
            organization=organization,
            name=name,
            scope=scope,
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            token_hash=digest(secret),
            created_by=actor,
        )
        audit(organization, actor, "api_token.create", f"api_token:{token.id}", f"scope={scope}")
    return NewToken(token, secret)


def authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret, or None; looked up on every request, never cached."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    # A deactivated user saw the secrets of the tokens they created: those stop with them.
    creator_active = User.id.is_null() | (User.active == True)  # noqa: E712
    return (
        ApiToken.select()
        .join(User, peewee.JOIN.LEFT_OUTER, on=(ApiToken.created_by == User.id))
        .where(
            (ApiToken.token_hash == digest(secret)) & ApiToken.revoked_at.is_null() & creator_active
        )
        .first()
    )


def revoke(token: ApiToken, actor: User | None = None) -> ApiToken:
    """Refuse the token from the next request on; revoking twice changes nothing."""
    if token.revoked_at is not None:
        return token
    with write_transaction():
        token.revoked_at = utcnow()
        token.save()
        audit(token.organization_id, actor, "api_token.revoke", f"api_token:{token.id}")
    return token


def tokens_of(organization: Organization | int) -> Sequence[ApiToken]:
    """Every token of the organisation, active first, newest first."""
    return list(
        ApiToken.of(organization).order_by(
            ApiToken.revoked_at.is_null(False), ApiToken.created_at.desc(), ApiToken.id.desc()
        )
    )


def record_request(token: ApiToken, method: str, path: str, status: int) -> AuditEntry:
    """One audit entry per API request: which token, what it asked, what it got."""
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        ApiToken.update(last_used_at=now).where(ApiToken.id == token.id).execute()
    return audit(
        token.organization_id,
        None,
        "api.request",
        f"api_token:{token.id}",
        f"{method} {path[:150]} {status}",
    )
