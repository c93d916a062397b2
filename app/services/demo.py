"""The demo organisation that `make run` seeds, so the first screen is not empty."""

from __future__ import annotations

import os

from app.config import INSTANCE_DIR
from app.db import db
from app.models import Organization, Role, User
from app.services import accounts

DEMO_SLUG = "demo"
DEMO_USERS = (
    ("admin@demo.skillproof.test", Role.ADMIN, "Ada Admin"),
    ("recruiter@demo.skillproof.test", Role.RECRUITER, "Rex Recruiter"),
)


def seed() -> str:
    """Create the demo organisation and users once; later runs change nothing."""
    path = INSTANCE_DIR / "demo-credentials.txt"
    with db.atomic():
        organization = Organization.by_slug(DEMO_SLUG) or accounts.create_organization(
            "Demo Employer Ltd", DEMO_SLUG, "Europe/London"
        )
        created = [
            accounts.create_user(organization, email, role, name=name)
            for email, role, name in DEMO_USERS
            if User.by_email(email) is None
        ]
    if not created:
        return f"demo organisation ready; sign-in details in {path}"
    lines = [f"{new.user.role:<10} {new.user.email}  {new.password}" for new in created]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    os.chmod(path, 0o600)
    with path.open("a") as handle:
        handle.write("\n".join(lines) + "\n")
    return "demo users created (shown once, also in {}):\n{}".format(path, "\n".join(lines))
