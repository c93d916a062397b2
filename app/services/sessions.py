"""Server-side sessions: the cookie holds a random token, the database says whether it lives."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from app.models import User, UserSession, utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User) -> str:
    """A new session of `user`; returns the token the cookie carries (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    UserSession.create(user=user, token_hash=_digest(token))
    return token


def is_live(user_id: int, token: object, lifetime: timedelta, now: datetime | None = None) -> bool:
    """Whether `token` is an unrevoked session of the user, younger than `lifetime`."""
    if not isinstance(token, str) or not token:
        return False
    oldest = (now or utcnow()) - lifetime
    return (
        UserSession.select(UserSession.id)
        .where(
            (UserSession.token_hash == _digest(token))
            & (UserSession.user == user_id)
            & UserSession.revoked_at.is_null()
            & (UserSession.created_at > oldest)
        )
        .exists()
    )


def revoke(token: object) -> None:
    """End one session (sign-out): its cookie, wherever copied, no longer signs anyone in."""
    if isinstance(token, str) and token:
        UserSession.update(revoked_at=utcnow()).where(
            (UserSession.token_hash == _digest(token)) & UserSession.revoked_at.is_null()
        ).execute()


def revoke_all(user: User, keep: object = None) -> int:
    """End every session of `user` but `keep` (a password change keeps the browser that made it)."""
    query = UserSession.update(revoked_at=utcnow()).where(
        (UserSession.user == user) & UserSession.revoked_at.is_null()
    )
    if isinstance(keep, str) and keep:
        query = query.where(UserSession.token_hash != _digest(keep))
    return int(query.execute())
