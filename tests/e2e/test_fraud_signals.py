"""In the browser: badges from an issuer whose name imitates a trusted one, arriving in a burst
from an issuer first seen today, raise plain warnings on the candidate page, the candidate list
and the worklist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.models import Organization, utcnow
from app.ranking import Tier
from app.services import roles as role_service
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.candidates import CandidatePage, CandidatesPage
from tests.e2e.pages.recruiting import WorklistPage
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_recruiter_tools import assert_fits_phone
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import LocalIssuer

pytestmark = pytest.mark.e2e
TRUSTED_NAME = "Acme Cloud Academy"
LOOKALIKE_NAME = "Acme Cloud Acadеmy"  # a Cyrillic е
BURST = 5


@pytest.fixture
def lookalike() -> Iterator[LocalIssuer]:
    """A real issuer on loopback whose name imitates the organisation's trusted one."""
    with LocalIssuer(name=LOOKALIKE_NAME) as local:
        yield local


def _trust_the_real_academy() -> None:
    organization = Organization.by_slug("acme")
    assert organization is not None
    role_service.set_tier(
        organization, None, "https://academy.acme.example/issuer", TRUSTED_NAME, Tier.TRUSTED
    )


def test_a_lookalike_issuers_burst_of_badges_is_flagged_on_the_candidate_and_the_worklist(
    page: Page, live_server: LiveServer, lookalike: LocalIssuer
) -> None:
    _trust_the_real_academy()
    minted = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")  # this week
    links = [lookalike.hosted(f"cloud-{n}", issued_on=minted).url for n in range(BURST)]
    SignInPage(page, live_server.url).open().sign_in(
        live_server.recruiter_email, live_server.password
    )
    expect(page.get_by_role("heading", name="Worklist", level=1)).to_be_visible()

    candidate = CandidatesPage(page).open().add("Ada Lovelace", DEFAULT_EMAIL, "\n".join(links))
    candidate.expect_verdicts(["Verified"] * BURST)

    # The warnings arrive with the verdicts, without reloading the page.
    warnings = candidate.warning_signs()
    expect(warnings).to_contain_text(
        f"issued by “{LOOKALIKE_NAME}” at {lookalike.base.removeprefix('http://')}. That name is "
        f"made to look like your trusted issuer “{TRUSTED_NAME}” at academy.acme.example, yet "
        "it is a different issuer."
    )
    expect(warnings).to_contain_text("an issuer your organisation first saw on")
    expect(warnings).to_contain_text(f"{BURST} of its badges were issued and added this week.")
    expect(warnings.get_by_role("listitem").first).to_contain_text("Serious:")
    expect(
        candidate.credential_rows().get_by_role("link", name="Issuer imitating a trusted one")
    ).to_have_count(BURST)
    assert_accessible(page, "candidate with warning signs")
    assert_fits_phone(page, "candidate with warning signs")

    # The candidate list says so too, and leads to the warnings.
    listed = CandidatesPage(page).open()
    flag = listed.row("Ada Lovelace").get_by_role("link", name=re.compile(r"\d warning signs?$"))
    expect(flag).to_have_text(re.compile(r"^⚠ 2 warning signs$"))
    assert_fits_phone(page, "candidate list with warning signs")
    flag.click()
    expect(page).to_have_url(re.compile(r"/candidates/\d+#fraud-signals$"))
    warnings = CandidatePage(page).wait_for("Ada Lovelace").warning_signs()
    expect(warnings).to_be_visible()

    warnings.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/credentials/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Robotics Fundamentals")
    expect(page.get_by_role("note").filter(has_text="Warning signs")).to_contain_text(
        f"made to look like your trusted issuer “{TRUSTED_NAME}”"
    )

    worklist = WorklistPage(page).open(live_server.url)
    imitation = worklist.group("Issuer imitating a trusted one")
    expect(imitation).to_contain_text(f"your trusted issuer “{TRUSTED_NAME}”")
    expect(imitation.get_by_role("link", name="Ada Lovelace", exact=True)).to_be_visible()
    burst = worklist.group("Many badges from a new issuer")
    expect(burst).to_contain_text(
        f"{BURST} credentials (“Robotics Fundamentals”) were issued by “{LOOKALIKE_NAME}”"
    )
    expect(page.get_by_role("navigation", name="Worklist groups")).to_contain_text(
        "Name unlike the candidate's 0"
    )
    assert_accessible(page, "worklist with fraud signals")
    assert_fits_phone(page, "worklist with fraud signals")

    imitation.get_by_role("link", name="Ada Lovelace", exact=True).click()
    CandidatePage(page).wait_for("Ada Lovelace")
    expect(CandidatePage(page).warning_signs()).to_be_visible()
