"""An admin builds a role; candidates are ranked with explanations; a revocation reorders live."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from app.models import Credential, Organization
from app.services import candidates as candidate_service
from app.services import intake, verification
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.roles import RankingPage, RolesPage
from tests.e2e.test_accessibility import assert_accessible
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import LocalIssuer

pytestmark = pytest.mark.e2e
TIMEOUT = 20_000  # ms: worker every 0.1 s, the ranking page asks every 2 s


def _wait_for(credential_id: int, verdict: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while Credential.get_by_id(credential_id).verdict != verdict:
        assert time.monotonic() < deadline, f"verification did not reach {verdict}"
        time.sleep(0.1)


def test_admin_builds_a_role_and_a_revocation_moves_the_candidate_down_without_reload(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    organization = Organization.by_slug("acme")
    assert organization is not None
    zed = candidate_service.create(organization, "Zed Robotics", [DEFAULT_EMAIL])
    candidate_service.create(organization, "Amy Newcomer", ["amy@example.com"])
    (credential,) = intake.add_urls(zed, [issuer.hosted("a1").url])
    _wait_for(credential.id, "verified")

    SignInPage(page, live_server.url).open().sign_in(live_server.admin_email, live_server.password)
    edit = RolesPage(page).open().create("Robotics engineer")
    edit.add_skill("Robot programming", "required", 5)  # the badge's own alignment
    edit.add_skill("Python (computer programming)", "preferred", 2)
    page.get_by_role("link", name="Robotics engineer").click()
    ranking = RankingPage(page)
    expect(ranking.rows()).to_have_count(2)
    expect(ranking.rows().first).to_contain_text("Zed Robotics")
    expect(ranking.rows().first).to_contain_text("Meets all")
    expect(ranking.rows().nth(1)).to_contain_text("Missing 1")
    assert_accessible(page, "ranking page")

    ranking.explain("Zed Robotics")
    # One badge proves both skills: "Robot programming" by its alignment, Python by its tag.
    badge_links = page.get_by_role("link", name="Robotics Fundamentals")
    expect(badge_links).to_have_count(2)
    expect(page.get_by_text("mapped by tag", exact=False)).to_be_visible()
    assert_accessible(page, "explanation")
    page.go_back()
    expect(ranking.rows().first).to_contain_text("Zed Robotics")
    page.evaluate("window.__marker = 'same page'")

    issuer.revoke("a1", "Awarded in error")
    verification.requeue(Credential.get_by_id(credential.id))
    _wait_for(credential.id, "revoked")

    expect(ranking.rows().first).to_contain_text("Amy Newcomer", timeout=TIMEOUT)
    expect(ranking.rows().nth(1)).to_contain_text("Zed Robotics")
    expect(ranking.rows().nth(1)).to_contain_text("Missing 1")
    assert page.evaluate("window.__marker") == "same page"
