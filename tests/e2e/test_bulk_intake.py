"""A paste of more links than one request takes is refused in place, saying what to do."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.models import Organization
from app.services import candidates as candidate_service
from app.services import intake
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.candidates import CandidatePage, CandidatesPage
from tests.support.ob2_builders import DEFAULT_EMAIL

pytestmark = pytest.mark.e2e


def test_a_paste_over_the_cap_shows_how_to_import_more_and_adds_nothing(
    page: Page, live_server: LiveServer
) -> None:
    organization = Organization.by_slug("acme")
    assert organization is not None
    candidate_service.create(organization, "Bulk Paste", [DEFAULT_EMAIL])
    SignInPage(page, live_server.url).open().sign_in(
        live_server.recruiter_email, live_server.password
    )
    CandidatesPage(page).open().row("Bulk Paste").get_by_role("link").click()
    shown = CandidatePage(page).wait_for("Bulk Paste")
    page.evaluate("window.__marker = 'same page'")
    too_many = intake.MAX_PASTED_LINKS + 1
    shown.paste_links("\n".join(f"https://issuer.example/b/{n}" for n in range(too_many)))

    expect(shown.intake_error()).to_contain_text("one paste takes at most 1,000")
    expect(shown.intake_error()).to_contain_text("import a CSV of candidates")
    expect(page.get_by_label("Paste links")).to_have_attribute("aria-invalid", "true")
    expect(shown.credential_rows()).to_have_count(0)
    assert page.evaluate("window.__marker") == "same page"  # swapped in place, no reload
