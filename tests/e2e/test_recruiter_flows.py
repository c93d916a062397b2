"""Daily recruiter flows that broke in a real browser (issue 12), checked after each swap."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from app.models import Candidate, Credential, Organization, RoleProfile, User
from app.ranking import Importance
from app.services import candidates as candidate_service
from app.services import intake
from app.services import roles as role_service
from app.services import skills as skill_service
from app.services.roles import RequirementInput
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.candidates import CandidatePage, CandidatesPage, CredentialPage
from tests.e2e.test_accessibility import assert_accessible
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import LocalIssuer

pytestmark = pytest.mark.e2e
TIMEOUT = 15_000


def _org() -> Organization:
    organization = Organization.by_slug("acme")
    assert organization is not None
    return organization


def _admin() -> User:
    admin = User.by_email("admin@acme.test")
    assert admin is not None
    return admin


def _role(title: str, skills: dict[str, tuple[Importance, int]]) -> RoleProfile:
    role = role_service.create(_org(), _admin(), title, "")
    for name, (importance, weight) in skills.items():
        skill = skill_service.find(_org(), name)
        assert skill is not None, name
        role_service.set_requirement(role, _admin(), RequirementInput(skill, importance, weight))
    return role


def _wait_for_verdict(credential_id: int, verdict: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while Credential.get_by_id(credential_id).verdict != verdict:
        assert time.monotonic() < deadline, f"verification did not reach {verdict}"
        time.sleep(0.1)


def _sign_in(page: Page, server: LiveServer, email: str | None = None) -> None:
    SignInPage(page, server.url).open().sign_in(email or server.admin_email, server.password)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_shortlisting_from_the_ranking_changes_only_that_rows_button(
    page: Page, live_server: LiveServer
) -> None:
    for name in ("Ada Byron", "Alan Turing", "Grace Hopper"):
        candidate_service.create(_org(), name, [])
    role = _role("Support analyst", {"customer service": (Importance.REQUIRED, 3)})
    _sign_in(page, live_server, live_server.recruiter_email)
    page.goto(f"{live_server.url}/roles/{role.id}")
    ranking = page.get_by_role("table", name="Candidates ranked for Support analyst")
    expect(ranking.get_by_role("row")).to_have_count(4)

    ranking.get_by_role("button", name="Add Alan Turing to shortlist").click()

    remove = ranking.get_by_role("button", name="Remove Alan Turing from shortlist")
    expect(remove).to_be_visible()
    expect(remove).to_be_focused()
    expect(ranking.get_by_role("row")).to_have_count(4)
    expect(ranking.get_by_role("button", name="Add Ada Byron to shortlist")).to_be_visible()
    expect(ranking.get_by_role("button", name="Add Grace Hopper to shortlist")).to_be_visible()

    remove.click()
    add_again = ranking.get_by_role("button", name="Add Alan Turing to shortlist")
    expect(add_again).to_be_focused()
    expect(ranking.get_by_role("row")).to_have_count(4)


def test_a_role_without_skills_meets_nothing_and_ties_share_a_place(
    page: Page, live_server: LiveServer
) -> None:
    for name in ("Ada Byron", "Alan Turing"):
        candidate_service.create(_org(), name, [])
    role = _role("Untitled opening", {})
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/roles/{role.id}")
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(2)
    for n in range(2):
        expect(rows.nth(n)).not_to_contain_text("Meets all")
        expect(rows.nth(n)).to_contain_text("No skills set")
        expect(rows.nth(n).get_by_role("cell").first).to_have_text("1 (tied)")

    page.get_by_role("link", name="Alan Turing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alan Turing: 0.0 of 100")
    expect(page.get_by_text("Ranked 1 (tied) of 2")).to_be_visible()
    expect(page.get_by_text("Meets all required skills")).to_have_count(0)


def test_deleting_a_role_asks_for_confirmation_first(page: Page, live_server: LiveServer) -> None:
    role = _role("Night operator", {})
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/roles/{role.id}/edit")
    page.get_by_role("link", name="Delete this role…").click()
    expect(page.get_by_role("heading", name="Delete “Night operator”?")).to_be_visible()
    assert_accessible(page, "delete role confirmation")
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("heading", name="Edit role profile")).to_be_visible()
    assert RoleProfile.get_or_none(RoleProfile.id == role.id) is not None

    page.get_by_role("link", name="Delete this role…").click()
    page.get_by_role("button", name="Delete role").click()
    expect(page.get_by_role("heading", name="Roles", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Night operator")).to_have_count(0)


def test_adding_a_skill_again_under_an_alias_asks_before_changing_it(
    page: Page, live_server: LiveServer
) -> None:
    role = _role("Security analyst", {"cyber security": (Importance.REQUIRED, 5)})
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/roles/{role.id}/edit")
    skills = page.get_by_role("table", name="Skills of this role")
    page.get_by_label("Skill", exact=True).fill("IT security")
    page.get_by_label("Importance").select_option("preferred")
    page.get_by_label("Weight (1–5)").fill("1")
    page.get_by_role("button", name="Add skill").click()

    conflict = page.get_by_role("alert")
    expect(conflict).to_contain_text("“IT security” is cyber security")
    expect(conflict).to_contain_text("(required, weight 5). Nothing was changed.")
    expect(conflict).to_be_focused()
    expect(skills.get_by_role("row").filter(has_text="cyber security")).to_contain_text("required")
    assert_accessible(page, "skill conflict")

    page.get_by_role("button", name="Change cyber security to preferred, weight 1").click()
    row = skills.get_by_role("row").filter(has_text="cyber security")
    expect(row).to_contain_text("preferred")
    expect(row.get_by_role("cell").nth(2)).to_have_text("1")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_label("Skill", exact=True)).to_be_focused()


def test_removing_a_skill_moves_focus_to_the_skills_heading(
    page: Page, live_server: LiveServer
) -> None:
    role = _role("Helpdesk", {"customer service": (Importance.REQUIRED, 3)})
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/roles/{role.id}/edit")
    page.get_by_role("button", name="Remove customer service").click()
    expect(page.get_by_text("No skills yet.")).to_be_visible()
    expect(page.get_by_role("heading", name="Skills", exact=True)).to_be_focused()


def _candidate_with_a_badge(issuer: LocalIssuer) -> Candidate:
    candidate = candidate_service.create(_org(), "Grace Hopper", [DEFAULT_EMAIL])
    intake.add_urls(candidate, [issuer.hosted("valid").url])
    return candidate


def test_verify_links_without_a_link_keeps_the_list_and_the_text(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    candidate = _candidate_with_a_badge(issuer)
    _sign_in(page, live_server, live_server.recruiter_email)
    page.goto(f"{live_server.url}/candidates/{candidate.id}")
    shown = CandidatePage(page).wait_for("Grace Hopper")
    shown.expect_verdicts(["Verified"])

    page.get_by_label("Paste links").fill("see my badge on credly, thanks")
    page.get_by_role("button", name="Verify links").click()

    expect(page.get_by_role("alert")).to_have_text(
        "No link found in the text: badge links start with http:// or https://."
    )
    expect(page.get_by_label("Paste links")).to_have_value("see my badge on credly, thanks")
    expect(page.get_by_label("Paste links")).to_be_focused()
    shown.expect_verdicts(["Verified"])
    assert_accessible(page, "candidate page with a links error")


def test_verify_files_without_a_file_keeps_the_list_and_says_so(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    candidate = _candidate_with_a_badge(issuer)
    _sign_in(page, live_server, live_server.recruiter_email)
    page.goto(f"{live_server.url}/candidates/{candidate.id}")
    shown = CandidatePage(page).wait_for("Grace Hopper")
    shown.expect_verdicts(["Verified"])

    page.get_by_role("button", name="Verify files").click()

    expect(page.get_by_role("alert")).to_have_text("Choose at least one file first.")
    expect(page.get_by_label("Upload files")).to_be_focused()
    shown.expect_verdicts(["Verified"])


def test_search_ignores_accents_and_the_list_filters_by_credential(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    from tests.support.test_issuer import Case

    for name in ("José García", "Jürgen Müller", "Chloé Dubois"):
        candidate_service.create(_org(), name, [])
    grace = candidate_service.create(_org(), "Grace Hopper", [DEFAULT_EMAIL])
    (revoked,) = intake.add_urls(grace, [issuer.hosted("gone", Case.REVOKED).url])
    _wait_for_verdict(revoked.id, "revoked")
    _sign_in(page, live_server, live_server.recruiter_email)
    candidates = CandidatesPage(page).open()

    for typed, found in (
        ("garcia", "José García"),
        ("muller", "Jürgen Müller"),
        ("chloe", "Chloé Dubois"),
    ):
        candidates.page.get_by_role("searchbox", name="Search").fill(typed)
        expect(candidates.table().get_by_role("link")).to_have_text([found])
        expect(page.get_by_role("status")).to_contain_text(f"1 candidate matching “{typed}”")
    candidates.page.get_by_role("searchbox", name="Search").fill("")
    expect(candidates.table().get_by_role("link")).to_have_count(4)

    page.get_by_label("Verdict").select_option("Revoked")
    expect(candidates.table().get_by_role("link")).to_have_text(["Grace Hopper"], timeout=TIMEOUT)
    expect(page.get_by_role("status")).to_contain_text("1 candidate with these filters")
    assert "verdict=revoked" in page.url
    assert_accessible(page, "filtered candidate list")


def test_a_file_that_is_no_badge_is_refused_at_upload_in_plain_words(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    candidate = _candidate_with_a_badge(issuer)
    _sign_in(page, live_server, live_server.recruiter_email)
    page.goto(f"{live_server.url}/candidates/{candidate.id}")
    shown = CandidatePage(page).wait_for("Grace Hopper")
    shown.expect_verdicts(["Verified"])

    cv = {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%\xe2\xe3"}
    page.get_by_label("Upload files").set_input_files(cv)  # type: ignore[arg-type]
    page.get_by_role("button", name="Verify files").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "“cv.pdf” is not a digital badge: it is a PDF document."
    )
    shown.expect_verdicts(["Verified"])
    assert Credential.select().where(Credential.candidate == candidate).count() == 1


def test_a_credential_added_by_mistake_can_be_removed_with_a_reason(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    from app.models import AuditEntry
    from tests.support.test_issuer import Case

    candidate = candidate_service.create(_org(), "Grace Hopper", [DEFAULT_EMAIL])
    intake.add_urls(
        candidate, [issuer.hosted("valid").url, issuer.hosted("typo", Case.NOT_FOUND).url]
    )
    _sign_in(page, live_server, live_server.recruiter_email)
    page.goto(f"{live_server.url}/candidates/{candidate.id}")
    shown = CandidatePage(page).wait_for("Grace Hopper")
    shown.expect_verdicts(["Verified", "Not found at the issuer"])

    shown.open_credential(1)
    page.get_by_label("Reason").fill("Mistyped link")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove credential").click()

    shown.wait_for("Grace Hopper")
    expect(page.get_by_role("status").filter(has_text="Removed")).to_contain_text(
        "recorded in the audit trail"
    )
    shown.expect_verdicts(["Verified"])
    entry = AuditEntry.get(AuditEntry.action == "credential.removed")
    assert "reason: Mistyped link" in entry.detail and entry.actor.email == "recruiter@acme.test"
    assert_accessible(page, "candidate page after a removal")


def test_verdicts_and_checks_are_in_plain_words_with_details_one_click_away(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    from tests.support.test_issuer import Case

    broken = issuer.url("/broken.json")
    issuer._set(broken, b'{"@context": "https://w3id.org/openbadges/v2",, }', "application/json")
    candidate = candidate_service.create(_org(), "Grace Hopper", [DEFAULT_EMAIL])
    intake.add_urls(candidate, [issuer.hosted("typo", Case.NOT_FOUND).url, broken])
    _sign_in(page, live_server, live_server.recruiter_email)
    page.goto(f"{live_server.url}/candidates/{candidate.id}")
    shown = CandidatePage(page).wait_for("Grace Hopper")
    shown.expect_verdicts(["Not found at the issuer", "Invalid"])
    expect(shown.credential_rows().first).not_to_contain_text("Invalid")

    shown.open_credential_link(1)
    checks = CredentialPage(page).wait().checks()
    expect(checks.filter(has_text="Failed")).to_contain_text("not a readable badge")
    expect(page.get_by_text("line 1, column")).not_to_be_visible()
    page.get_by_text("Technical detail").click()
    expect(page.get_by_text("line 1, column")).to_be_visible()
    assert_accessible(page, "credential page with technical detail open")


def test_every_verdict_icon_is_drawn_not_left_to_a_font(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    from tests.support.test_issuer import Case

    candidate = candidate_service.create(_org(), "Grace Hopper", [DEFAULT_EMAIL])
    intake.add_urls(candidate, [issuer.hosted("old", Case.EXPIRED).url])
    _sign_in(page, live_server, live_server.recruiter_email)
    page.goto(f"{live_server.url}/candidates/{candidate.id}")
    shown = CandidatePage(page).wait_for("Grace Hopper")
    shown.expect_verdicts(["Expired"])
    icon = shown.credential_rows().first.locator(".verdict-expired svg.icon path")
    expect(icon).to_have_count(1)
    box = icon.bounding_box()
    assert box is not None and box["width"] > 4 and box["height"] > 4


def test_the_ranking_explanation_names_red_flags(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    from tests.support.test_issuer import Case

    zed = candidate_service.create(_org(), "Zed Robotics", [DEFAULT_EMAIL])
    revoked, borrowed = intake.add_urls(
        zed,
        [issuer.hosted("r1", Case.REVOKED).url, issuer.hosted("w1", Case.WRONG_RECIPIENT).url],
    )
    _wait_for_verdict(revoked.id, "revoked")
    _wait_for_verdict(borrowed.id, "recipient_mismatch")
    role = _role("Robotics engineer", {"Robot programming": (Importance.REQUIRED, 5)})
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/roles/{role.id}")
    row = page.locator("#ranking tbody tr").filter(has_text="Zed Robotics")
    expect(row).to_contain_text("Red flags: 2")

    row.get_by_role("link", name="Zed Robotics").click()
    expect(page.get_by_role("heading", name="Skill by skill")).to_be_visible()
    flags = page.get_by_role("region", name="Red flags")
    expect(flags.get_by_role("listitem")).to_have_count(2)
    expect(flags).to_contain_text("Revoked by its issuer")
    expect(flags).to_contain_text("Awarded to someone else, not to Zed Robotics")
    skill_row = page.get_by_role("row").filter(has_text="Robot programming")
    expect(skill_row).to_contain_text("Revoked by its issuer:")
    expect(skill_row).not_to_contain_text("No verified evidence")
    expect(page.get_by_text("Add verified evidence of Robot programming")).to_have_count(0)
    assert_accessible(page, "explanation with red flags")


def test_an_add_candidate_error_takes_the_focus_after_the_swap(
    page: Page, live_server: LiveServer
) -> None:
    _sign_in(page, live_server, live_server.recruiter_email)
    candidates = CandidatesPage(page).open()
    form = candidates.add_form()
    form.get_by_label("Name").fill("Bad Address")
    form.get_by_label("E-mail addresses").fill("not an address")
    form.get_by_role("button", name="Add candidate").click()
    expect(form.get_by_role("alert")).to_be_visible()
    expect(form.get_by_role("alert")).to_be_focused()
    expect(form.get_by_label("Name")).to_have_value("Bad Address")
