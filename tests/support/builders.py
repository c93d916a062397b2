"""Builders with sensible defaults, shared by every test layer."""

from __future__ import annotations

from app.models import Organization, Role, User
from app.services import accounts

DEFAULT_PASSWORD = "correct-horse-battery-staple"


def build_org(
    name: str = "Acme Hiring", slug: str = "acme", time_zone: str = "UTC"
) -> Organization:
    return accounts.create_organization(name, slug, time_zone)


def build_user(
    organization: Organization,
    email: str = "recruiter@acme.test",
    role: Role = Role.RECRUITER,
    password: str = DEFAULT_PASSWORD,
    name: str = "",
) -> User:
    return accounts.create_user(organization, email, role, password=password, name=name).user
