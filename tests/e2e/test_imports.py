"""A recruiter imports candidates from a CSV file and watches the verification progress."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.candidates import VERDICT_TIMEOUT, CandidatesPage
from tests.support.test_issuer import Case, LocalIssuer

pytestmark = pytest.mark.e2e

CANDIDATES = 50
CASES = (Case.VALID, Case.VALID, Case.REVOKED, Case.EXPIRED, Case.WRONG_RECIPIENT)


def csv_of(issuer: LocalIssuer, count: int) -> tuple[str, dict[Case, int]]:
    """A CSV of `count` candidates with one badge each, and how many badges have each case."""
    lines, tally = ["name,email,link"], dict.fromkeys(CASES, 0)
    for number in range(count):
        case, email = CASES[number % len(CASES)], f"candidate{number}@example.com"
        # Candidates are matched by e-mail, so each has their own; a wrong-recipient badge
        # keeps the issuer's other address.
        awarded = {} if case is Case.WRONG_RECIPIENT else {"email": email}
        badge = issuer.hosted(f"c{number}", case, **awarded)
        tally[case] += 1
        lines.append(f"Candidate {number:02d},{email},{badge.url}")
    return "\n".join(lines) + "\n", tally


def test_importing_fifty_candidates_fills_the_progress_bar(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    text, tally = csv_of(issuer, CANDIDATES)
    SignInPage(page, live_server.url).open().sign_in(
        live_server.recruiter_email, live_server.password
    )
    imports = CandidatesPage(page).open().import_csv()
    preview = imports.preview("fifty.csv", text)
    expect(preview).to_contain_text(f"{CANDIDATES} candidates with {CANDIDATES} links ready")

    live_server.worker.pause()
    imports.start(CANDIDATES)
    expect(imports.progress_bar()).to_have_attribute("value", "0")
    expect(imports.progress_status()).to_contain_text(f"0 of {CANDIDATES} credentials checked")
    page.evaluate("window.__marker = 'same page'")

    live_server.worker.resume()

    expect(imports.progress_bar()).to_have_attribute("value", "100", timeout=VERDICT_TIMEOUT)
    expect(imports.progress_status()).to_contain_text(f"{CANDIDATES} of {CANDIDATES}")
    expect(imports.progress_status()).to_contain_text("Done.")
    assert page.evaluate("window.__marker") == "same page"
    counts = page.get_by_role("region", name="Verification").get_by_role("listitem")
    expect(counts.filter(has_text="Verified")).to_contain_text(str(tally[Case.VALID]))
    expect(counts.filter(has_text="Revoked")).to_contain_text(str(tally[Case.REVOKED]))
    expect(counts.filter(has_text="Expired")).to_contain_text(str(tally[Case.EXPIRED]))
    expect(counts.filter(has_text="Not this candidate's")).to_contain_text(
        str(tally[Case.WRONG_RECIPIENT])
    )


def test_rows_with_errors_are_shown_and_skipped(page: Page, live_server: LiveServer) -> None:
    SignInPage(page, live_server.url).open().sign_in(
        live_server.recruiter_email, live_server.password
    )
    imports = CandidatesPage(page).open().import_csv()
    text = "name,email\nAda Lovelace,ada@example.com\n,not-an-address\n"
    preview = imports.preview("mixed.csv", text)
    expect(preview).to_contain_text("1 candidate with 0 links ready to import")
    expect(preview).to_contain_text("1 row with errors will be skipped")
    rows = page.get_by_role("table", name="Rows of the file").get_by_role("row")
    expect(rows.filter(has_text="Ada Lovelace")).to_contain_text("new candidate")

    imports.start(1)
    expect(imports.progress_status()).to_contain_text("100%")
    page.get_by_role("link", name="See the candidates").click()
    expect(CandidatesPage(page).row("Ada Lovelace")).to_be_visible()
