"""Organisations and users: creation, sign-in and role changes."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo, available_timezones

from werkzeug.security import check_password_hash, generate_password_hash

from app.db import write_transaction
from app.models import AuditEntry, Organization, Role, User, normalise_email, utcnow
from app.services import sessions

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000
# At most 254 characters (RFC 5321), checked first: the domain part backtracks quadratically,
# so a megabyte-long "address" would otherwise pin a worker for hours.
EMAIL_PATTERN = re.compile(r"^(?=.{3,254}$)[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


class HashingGate:
    """At most `slots` password hashes at once, the others queue.

    One scrypt hash (werkzeug's n=2**15, r=8) takes 32 MiB while it runs: 60 concurrent failed
    sign-ins took 2 GB on a threaded server. Queued requests hold no hash memory.
    """

    def __init__(self, slots: int) -> None:
        self.resize(slots)
        self.waiting = 0  # requests queued for a slot, for operations and tests
        self._count = threading.Lock()

    def resize(self, slots: int) -> None:
        """Set the number of slots; call at start-up, before any request hashes."""
        self.slots = max(1, slots)
        self._slots = threading.BoundedSemaphore(self.slots)

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._count:
            self.waiting += 1
        try:
            self._slots.acquire()
        finally:
            with self._count:
                self.waiting -= 1
        try:
            yield
        finally:
            self._slots.release()


HASHING = HashingGate(2)


def hash_password(password: str) -> str:
    with HASHING.slot():
        return generate_password_hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    with HASHING.slot():
        return check_password_hash(password_hash, password)


# Checked against when the e-mail is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is for the user."""


@dataclass(frozen=True)
class NewUser:
    user: User
    password: str


def create_organization(name: str, slug: str, time_zone: str = "UTC") -> Organization:
    """A new organisation with a unique slug and a valid IANA time zone."""
    if not SLUG_PATTERN.match(slug):
        raise AccountError("The short name may use lower-case letters, digits and hyphens.")
    if time_zone not in available_timezones():
        raise AccountError(f"Unknown time zone {time_zone!r}; use an IANA name like Europe/Paris.")
    ZoneInfo(time_zone)
    if Organization.by_slug(slug):
        raise AccountError(f"An organisation with the short name {slug!r} already exists.")
    return Organization.create(name=name.strip() or slug, slug=slug, time_zone=time_zone)


def users_of(organization: Organization | int) -> list[User]:
    return list(User.of(organization).order_by(User.email))


def create_user(
    organization: Organization,
    email: str,
    role: Role,
    *,
    name: str = "",
    password: str | None = None,
    actor: User | None = None,
) -> NewUser:
    """A new user; a random password is generated when none is given."""
    address = normalise_email(email)
    if not EMAIL_PATTERN.match(address):
        raise AccountError("Enter a valid e-mail address.")
    if User.by_email(address):
        raise AccountError("A user with this e-mail address already exists.")
    secret = password or secrets.token_urlsafe(12)
    if len(secret) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    with write_transaction():
        user = User.create(
            organization=organization,
            email=address,
            name=name.strip(),
            role=role.value,
            password_hash=hash_password(secret),
        )
        audit(organization, actor, "user.create", f"user:{user.id}", f"role={role.value}")
    return NewUser(user, secret)


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same work either way)."""
    user = User.by_email(email)
    if user is None:
        password_matches(_DUMMY_HASH, password)
        return None
    if not password_matches(user.password_hash, password) or not user.active:
        return None
    User.update(last_login_at=utcnow()).where(User.id == user.id).execute()
    return user


def change_user(admin: User, user: User, *, role: Role, active: bool) -> User:
    """Change a user's role or deactivate them; an admin cannot lock themselves out."""
    if user.id == admin.id and (role is not Role.ADMIN or not active):
        raise AccountError("You cannot remove your own admin role or deactivate yourself.")
    with write_transaction():
        user.role, user.active = role.value, active
        user.save()
        detail = f"role={role.value} active={active}"
        audit(admin.organization_id, admin, "user.update", f"user:{user.id}", detail)
    return user


def set_password(user: User, password: str) -> None:
    """Replace a user's password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Passwords have at most {MAX_PASSWORD_LENGTH} characters.")
    user.password_hash = hash_password(password)
    user.save()


def audit(
    organization: Organization | int,
    actor: User | None,
    action: str,
    subject: str,
    detail: str = "",
) -> AuditEntry:
    """Append an audit entry."""
    return AuditEntry.create(
        organization=organization, actor=actor, action=action, subject=subject, detail=detail
    )


def change_password(user: User, current: str, new: str, confirm: str, keep: object) -> None:
    """The user's own change: the current password first; other sessions end, `keep` stays."""
    if not password_matches(user.password_hash, current):
        raise AccountError("Your current password is not correct.")
    if new != confirm:
        raise AccountError("The new password and its confirmation differ.")
    set_password(user, new)
    sessions.revoke_all(user, keep=keep)
    audit(user.organization_id, user, "user.password", f"user:{user.id}", "changed by the user")


def reset_password(admin: User, user: User) -> str:
    """An admin gives `user` a new random password (shown once) and ends all their sessions."""
    password = secrets.token_urlsafe(12)
    with write_transaction():
        set_password(user, password)
        sessions.revoke_all(user)
        audit(admin.organization_id, admin, "user.password", f"user:{user.id}", "reset by admin")
    return password
