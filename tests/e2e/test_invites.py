"""In two browsers: a recruiter invites a candidate by link; the candidate, without an account,
consents and adds a badge; the recruiter's page shows it without a reload; revoking ends it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app.models import Organization
from app.services import candidates as candidate_service
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.candidates import VERDICT_TIMEOUT, CandidatePage
from tests.e2e.pages.portal import InvitePanel, PortalPage
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_recruiter_tools import assert_fits_phone
from tests.support.credly import CREDLY_HOSTS, CredlyProfile
from tests.support.ob2_builders import DEFAULT_EMAIL, baked_png
from tests.support.provider_hosts import ProviderHosts
from tests.support.test_issuer import Case, LocalIssuer

pytestmark = pytest.mark.e2e


def _recruiter_on_candidate(page: Page, server: LiveServer) -> CandidatePage:
    organization = Organization.by_slug("acme")
    assert organization is not None
    grace = candidate_service.create(organization, "Grace Hopper", [DEFAULT_EMAIL])
    SignInPage(page, server.url).open().sign_in(server.recruiter_email, server.password)
    expect(page.get_by_role("heading", name="Worklist", level=1)).to_be_visible()
    page.goto(f"{server.url}/candidates/{grace.id}")
    return CandidatePage(page).wait_for("Grace Hopper")


def test_a_candidate_adds_a_badge_through_an_invite_and_the_recruiter_sees_it_live(
    page: Page, browser: Browser, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    recruiter = _recruiter_on_candidate(page, live_server)
    panel = InvitePanel(page)
    page.evaluate("document.querySelector('#invite-days').removeAttribute('max')")
    panel.region().get_by_label("Valid for (days)").fill("45")  # past the form's own limit
    panel.region().get_by_role("button", name="Create invite link").click()
    expect(panel.region().get_by_role("alert")).to_have_text(
        "An invite stays valid for 1 to 30 days."
    )
    link = panel.create(days=7)
    expect(panel.invites().nth(1)).to_contain_text("not opened yet")
    assert_accessible(page, "candidate page with an invite")
    assert_fits_phone(page, "candidate page showing a new invite link")

    context = browser.new_context()  # the candidate: no account, no cookies
    candidate = context.new_page()
    portal = PortalPage(candidate).open(link, "Acme Hiring")
    assert "/invite/portal" in candidate.url  # the secret left the address bar
    expect(portal.privacy_notice()).to_contain_text("Until Acme Hiring deletes your record")
    expect(portal.add_region()).to_have_count(0)
    assert_accessible(candidate, "portal notice")
    assert_fits_phone(candidate, "portal notice")
    portal.consent()

    portal.paste("   ")
    expect(portal.error()).to_have_text("Paste at least one badge link first.")
    portal.upload("cv.pdf", b"%PDF-1.7 not a badge")
    expect(portal.error()).to_contain_text("“cv.pdf” is not a digital badge")

    portal.paste(f"My badge: {issuer.hosted('valid').url}")
    portal.expect_results(["Verified"])
    assert_accessible(candidate, "portal with a verified badge")
    assert_fits_phone(candidate, "portal with a verified badge")

    recruiter.expect_verdicts(["Verified"])  # arrived without a reload
    expect(recruiter.credential_rows().nth(0)).to_contain_text("added by the candidate")
    expect(panel.invites().nth(1)).to_contain_text("consented")  # no reload either
    expect(panel.invites().nth(1)).to_contain_text("opened 1 time")

    portal.paste(issuer.hosted("gone-private", Case.NOT_FOUND).url)
    portal.expect_results(["Verified", "Not found at the issuer"])
    expect(portal.rows().nth(1)).to_contain_text("check that you copied all of it")

    page.reload()
    panel.revoke()
    candidate.reload()
    expect(candidate.get_by_role("heading", name="This link is no longer active")).to_be_visible()
    candidate.goto(link)
    expect(candidate.get_by_role("heading", name="This link is no longer active")).to_be_visible()
    assert_fits_phone(candidate, "inactive invite link")
    context.close()


@pytest.fixture
def credly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProviderHosts]:
    with ProviderHosts(tmp_path, *CREDLY_HOSTS) as hosts:
        hosts.install(monkeypatch)
        yield hosts


def test_a_candidate_sends_a_credly_profile_and_a_baked_badge_and_removes_one(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    issuer: LocalIssuer,
    credly: ProviderHosts,
) -> None:
    profile = CredlyProfile("grace-hopper", badges=2).serve(credly)
    recruiter = _recruiter_on_candidate(page, live_server)
    link = InvitePanel(page).create()
    context = browser.new_context()
    portal = PortalPage(context.new_page()).open(link, "Acme Hiring").consent()

    portal.paste(f"All my badges: {profile.url}")
    expect(portal.status()).to_have_text(
        "Reading your Credly profile grace-hopper: its public badges appear below."
    )
    expect(portal.profile_rows()).to_contain_text(
        "2 public badges found, 2 new.", timeout=VERDICT_TIMEOUT
    )
    portal.expect_results(["Verified", "Verified"])
    portal.upload("badge.png", baked_png(issuer.signed("baked").token or ""), "image/png")
    expect(portal.status()).to_have_text("Added 1 file.")
    portal.expect_results(["Verified", "Verified", "Verified"])
    recruiter.expect_verdicts(["Verified", "Verified", "Verified"])

    candidate_page = portal.page
    candidate_page.once("dialog", lambda dialog: dialog.accept())
    portal.rows().nth(2).get_by_role("button", name="Remove").click()
    expect(portal.status()).to_have_text("Removed.")
    portal.expect_results(["Verified", "Verified"])
    recruiter.expect_verdicts(["Verified", "Verified"])
    context.close()


def test_a_new_link_replaces_the_old_one_after_the_recruiter_confirms(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    _recruiter_on_candidate(page, live_server)
    panel = InvitePanel(page)
    first = panel.create()
    page.once("dialog", lambda dialog: dialog.accept())
    second = panel.create()
    assert second != first
    expect(panel.invites()).to_have_count(3)  # header, the new link, the old one
    expect(panel.invites().nth(2)).to_contain_text("revoked")
    context = browser.new_context()
    candidate = context.new_page()
    candidate.goto(first)
    expect(candidate.get_by_role("heading", name="This link is no longer active")).to_be_visible()
    PortalPage(candidate).open(second, "Acme Hiring")
    context.close()
