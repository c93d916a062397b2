"""axe finds no serious or critical accessibility violations on the recruiter's pages."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.candidates import CandidatePage, CandidatesPage
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import Case, LocalIssuer

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}
AXE = Axe()  # axe-core is bundled with the package: nothing is fetched


def blocking_violations(page: Page) -> list[str]:
    """Serious and critical violations on the page as it is now, one line per element."""
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


def assert_accessible(page: Page, name: str) -> None:
    violations = blocking_violations(page)
    assert not violations, f"{name}:\n" + "\n".join(violations)


@pytest.fixture
def populated(page: Page, live_server: LiveServer, issuer: LocalIssuer) -> CandidatePage:
    """Signed in as a recruiter, with a candidate whose credentials have all been verified."""
    links = " ".join(
        [
            issuer.hosted("valid").url,
            issuer.hosted("revoked", Case.REVOKED).url,
            issuer.hosted("expired", Case.EXPIRED).url,
            issuer.signed("tampered", Case.TAMPERED).url,
            issuer.hosted("unavailable", Case.UNAVAILABLE).url,
        ]
    )
    SignInPage(page, live_server.url).open().sign_in(
        live_server.recruiter_email, live_server.password
    )
    candidates = CandidatesPage(page).open()
    candidates.add("Emmy Noether", "emmy@example.com", "")
    candidates = CandidatesPage(page).open()
    candidate = candidates.add("Grace Hopper", DEFAULT_EMAIL, links)
    candidate.expect_verdicts(["Verified", "Revoked", "Expired", "Invalid", "Issuer unreachable"])
    return candidate


def test_candidates_list(page: Page, populated: CandidatePage) -> None:
    candidates = CandidatesPage(page).open()
    expect(candidates.row("Grace Hopper")).to_contain_text("Needs attention")
    assert_accessible(page, "candidates list")


def test_candidate_page(page: Page, populated: CandidatePage) -> None:
    assert_accessible(page, "candidate page")


def test_pages_while_verifying_and_after_an_error(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    SignInPage(page, live_server.url).open().sign_in(
        live_server.recruiter_email, live_server.password
    )
    candidates = CandidatesPage(page).open()
    candidates.add_form().get_by_label("E-mail addresses").fill("not an address")
    candidates.add_form().get_by_label("Name").fill("Bad Address")
    candidates.add_form().get_by_role("button", name="Add candidate").click()
    expect(candidates.add_form().get_by_role("alert")).to_be_visible()
    assert_accessible(page, "candidates list with a form error")

    live_server.worker.pause()
    candidate = candidates.add("Ada Lovelace", DEFAULT_EMAIL, issuer.hosted("valid").url)
    candidate.expect_verdicts(["Verifying…"])
    assert_accessible(page, "candidate page while verifying")
    candidate.open_credential_link(0)
    expect(page.get_by_role("status")).to_contain_text("Verifying with the issuer")
    assert_accessible(page, "credential page while verifying")
    live_server.worker.resume()


def test_credential_pages(page: Page, populated: CandidatePage) -> None:
    verified = populated.open_credential(0)
    expect(verified.ownership()).to_contain_text("Yes")
    assert_accessible(page, "verified credential page")
    page.go_back()
    invalid = CandidatePage(page).wait_for("Grace Hopper").open_credential(3)
    expect(invalid.checks().filter(has_text="Failed")).not_to_have_count(0)
    assert_accessible(page, "invalid credential page")


def test_import_pages(page: Page, live_server: LiveServer, issuer: LocalIssuer) -> None:
    SignInPage(page, live_server.url).open().sign_in(
        live_server.recruiter_email, live_server.password
    )
    imports = CandidatesPage(page).open().import_csv()
    assert_accessible(page, "import form")
    text = f"name,email,link\nAda,ada@example.com,{issuer.hosted('a').url}\n,broken\n"
    imports.preview("two.csv", text)
    assert_accessible(page, "import preview")
    imports.start(1)
    expect(imports.progress_status()).to_contain_text("Done.", timeout=15_000)
    assert_accessible(page, "import progress")


def test_axe_reports_what_it_finds(page: Page, live_server: LiveServer) -> None:
    """The check itself works: a page with a known violation is reported."""
    page.goto(f"{live_server.url}/login")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        "'<img src=\"/static/icons/skillproof.svg\">')"
    )
    violations: list[Any] = blocking_violations(page)
    assert any(v.startswith("image-alt") for v in violations), violations
