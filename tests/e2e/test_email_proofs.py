"""Ownership in the browser: an admin counts unproven credentials at half and the explanation
says why; a candidate proves an address in the invite portal with the code the SMTP server
received, and the recruiter's page, open in another browser, shows "Proven" without a reload."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from app.models import Credential, Organization, Role, User
from app.ranking import Importance
from app.services import candidates as candidate_service
from app.services import intake
from app.services import roles as role_service
from app.services import skills as skill_service
from app.services.roles import RequirementInput
from tests.conftest import mail_settings, make_settings
from tests.e2e.conftest import LiveServer, VerificationWorker
from tests.e2e.pages import SignInPage
from tests.e2e.pages.candidates import CandidatePage
from tests.e2e.pages.portal import InvitePanel, PortalPage
from tests.e2e.pages.proofs import EmailProofSection, IssuerTrustPage
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_recruiter_tools import assert_fits_phone
from tests.support.builders import build_org, build_user
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.smtp import SmtpServer
from tests.support.test_issuer import LocalIssuer

pytestmark = pytest.mark.e2e
PROVEN = f"✔ Proven: {DEFAULT_EMAIL} confirmed by a one-time code on"


@pytest.fixture
def mail_server(tmp_path: Path, smtp: SmtpServer) -> Iterator[LiveServer]:
    """The live server of conftest.py, with e-mail going to the test's SMTP server."""
    from app import create_app, db

    settings = make_settings(
        f"sqlite:///{tmp_path / 'e2e.db'}",
        allow_private_hosts="127.0.0.1",
        **mail_settings(smtp),
    )
    app = create_app(settings)
    db.migrate()
    build_user(build_org("Acme Hiring", "acme"), "recruiter@acme.test", Role.RECRUITER)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    worker = VerificationWorker(settings).start()
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.port}"
        yield LiveServer(url, "admin@acme.test", "recruiter@acme.test", worker)
    finally:
        worker.stop()
        server.shutdown()
        thread.join(timeout=5)
    assert not worker.errors, f"the verification worker failed: {worker.errors}"


def _code(smtp: SmtpServer) -> str:
    message = smtp.next_message()
    assert message["To"] == DEFAULT_EMAIL
    found = re.search(r"Your code: (\d{6})", message.get_content())
    assert found
    return found.group(1)


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


def test_a_candidate_proves_their_address_in_the_portal_and_the_recruiter_sees_it_live(
    page: Page, browser: Browser, mail_server: LiveServer, smtp: SmtpServer, issuer: LocalIssuer
) -> None:
    organization = Organization.by_slug("acme")
    assert organization is not None
    grace = candidate_service.create(organization, "Grace Hopper", [DEFAULT_EMAIL])
    (badge,) = intake.add_urls(grace, [issuer.hosted("a1").url])  # awarded to a hash of it
    assert _settled(badge).recipient == "matched"

    SignInPage(page, mail_server.url).open().sign_in(
        mail_server.recruiter_email, mail_server.password
    )
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.goto(f"{mail_server.url}/candidates/{grace.id}")
    recruiter = CandidatePage(page).wait_for("Grace Hopper")
    expect(recruiter.credential_rows().nth(0)).to_contain_text("not proven by the candidate")
    link = InvitePanel(page).create(days=7)

    context = browser.new_context()  # the candidate: no account, another browser
    candidate = context.new_page()
    PortalPage(candidate).open(link, "Acme Hiring").consent()
    proof = EmailProofSection(candidate)
    expect(proof.root).to_contain_text(DEFAULT_EMAIL)
    proof.send_code(DEFAULT_EMAIL)
    expect(proof.status()).to_have_text(
        f"A code is on its way to {DEFAULT_EMAIL}. It works for 10 minutes."
    )
    expect(proof.code_field(DEFAULT_EMAIL)).to_be_focused()
    code = _code(smtp)
    assert_accessible(candidate, "portal waiting for a code")
    assert_fits_phone(candidate, "portal waiting for a code")

    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    proof.enter_code(DEFAULT_EMAIL, wrong)
    expect(proof.alert()).to_have_text("That code is not right. 4 attempts left.")
    expect(proof.code_field(DEFAULT_EMAIL)).to_have_attribute("aria-invalid", "true")
    assert_accessible(candidate, "portal after a wrong code")

    proof.enter_code(DEFAULT_EMAIL, code)
    expect(proof.status()).to_have_text(
        f"Proven ✔ {DEFAULT_EMAIL} is yours: Acme Hiring now sees it."
    )
    expect(proof.root).to_contain_text("Proven ✔ on")
    expect(proof.root.get_by_role("button")).to_have_count(0)
    assert_accessible(candidate, "portal with a proven address")
    assert_fits_phone(candidate, "portal with a proven address")

    # The recruiter's page, open all along in the other browser, was not reloaded.
    expect(recruiter.credential_rows().nth(0)).to_contain_text(PROVEN, timeout=20_000)
    expect(page.get_by_text("not proven by the candidate")).to_have_count(0)
    context.close()
