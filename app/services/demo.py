"""The demo organisation that `make run` seeds, so the first screen shows real verifications."""

from __future__ import annotations

import os

from app import config
from app.db import write_transaction
from app.models import (
    Candidate,
    CandidateInvite,
    Credential,
    IssuerTrust,
    Organization,
    ProofKind,
    Role,
    User,
)
from app.services import accounts, email_proofs, intake, invites, ownership, verification
from app.services import candidates as candidate_service
from app.services import roles as role_service
from app.services.demo_issuer import DEMO_CANDIDATES, PREFIX, DemoIssuer
from app.services.demo_ob3 import OB3_AWARDS, DemoOb3Issuer

DEMO_SLUG = "demo"
INVITED = "Dana Kowalski"  # the demo candidate who added some of her badges through an invite
INVITED_BADGES = ("dana-python", "dana-viz")
DEMO_USERS = (
    ("admin@demo.skillproof.test", Role.ADMIN, "Ada Admin"),
    ("recruiter@demo.skillproof.test", Role.RECRUITER, "Rex Recruiter"),
)


def seed(base_url: str) -> str:
    """Create the demo organisation, users and candidates once; later runs change nothing."""
    path = config.INSTANCE_DIR / "demo-credentials.txt"
    with write_transaction():
        organization = Organization.by_slug(DEMO_SLUG) or accounts.create_organization(
            "Demo Employer Ltd", DEMO_SLUG, "Europe/London"
        )
        created = [
            accounts.create_user(organization, email, role, name=name)
            for email, role, name in DEMO_USERS
            if User.by_email(email) is None
        ]
        _seed_candidates(organization, base_url)
        _seed_roles(organization, base_url)
        moved = _repoint(organization, base_url)
        invite_link = _seed_invite(organization, base_url)
    for credential in moved:
        verification.requeue(credential)
    lines = [f"{new.user.role:<10} {new.user.email}  {new.password}" for new in created]
    if invite_link:
        lines.append(f"portal     {INVITED}'s invite link: {invite_link}")
    if not lines:
        note = f"; {len(moved)} demo badges now point at {base_url}" if moved else ""
        return f"demo organisation ready{note}; sign-in details in {path}"
    config.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.chmod(path, 0o600)
    with os.fdopen(descriptor, "a") as handle:
        handle.write("\n".join(lines) + "\n")
    return "demo sign-in details (shown once, also in {}):\n{}".format(path, "\n".join(lines))


def _repoint(organization: Organization, base_url: str) -> list[Credential]:
    """Point the demo's badges (and the issuer's trust) at `base_url` when it changed.

    The demo issuer answers at whatever address `serve` listens on; badges seeded while it ran
    on another port would otherwise all turn "unreachable". Returns the credentials to re-verify.
    """
    prefix = base_url.rstrip("/") + PREFIX + "/"
    moved = []
    for credential in Credential.of(organization).where(
        Credential.source_url.contains(PREFIX + "/")
    ):
        url = credential.source_url or ""
        start = url.find(PREFIX + "/")
        if not url.startswith(("http://127.0.0.1:", "http://localhost:")) or url.startswith(prefix):
            continue
        credential.source_url = prefix + url[start + len(PREFIX) + 1 :]
        Credential.update(
            source_url=credential.source_url,
            source_host=intake.host_of(credential.source_url),
            dedupe_key="url:" + intake.url_key(credential.source_url)[:290],
        ).where(Credential.id == credential.id).execute()
        moved.append(credential)
    issuer_id = DemoIssuer(config.INSTANCE_DIR / "demo-issuer", base_url).issuer_id
    for trust in IssuerTrust.of(organization).where(
        IssuerTrust.issuer.endswith(PREFIX + "/issuer.json")
    ):
        if trust.issuer != issuer_id:
            IssuerTrust.update(issuer=issuer_id).where(IssuerTrust.id == trust.id).execute()
            role_service.touch(organization)
    return moved


def _seed_candidates(organization: Organization, base_url: str) -> None:
    if Candidate.of(organization).exists():
        return
    issuer = DemoIssuer(config.INSTANCE_DIR / "demo-issuer", base_url)
    ob3 = DemoOb3Issuer(config.INSTANCE_DIR / "demo-issuer", base_url)
    for name, email, awards in DEMO_CANDIDATES:
        candidate = candidate_service.create(organization, name, [email])
        urls = [issuer.award_url(award) for award in awards]
        urls += [ob3.url(f"{a.slug}.json") for a in OB3_AWARDS if a.email == email]
        intake.add_urls(candidate, urls)


def _seed_roles(organization: Organization, base_url: str) -> None:
    """Two example roles whose skills the demo badges prove (see demo_roles)."""
    from app.services import demo_roles

    demo_roles.seed_roles(organization, DemoIssuer(config.INSTANCE_DIR / "demo-issuer", base_url))


def _seed_invite(organization: Organization, base_url: str) -> str:
    """One candidate with an agreed invite who added two of her badges through it and proved
    her address; the link (its secret is stored nowhere else) or "" when the demo already has
    an invite."""
    candidate = Candidate.of(organization).where(Candidate.name == INVITED).first()
    admin = User.of(organization).where(User.role == Role.ADMIN.value).first()
    if candidate is None or admin is None or CandidateInvite.of(organization).exists():
        return ""
    invite, secret = invites.create(candidate, admin)
    invites.opened(invite)
    invites.consent(invite)
    badges = [
        credential
        for credential in Credential.of(organization).where(Credential.candidate == candidate)
        if (credential.source_url or "").rsplit("/", 1)[-1].split(".")[0] in INVITED_BADGES
    ]
    invites.submitted(invite, badges, f"{len(badges)} links (demo)")
    for address in candidate_service.emails_of(candidate):
        ownership.record(
            candidate,
            ProofKind.EMAIL,
            address,
            method=email_proofs.METHOD,
            detail=f"{address} confirmed by a one-time code (demo data)",
        )
    return base_url.rstrip("/") + f"/invite/{secret}"
