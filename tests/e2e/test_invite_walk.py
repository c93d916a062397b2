"""The walk of issue #15 in two browsers: a recruiter e-mails a candidate an invite (the link is
read from the test SMTP server); the candidate, with no account, agrees to the notice, imports
their Credly profile (served over real TLS under Credly's own host names by a loopback server)
and proves their e-mail address with the code the SMTP server received; the recruiter's page,
never reloaded, shows every badge verified and proven."""

from __future__ import annotations

import re
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
from tests.e2e.pages.proofs import EmailProofSection
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_email_proofs import mail_server  # noqa: F401  (a fixture; smtp is in conftest)
from tests.e2e.test_recruiter_tools import assert_fits_phone
from tests.support.credly import CREDLY_HOSTS, CredlyProfile
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.provider_hosts import ProviderHosts
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.e2e
PROVEN = f"✔ Proven: {DEFAULT_EMAIL} confirmed by a one-time code on"


@pytest.fixture
def credly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProviderHosts]:
    with ProviderHosts(tmp_path, *CREDLY_HOSTS) as hosts:
        hosts.install(monkeypatch)
        yield hosts


def _code(server: SmtpServer) -> str:
    message = server.next_message()
    assert message["To"] == DEFAULT_EMAIL
    found = re.search(r"\b(\d{6})\b", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def test_invite_consent_credly_profile_email_code_and_the_recruiter_sees_proven_live(
    page: Page,
    browser: Browser,
    mail_server: LiveServer,  # noqa: F811
    smtp: SmtpServer,  # noqa: F811
    credly: ProviderHosts,
) -> None:
    profile = CredlyProfile("grace-hopper", badges=3, per_page=2, private={1}).serve(credly)
    organization = Organization.by_slug("acme")
    assert organization is not None
    grace = candidate_service.create(organization, "Grace Hopper", [DEFAULT_EMAIL])
    SignInPage(page, mail_server.url).open().sign_in(
        mail_server.recruiter_email, mail_server.password
    )
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.goto(f"{mail_server.url}/candidates/{grace.id}")
    recruiter = CandidatePage(page).wait_for("Grace Hopper")
    panel = InvitePanel(page)
    panel.send(DEFAULT_EMAIL, days=7)
    invitation = smtp.next_message()
    assert invitation["Subject"] == "Acme Hiring invites you to add your digital badges"
    found = re.search(r"(http://\S+/invite/\S+)", invitation.get_content())
    assert found, invitation.get_content()
    link = found.group(1)
    expect(panel.invites().nth(1)).to_contain_text(f"sent to {DEFAULT_EMAIL}")

    context = browser.new_context()  # the candidate: another browser, no account
    portal = PortalPage(context.new_page()).open(link, "Acme Hiring")
    portal.consent()
    portal.paste(f"Everything I have: {profile.url}")
    expect(portal.profile_rows()).to_contain_text(
        "2 public badges found, 2 new.", timeout=VERDICT_TIMEOUT
    )
    portal.expect_results(["Verified", "Verified"])
    recruiter.expect_verdicts(["Verified", "Verified"])  # arrived without a reload
    expect(panel.invites().nth(1)).to_contain_text("consented")

    proof = EmailProofSection(portal.page)
    expect(proof.root).to_contain_text(DEFAULT_EMAIL)
    proof.send_code(DEFAULT_EMAIL)
    proof.enter_code(DEFAULT_EMAIL, _code(smtp))
    expect(proof.status()).to_have_text(
        f"Proven ✔ {DEFAULT_EMAIL} is yours: Acme Hiring now sees it."
    )
    assert_accessible(portal.page, "portal after the whole walk")
    assert_fits_phone(portal.page, "portal after the whole walk")

    for row in range(2):  # the recruiter's page, still not reloaded
        expect(recruiter.credential_rows().nth(row)).to_contain_text(PROVEN, timeout=20_000)
        expect(recruiter.credential_rows().nth(row)).to_contain_text("added by the candidate")
    context.close()
