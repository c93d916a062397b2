"""Every screen fits a 390 px phone without sideways scrolling; axe finds nothing serious on it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app.models import Candidate, Credential, ImportBatch, Organization, ProfileImport, User
from app.ranking import Importance, Tier
from app.services import candidates as candidate_service
from app.services import custom_skills, intake, invites
from app.services import roles as role_service
from app.services import skills as skill_service
from app.services.custom_skills import SkillInput
from app.services.roles import RequirementInput
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.test_accessibility import blocking_violations
from tests.support.issuer_pages import settled_issuer_page
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.provider_hosts import ProviderHosts
from tests.support.ranking_builders import build_credential
from tests.support.test_issuer import Case, LocalIssuer

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    try:
        yield context.new_page()
    finally:
        context.close()


def _settled(credentials: list[Credential], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    for credential in credentials:
        while Credential.get_by_id(credential.id).status != "done":
            assert time.monotonic() < deadline, "verification did not finish"
            time.sleep(0.1)


@pytest.fixture
def coursera(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProviderHosts]:
    with ProviderHosts(tmp_path, "www.coursera.org") as hosts:
        hosts.install(monkeypatch)
        yield hosts


def _screens(issuer: LocalIssuer, coursera: ProviderHosts) -> list[str]:
    """One address per screen, over data that fills its tables with long real values."""
    organization = Organization.by_slug("acme")
    admin = User.by_email("admin@acme.test")
    assert organization is not None and admin is not None
    grace = candidate_service.create(
        organization,
        "Grace Brewster Murray Hopper-Featherstonehaugh",
        [DEFAULT_EMAIL, "grace.brewster.murray.hopper@navy-research.example.com"],
        "Prefers remote work.",
    )
    credentials = intake.add_urls(
        grace,
        [
            issuer.hosted("valid").url,
            issuer.hosted("revoked", Case.REVOKED).url,
            issuer.hosted("typo-in-a-very-long-link-name", Case.NOT_FOUND).url,
            issuer.signed("tampered", Case.TAMPERED).url,
        ],
    )
    _settled(credentials)
    role = role_service.create(organization, admin, "Robotics engineer, night shift", "")
    for name, importance in (
        ("Robot programming", Importance.REQUIRED),
        ("SQL", Importance.PREFERRED),
    ):
        skill = skill_service.find(organization, name)
        assert skill is not None
        role_service.set_requirement(role, admin, RequirementInput(skill, importance, 4))
    role_service.add_to_shortlist(role, grace, admin)
    batch = ImportBatch.create(
        organization=organization, filename="candidates.csv", created_by=admin
    )
    own_skill = custom_skills.create(
        organization,
        admin,
        SkillInput("Underwater robot maintenance", "ROV upkeep, subsea robotics servicing"),
    )
    suspect = _suspect(organization, admin)
    course_page = settled_issuer_page(grace, coursera)
    invite, secret = invites.create(grace, admin)  # the portal with the candidate's badges
    invites.consent(invite)
    invites.submitted(invite, credentials, "4 links")
    _, fresh_secret = invites.create(  # the notice of a link not yet agreed to
        candidate_service.create(organization, "Alan Turing", []), admin
    )
    return [
        f"/invite/{secret}",
        f"/invite/{fresh_secret}",
        "/",
        "/candidates/",
        f"/candidates/{grace.id}",
        f"/candidates/{_with_profile_links(organization).id}",
        f"/candidates/{suspect.id}",
        f"/credentials/{suspect.credentials.first().id}",
        f"/candidates/{grace.id}/edit",
        f"/candidates/{grace.id}/report",
        f"/credentials/{credentials[0].id}",
        f"/credentials/{credentials[3].id}",
        f"/credentials/{course_page.id}",
        "/imports/new",
        f"/imports/{batch.id}",
        "/roles/",
        f"/roles/{role.id}",
        f"/roles/{role.id}/candidates/{grace.id}",
        f"/roles/{role.id}/edit",
        f"/roles/{role.id}/delete",
        f"/roles/{role.id}/shortlist",
        f"/roles/{role.id}/shortlist/report",
        "/skills/",
        f"/skills/{own_skill.id}/edit",
        "/skills/crosswalk",
        "/issuers/",
        "/stacks/",
        "/alerts/",
        "/operations/",
        "/audit/",
        "/settings/users",
        "/settings/tokens",
        "/settings/ranking",
        "/account/password",
        "/api/v1/docs",
    ]


def _with_profile_links(organization: Organization) -> Candidate:
    """A candidate whose profile links were read (one with a long handle) and one that failed;
    written as settled rows, so the live worker never reads them."""
    lin = candidate_service.create(organization, "Lin Profile-Links", ["lin@example.com"])
    handle = "lin-" + "very-long-profile-handle-" * 3 + "x"
    ProfileImport.create(
        organization=organization,
        candidate=lin,
        url=f"https://www.credly.com/users/{handle}/badges",
        url_key=f"https://www.credly.com/users/{handle}/badges.json",
        provider="Credly",
        handle=handle,
        status="done",
        found=148,
        added=147,
    )
    ProfileImport.create(
        organization=organization,
        candidate=lin,
        url="https://badges.parchment.com/public/collections/0123456789abcdef0123456789abcdef",
        url_key="https://badges.parchment.com/public/collections/0123456789abcdef0123456789abcdef",
        provider="Canvas Credentials (Badgr)",
        handle="0123456789abcdef0123456789abcdef",
        status="failed",
        detail="This Canvas Credentials (Badgr) collection is not public.",
    )
    return lin


def _suspect(organization: Organization, admin: User) -> Candidate:
    """A candidate with every kind of warning sign, in long names (fraud signals panel)."""
    role_service.set_tier(
        organization,
        admin,
        "https://academy.acme.example/issuer",
        "Acme Cloud Academy",
        Tier.TRUSTED,
    )
    suspect = candidate_service.create(
        organization, "Mallory Featherstonehaugh-Longbottom", [DEFAULT_EMAIL]
    )
    site = "https://acme-cloud-academy-badges.example.net"
    held = [
        build_credential(
            suspect,
            f"Cloud architecture professional certification, level {n}",
            [],
            issuer="Acme Cloud Acadеmy",
            issuer_url=f"{site}/issuers/x1/issuer.json",
            issued_on=datetime.now(UTC) - timedelta(days=1),  # freshly minted: a burst
        ).id
        for n in range(5)
    ]
    # Stored as verified already: the worker must not re-check these made-up links.
    Credential.update(
        source_url=f"{site}/assertions/cloud-architecture-professional.json",
        next_check_at=datetime.now(UTC) + timedelta(days=30),
    ).where(Credential.id.in_(held)).execute()
    Credential.update(subject_name="Grace Brewster Murray Hopper").where(
        Credential.id == held[0]
    ).execute()
    return suspect


def _overflow(page: Page) -> str:
    """'' when the page fits the viewport, else how wide it is and what sticks out."""
    return str(
        page.evaluate(
            """() => {
              const width = document.documentElement.clientWidth;
              if (document.documentElement.scrollWidth <= width) return "";
              const wide = [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .slice(0, 3)
                .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                          + (typeof e.className === "string" && e.className
                             ? "." + e.className.split(" ")[0] : ""));
              return `${document.documentElement.scrollWidth}px wide: ${wide.join(", ")}`;
            }"""
        )
    )


def test_every_screen_fits_a_390px_phone_and_is_accessible(
    phone: Page, live_server: LiveServer, issuer: LocalIssuer, coursera: ProviderHosts
) -> None:
    screens = _screens(issuer, coursera)
    for path in ("/login", "/password/forgot", "/invite/no-longer-active"):
        phone.goto(f"{live_server.url}{path}")
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        assert _overflow(phone) == "", f"{path}: {_overflow(phone)}"
    SignInPage(phone, live_server.url).open().sign_in(live_server.admin_email, live_server.password)
    expect(phone.get_by_role("navigation", name="Main")).to_be_visible()

    problems = []
    for path in screens:
        response = phone.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        expect(phone.get_by_role("heading", level=1).first).to_be_visible()
        if overflow := _overflow(phone):
            problems.append(f"{path}: {overflow}")
        problems += [f"{path}: {v}" for v in blocking_violations(phone)]
    assert not problems, "\n".join(problems)
