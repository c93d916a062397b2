"""A candidate presents badges from a wallet through their invite: the wallet signs over the
challenge the portal shows; the same presentation again, or one made for another challenge, is
refused; the recruiter sees the badge proven the candidate's."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from app.models import Organization, User
from app.services import candidates as candidate_service
from app.services import invites, presentations
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.candidates import VERDICT_TIMEOUT
from tests.e2e.pages.portal import PortalPage
from tests.e2e.pages.wallet import WalletSection
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_recruiter_tools import assert_fits_phone
from tests.support.wallet import Wallet, badge_for

pytestmark = pytest.mark.e2e
WALLET = Wallet.did_key(seed=31)


def _ask(exchange_url: str) -> dict[str, str]:
    """What a wallet does first: POST {} to the exchange and read the request."""
    answer = httpx.post(exchange_url, json={}, timeout=10)
    assert answer.status_code == 200, answer.text
    request = answer.json()["verifiablePresentationRequest"]
    return {"challenge": request["challenge"], "domain": request["domain"]}


def _signed(credentials: list[dict[str, object]], over: dict[str, str]) -> str:
    presentation = WALLET.present(
        credentials, challenge=over["challenge"], domain=over["domain"], created=_now()
    )
    return json.dumps(presentation, indent=2)


def _now() -> str:
    from app.models import utcnow

    return utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_candidate_presents_from_a_wallet_and_a_replay_or_foreign_challenge_is_refused(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    organization = Organization.by_slug("acme")
    recruiter = User.by_email(live_server.recruiter_email)
    assert organization is not None and recruiter is not None
    grace = candidate_service.create(organization, "Grace Hopper", ["grace@example.com"])
    eve = candidate_service.create(organization, "Eve Intruder", [])
    _, secret = invites.create(grace, recruiter)

    context = browser.new_context()  # the candidate: no account
    candidate = context.new_page()
    portal = PortalPage(candidate).open(f"{live_server.url}/invite/{secret}", "Acme Hiring")
    portal.consent()
    wallet = WalletSection(candidate).open()
    assert_accessible(candidate, "portal wallet section")
    assert_fits_phone(candidate, "portal wallet section")

    asked = _ask(wallet.exchange_url())
    assert asked["domain"] == re.sub(r"^http://", "", live_server.url)
    good = _signed([badge_for(WALLET.did, name="Compiler Design")], asked)
    wallet.paste(good)
    expect(wallet.outcome()).to_contain_text(f"Your wallet ({WALLET.did}) proved it is yours.")
    expect(wallet.outcome()).to_contain_text("1 credential added")
    portal.expect_results(["Verified"])
    assert_fits_phone(candidate, "portal wallet section after a presentation")

    wallet.open().paste(good)  # the same presentation again
    expect(wallet.error()).to_contain_text("This presentation was already used")
    expect(wallet.outcome()).to_have_count(0)

    eves_challenge = presentations.new_challenge(eve, asked["domain"])
    foreign = {"challenge": eves_challenge.nonce, "domain": asked["domain"]}
    wallet.paste(_signed([badge_for(WALLET.did, name="Forged Badge")], foreign))
    expect(wallet.error()).to_contain_text("signed over another challenge")
    assert_accessible(candidate, "portal wallet section with an error")

    # a wallet that speaks the exchange itself: the portal's list shows its badge live
    answer = httpx.post(
        wallet.exchange_url(),
        json={
            "verifiablePresentation": json.loads(
                _signed(
                    [badge_for(WALLET.did, name="Operating Systems")], _ask(wallet.exchange_url())
                )
            )
        },
        timeout=10,
    )
    assert (answer.status_code, answer.json()) == (200, {})
    portal.expect_results(["Verified", "Verified"])
    expect(portal.rows()).not_to_contain_text(["Forged Badge"])

    SignInPage(page, live_server.url).open().sign_in(recruiter.email, live_server.password)
    expect(page.get_by_role("heading", name="Worklist", level=1)).to_be_visible()
    page.goto(f"{live_server.url}/candidates/{grace.id}")
    proven = page.get_by_text(
        f"✔ Proven: the candidate's wallet ({WALLET.did}) signed a presentation over"
        " Skillproof's challenge on"
    )
    expect(proven.first).to_be_visible(timeout=VERDICT_TIMEOUT)
    expect(proven).to_have_count(2)
    context.close()
