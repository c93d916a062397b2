"""A recruiter pastes a Coursera certificate link; the page, served over real TLS under
www.coursera.org by a loopback server (never the real site), is shown as an issuer page, not as
"Unsupported"; an admin's ranking policy decides whether it counts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.models import Organization
from app.services import candidates as candidate_service
from app.verification.issuer_pages import ASSURANCE_LABEL
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import Layout, SignInPage
from tests.e2e.pages.candidates import CandidatePage
from tests.e2e.pages.roles import RankingPage
from tests.e2e.pages.settings import RankingPolicyPage
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_candidates import signed_in
from tests.support import issuer_pages as pages
from tests.support.provider_hosts import ProviderHosts
from tests.support.ranking_builders import build_role, skill

pytestmark = pytest.mark.e2e
PATH = "/account/accomplishments/verify/ABCD1234EFGH"
URL = f"https://www.coursera.org{PATH}"
HTML = {"content-type": "text/html; charset=utf-8"}


@pytest.fixture
def coursera(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProviderHosts]:
    with ProviderHosts(tmp_path, "www.coursera.org") as hosts:
        hosts.install(monkeypatch)
        yield hosts


def _explain(page: Page, role: str, candidate: str) -> None:
    Layout(page).navigation().get_by_role("link", name="Roles").click()
    page.get_by_role("link", name=role).click()
    RankingPage(page).explain(candidate)


def _ada(page: Page, live_server: LiveServer) -> CandidatePage:
    return signed_in(page, live_server).add("Ada Lovelace")


def test_a_pasted_coursera_link_shows_the_issuer_page_label(
    page: Page, live_server: LiveServer, coursera: ProviderHosts
) -> None:
    coursera.route("www.coursera.org", PATH, body=pages.coursera("Ada Lovelace"), headers=HTML)
    candidate = _ada(page, live_server)

    candidate.paste_links(f"My Coursera certificate: {URL}")

    candidate.expect_verdicts([ASSURANCE_LABEL])
    expect(candidate.credentials()).to_contain_text("Machine Learning")
    expect(candidate.credentials()).not_to_contain_text("Unsupported")
    credential = candidate.open_credential()
    expect(credential.title()).to_contain_text("Machine Learning")
    expect(page.locator(".lead")).to_contain_text(ASSURANCE_LABEL)
    expect(credential.authenticity()).to_contain_text(
        "reachable on www.coursera.org and names Ada Lovelace and 'Machine Learning'"
    )
    expect(credential.authenticity()).to_contain_text(
        "an issuer's certificate page, not a verifiable credential"
    )
    expect(credential.ownership()).to_contain_text("names Ada Lovelace, the candidate's name")
    expect(credential.history()).to_contain_text(ASSURANCE_LABEL)
    assert_accessible(page, "issuer page credential")


def test_a_certificate_page_that_is_gone_reads_not_found_at_the_issuer(
    page: Page, live_server: LiveServer, coursera: ProviderHosts
) -> None:
    coursera.route("www.coursera.org", PATH, status=404, body=b"<html>Not found</html>")
    candidate = _ada(page, live_server)

    candidate.paste_links(URL)

    candidate.expect_verdicts(["Not found at the issuer"])
    credential = candidate.open_credential()
    expect(credential.authenticity()).to_contain_text("Not found at the issuer")
    expect(credential.authenticity()).to_contain_text("This does not mean it is forged")


def test_an_admin_counts_issuer_pages_and_the_explanation_says_so(
    page: Page, live_server: LiveServer, coursera: ProviderHosts
) -> None:
    organization = Organization.by_slug("acme")
    assert organization is not None
    ada = candidate_service.create(organization, "Ada Lovelace", [])
    pages.settled_issuer_page(ada, coursera)
    role = build_role(organization, "ML engineer", required=[skill("machine learning")])
    SignInPage(page, live_server.url).open().sign_in(live_server.admin_email, live_server.password)

    _explain(page, role.title, "Ada Lovelace")
    expect(page.get_by_role("table").first).to_contain_text(
        "Not counted: issuer page (policy): Machine Learning"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("0.0 of 100")

    policy = RankingPolicyPage(page).open_from_settings()
    expect(policy.count_issuer_pages()).not_to_be_checked()
    policy.count_issuer_pages().check()
    expect(policy.save()).to_have_text(
        "Saved: issuer pages count in rankings at 50% of a verified credential."
    )
    expect(policy.count_issuer_pages()).to_be_checked()  # the swapped panel keeps the choice
    expect(policy.save()).to_contain_text("Nothing changed")
    assert_accessible(page, "ranking policy")

    _explain(page, role.title, "Ada Lovelace")
    expect(page.get_by_role("heading", level=1)).to_contain_text("35.0 of 100")
    explanation = page.get_by_role("table").first
    expect(explanation).to_contain_text(f"{ASSURANCE_LABEL}: counted at 50%")
    expect(explanation).to_contain_text("issuer page 0.50")
    expect(explanation).not_to_contain_text("Not counted")
    expect(page.get_by_role("region", name="What would raise this score most")).to_contain_text(
        "Ask for a verifiable credential in place of the issuer page Machine Learning"
    )
