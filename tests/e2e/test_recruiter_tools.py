"""In the browser: duplicates flagged and merged, notes, bulk actions, the worklist, evidence
reports shared by link, custom skills and the audit trail; each screen axe-clean and phone-wide."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from app.models import Organization, User
from app.services import candidates as candidate_service
from app.services import roles as role_service
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.candidates import CandidatePage, CandidatesPage
from tests.e2e.pages.recruiting import BulkActions, CandidateTools, ReportPage, WorklistPage
from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
WIDE_ELEMENTS = """() => [...document.querySelectorAll('main *')]
  .filter(el => el.getBoundingClientRect().right > innerWidth + 1)
  .slice(0, 8).map(el => el.outerHTML.slice(0, 80))"""


def _sign_in(page: Page, server: LiveServer, admin: bool = True) -> None:
    email = server.admin_email if admin else server.recruiter_email
    SignInPage(page, server.url).open().sign_in(email, server.password)
    expect(page.get_by_role("heading", name="Worklist", level=1)).to_be_visible()


def _org() -> Organization:
    found = Organization.by_slug("acme")
    assert found is not None
    return found


def assert_fits_phone(page: Page, name: str) -> None:
    """No sideways scrolling at 390 px."""
    page.set_viewport_size(PHONE)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wide = [] if overflow <= 0 else page.evaluate(WIDE_ELEMENTS)
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px: {wide}"
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_duplicate_is_flagged_before_saving_then_on_both_and_merges(
    page: Page, live_server: LiveServer
) -> None:
    _sign_in(page, live_server, admin=False)
    candidates = CandidatesPage(page).open()
    candidates.add("Ada Lovelace", "ada@example.com")
    candidates = CandidatesPage(page).open()
    form = candidates.add_form()
    form.get_by_label("Name").fill("A. Lovelace")
    form.get_by_label("E-mail addresses").fill("ADA@example.com, al@work.example")
    form.get_by_role("button", name="Add candidate").click()

    warning = form.get_by_role("alert")
    expect(warning).to_contain_text("Possible duplicate")
    expect(warning).to_contain_text("ada@example.com is already the address of Ada Lovelace")
    expect(form.get_by_label("Name")).to_have_value("A. Lovelace")  # nothing typed is lost
    assert_accessible(page, "duplicate warning")

    form.get_by_role("button", name="Add anyway").click()
    CandidatePage(page).wait_for("A. Lovelace")
    tools = CandidateTools(page)
    expect(tools.conflict()).to_contain_text("ada@example.com")
    expect(tools.conflict().get_by_role("link", name="Ada Lovelace")).to_be_visible()
    assert_accessible(page, "candidate with an identity conflict")
    assert_fits_phone(page, "candidate with an identity conflict")

    WorklistPage(page).open(live_server.url)
    identity = WorklistPage(page).group("Identity conflicts")
    expect(identity).to_contain_text("A. Lovelace and Ada Lovelace share the e-mail address")
    assert_accessible(page, "worklist")
    assert_fits_phone(page, "worklist")

    identity.get_by_role("link", name="A. Lovelace").click()
    CandidatePage(page).wait_for("A. Lovelace")
    CandidateTools(page).merge("Ada Lovelace")
    expect(CandidateTools(page).conflict()).to_have_count(0)
    expect(page.get_by_text("ada@example.com, al@work.example")).to_be_visible()


def test_notes_are_dated_and_signed_and_an_empty_one_is_explained(
    page: Page, live_server: LiveServer
) -> None:
    _sign_in(page, live_server)
    CandidatesPage(page).open().add("Grace Hopper", "grace@example.com")
    tools = CandidateTools(page)

    tools.notes().get_by_role("button", name="Add note").click()
    expect(tools.notes().get_by_role("alert")).to_have_text(
        "Write something before adding the note."
    )
    expect(tools.notes().get_by_label("New note")).to_be_focused()

    tools.add_note("Phone screen went well; wants remote.")
    expect(tools.note_items()).to_have_count(1)
    expect(tools.note_items().first).to_contain_text("Phone screen went well; wants remote.")
    expect(tools.note_items().first).to_contain_text("Ada Admin")
    expect(tools.notes().get_by_role("alert")).to_have_count(0)
    expect(tools.notes().get_by_label("New note")).to_have_value("")
    expect(tools.scores()).to_contain_text("No roles yet")
    assert_accessible(page, "candidate page with a note")
    assert_fits_phone(page, "candidate page with a note")


def test_bulk_actions_shortlist_and_archive_ticked_candidates(
    page: Page, live_server: LiveServer
) -> None:
    organization = _org()
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing"):
        candidate_service.create(organization, name, [])
    admin = User.by_email(live_server.admin_email)
    role_service.create(organization, admin, "Data engineer")
    _sign_in(page, live_server)
    CandidatesPage(page).open()
    bulk = BulkActions(page)

    bulk.apply("Archive")
    expect(page.locator("#bulk-outcome")).to_have_text("Tick at least one candidate first.")

    bulk.tick("Ada Lovelace")
    bulk.tick("Grace Hopper")
    bulk.apply("Add to a role's shortlist", role="Data engineer")
    expect(page.locator("#bulk-outcome")).to_have_text(
        "Added 2 candidates to the shortlist of Data engineer."
    )

    bulk.tick("Ada Lovelace")
    bulk.tick("Grace Hopper")
    bulk.apply("Archive")
    expect(page.locator("#bulk-outcome")).to_have_text("Archived 2 candidates.")
    table = CandidatesPage(page).table()
    expect(table.get_by_role("link", name="Alan Turing")).to_be_visible()
    expect(table.get_by_role("link", name="Ada Lovelace")).to_have_count(0)
    assert_accessible(page, "candidates list with bulk actions")
    assert_fits_phone(page, "candidates list with bulk actions")


def test_a_report_is_shared_by_a_link_that_can_be_revoked(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    organization = _org()
    ada = candidate_service.create(organization, "Ada Lovelace", ["ada@example.com"])
    admin = User.by_email(live_server.admin_email)
    role = role_service.create(organization, admin, "Data engineer")
    role_service.add_to_shortlist(role, ada, admin)
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/candidates/{ada.id}")
    page.get_by_role("link", name="Evidence report").click()
    expect(page.get_by_role("heading", name="Evidence report: Ada Lovelace")).to_be_visible()
    report = ReportPage(page)

    page.evaluate(  # a forged duration the form does not offer
        "document.querySelector('#share-days').insertAdjacentHTML('beforeend', "
        "'<option value=\"365\">365 days</option>')"
    )
    report.share_region().get_by_label("Valid for").select_option("365")
    report.share_region().get_by_role("button", name="Create share link").click()
    expect(report.share_region().get_by_role("alert")).to_contain_text(
        "Choose how long the link stays valid"
    )

    url = report.create_link("1 day")
    expect(report.links()).to_have_count(2)  # header + the link
    assert_accessible(page, "evidence report")
    assert_fits_phone(page, "evidence report")

    manager = browser.new_context().new_page()  # no account, no cookies
    manager.goto(url)
    expect(manager.get_by_role("heading", name="Evidence report: Ada Lovelace")).to_be_visible()
    expect(manager.get_by_role("navigation")).to_have_count(0)
    links = manager.locator("a[href]")
    expect(links).to_have_count(0)
    assert_accessible(manager, "shared evidence report")
    assert_fits_phone(manager, "shared evidence report")

    report.share_region().get_by_role("button", name="Revoke").click()
    expect(report.links().nth(1)).to_contain_text("revoked")
    expect(report.links().nth(1)).to_contain_text("1 time")
    manager.reload()
    expect(manager.get_by_role("heading", name="This link is no longer valid")).to_be_visible()
    manager.context.close()

    page.goto(f"{live_server.url}/roles/{role.id}/shortlist")
    page.get_by_role("link", name="Shortlist report").click()
    expect(page.get_by_role("heading", name="Shortlist report: Data engineer")).to_be_visible()
    expect(page.get_by_role("heading", name="Ada Lovelace", level=2)).to_be_visible()
    assert_accessible(page, "shortlist report")
    assert_fits_phone(page, "shortlist report")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    page.get_by_label("Action").select_option(label="Share link opened")
    expect(page.get_by_role("status")).to_have_text("1 entry of “Share link opened”")
    expect(page.get_by_role("table", name="Audit entries")).to_contain_text("someone with the link")
    assert_accessible(page, "audit trail")
    assert_fits_phone(page, "audit trail")


def test_hr_adds_a_skill_and_edits_it_in_place(page: Page, live_server: LiveServer) -> None:
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/skills/")
    add = page.get_by_role("region", name="Add a skill")
    add.get_by_label("Name").fill("Acme Deploy")
    add.get_by_label("Also called").fill("ADP")
    add.get_by_role("button", name="Add skill").click()
    own = page.get_by_role("table", name="Your organisation's skills")
    expect(own).to_contain_text("Acme Deploy")
    expect(own).to_contain_text("added by your organisation")

    add = page.get_by_role("region", name="Add a skill")
    add.get_by_label("Name").fill("acme   deploy")
    add.get_by_role("button", name="Add skill").click()
    expect(add.get_by_role("alert")).to_contain_text("“Acme Deploy” exists already")
    expect(add.get_by_label("Name")).to_have_value("acme   deploy")
    assert_accessible(page, "skills with an error")

    own.get_by_role("link", name="Edit Acme Deploy").click()
    own.get_by_label("Name").fill("")
    own.get_by_label("Name").fill("SQL")
    own.get_by_role("button", name="Save skill").click()
    expect(own.get_by_role("alert")).to_contain_text("exists in the taxonomy")

    own.get_by_label("Name").fill("Acme Deploy Pipeline")
    own.get_by_label("Description").fill("Our CI/CD")
    own.get_by_role("button", name="Save skill").click()
    row = own.get_by_role("row").filter(has_text="Acme Deploy Pipeline")
    expect(row).to_contain_text("Our CI/CD")
    expect(own.get_by_role("button", name="Save skill")).to_have_count(0)
    assert_accessible(page, "skills")
    assert_fits_phone(page, "skills")


def test_the_shared_page_of_a_bad_link_fits_a_phone(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/shared/not-a-link")
    expect(page.get_by_role("heading", name="This link is no longer valid")).to_be_visible()
    assert re.search(r"/shared/", page.url)
    assert_accessible(page, "refused share link")
    assert_fits_phone(page, "refused share link")
