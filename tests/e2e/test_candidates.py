"""A recruiter adds candidates with badges and watches them verified live, in a real browser."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Dialog, Page, expect

from app.models import Credential, CredentialStatus, Organization
from app.services import candidates as candidate_service
from app.services import intake
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.candidates import VERDICT_TIMEOUT, CandidatePage, CandidatesPage
from tests.e2e.pages.keyboard import KeyboardUser
from tests.e2e.test_recruiter_tools import assert_fits_phone
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import Case, LocalIssuer

pytestmark = pytest.mark.e2e

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" viewBox="0 0 40 40">'
    b"<script>alert(1)</script>"
    b'<rect width="40" height="40" fill="#0a0" onload="alert(1)" onclick="alert(1)"/>'
    b'<a href="javascript:alert(1)"><text x="4" y="24">hi</text></a>'
    b"</svg>"
)


def signed_in(page: Page, live_server: LiveServer) -> CandidatesPage:
    SignInPage(page, live_server.url).open().sign_in(
        live_server.recruiter_email, live_server.password
    )
    return CandidatesPage(page).open()


def hostile_badge(issuer: LocalIssuer) -> str:
    """A valid hosted badge whose BadgeClass name is markup and whose image is a scripted SVG."""
    image = issuer.url("/badges/hostile.svg")
    badge_class = issuer.kit.badge_class(
        id=issuer.url("/badges/hostile.json"), name=HOSTILE_NAME, image=image
    )
    issuer.server.route(
        "/badges/hostile.json",
        body=json.dumps(badge_class).encode(),
        headers={"content-type": "application/ld+json"},
    )
    issuer.server.route(
        "/badges/hostile.svg", body=HOSTILE_SVG, headers={"content-type": "image/svg+xml"}
    )
    return issuer.hosted("hostile", badge=badge_class["id"]).url


def test_verdicts_replace_verifying_without_a_reload(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    valid = issuer.hosted("valid")
    revoked = issuer.hosted("revoked", Case.REVOKED)
    tampered = issuer.signed("tampered", Case.TAMPERED)
    candidates = signed_in(page, live_server)
    live_server.worker.pause()
    links = f"Her badges: {valid.url}, {revoked.url} and {tampered.url}."
    candidate = candidates.add("Grace Hopper", DEFAULT_EMAIL, links)
    candidate.expect_verdicts(["Verifying…"] * 3)
    expect(candidate.status()).to_contain_text("Verifying…")
    page.evaluate("window.__marker = 'same page'")

    live_server.worker.resume()

    candidate.expect_verdicts(["Verified", "Revoked", "Invalid"])
    expect(candidate.status()).to_contain_text("Needs attention")
    assert page.evaluate("window.__marker") == "same page"
    credential = candidate.open_credential(0)
    expect(credential.title()).to_have_text("Robotics Fundamentals")
    expect(credential.checks().filter(has_text="Passed")).not_to_have_count(0)
    expect(credential.checks().filter(has_text="Failed")).to_have_count(0)
    expect(credential.ownership()).to_contain_text("Yes:")
    expect(credential.history()).to_contain_text("Verified")
    assert not errors, errors


def test_status_catches_up_when_it_is_refreshed_after_the_last_verdict(
    page: Page, live_server: LiveServer
) -> None:
    live_server.worker.pause()
    organization = Organization.by_slug("acme")
    assert organization is not None
    candidate = candidate_service.create(organization, "Late State", [DEFAULT_EMAIL])
    (credential,) = intake.add_urls(candidate, ["https://badges.example/assertions/1.json"])
    candidate_service.refresh_state(candidate.id)
    # As the worker leaves it for a moment: the verdict stored, the candidate's state not yet.
    Credential.update(status=CredentialStatus.DONE.value, verdict="verified").where(
        Credential.id == credential.id
    ).execute()
    SignInPage(page, live_server.url).open().sign_in(
        live_server.recruiter_email, live_server.password
    )
    CandidatesPage(page).open().row("Late State").get_by_role("link").click()
    shown = CandidatePage(page).wait_for("Late State")
    shown.expect_verdicts(["Verified"])
    expect(shown.status()).to_contain_text("Verifying…")

    candidate_service.refresh_state(candidate.id)

    expect(shown.status()).to_contain_text("All verified")


def test_revoked_and_tampered_credentials_show_the_failed_check(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    revoked = issuer.hosted("revoked", Case.REVOKED)
    tampered = issuer.signed("tampered", Case.TAMPERED)
    candidate = signed_in(page, live_server).add(
        "Alan Turing", DEFAULT_EMAIL, f"{revoked.url}\n{tampered.url}"
    )
    candidate.expect_verdicts(["Revoked", "Invalid"])

    credential = candidate.open_credential(0)
    expect(credential.page.get_by_role("heading", level=1).locator("..")).to_contain_text("Revoked")
    expect(credential.checks().filter(has_text="Failed")).not_to_have_count(0)
    page.go_back()
    credential = CandidatePage(page).wait_for("Alan Turing").open_credential(1)
    expect(credential.checks().filter(has_text="Failed")).not_to_have_count(0)


def test_hostile_badge_name_and_image_stay_inert(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    link = hostile_badge(issuer)
    candidate = signed_in(page, live_server).add("Mallory", DEFAULT_EMAIL, link)
    candidate.expect_verdicts(["Verified"])
    expect(candidate.credentials().get_by_role("link", name=HOSTILE_NAME)).to_be_visible()
    expect(page.locator("img[src='x']")).to_have_count(0)

    credential = candidate.open_credential(0)
    expect(credential.title()).to_have_text(HOSTILE_NAME)
    image = page.get_by_role("img", name=f"Badge image of {HOSTILE_NAME}")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the image did not load"
    expect(page.locator("img[src='x']")).to_have_count(0)
    assert issuer.requests_to("/badges/hostile.svg"), "the verifier never fetched the image"
    served = page.request.get(live_server.url + str(image.get_attribute("src")))
    assert served.headers["content-type"].startswith("image/svg+xml")
    assert b"script" not in served.body() and b"alert" not in served.body()

    page.goto(str(served.url))  # even opened on its own, the image runs nothing
    page.wait_for_load_state("load")
    assert dialogs == []


def test_main_flow_with_the_keyboard_alone(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    valid = issuer.hosted("valid")
    keys = KeyboardUser(page)
    page.goto(f"{live_server.url}/login")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    keys.fill(page.get_by_label("E-mail address"), live_server.recruiter_email)
    keys.fill(page.get_by_label("Password"), live_server.password)
    page.keyboard.press("Enter")
    navigation = page.get_by_role("navigation", name="Main")
    keys.activate(navigation.get_by_role("link", name="Candidates"))
    candidates = CandidatesPage(page)
    expect(candidates.heading()).to_be_visible()

    form = candidates.add_form()
    keys.fill(form.get_by_label("Name"), "Katherine Johnson")
    keys.fill(form.get_by_label("E-mail addresses"), DEFAULT_EMAIL)
    keys.fill(form.get_by_label("Badge links"), valid.url)
    keys.activate(form.get_by_role("button", name="Add candidate"))
    candidate = CandidatePage(page).wait_for("Katherine Johnson")
    candidate.expect_verdicts(["Verified"])

    keys.activate(candidate.credential_rows().first.get_by_role("link"))
    expect(page.get_by_role("region", name="Is it authentic?")).to_be_visible(
        timeout=VERDICT_TIMEOUT
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Robotics Fundamentals")


def test_the_issuer_filter_lists_each_issuer_and_narrows_the_list_to_its_holders(
    page: Page, live_server: LiveServer, issuer: LocalIssuer
) -> None:
    with LocalIssuer(name="Bright Data School") as other:
        listed = signed_in(page, live_server)
        ada = listed.add("Ada Lovelace", DEFAULT_EMAIL, issuer.hosted("filter-ada").url)
        ada.expect_verdicts(["Verified"])
        listed = CandidatesPage(page).open()
        bo_badge = other.hosted("filter-bo", email="bo@example.com").url
        bo = listed.add("Bo Jensen", "bo@example.com", bo_badge)
        bo.expect_verdicts(["Verified"])

        listed = CandidatesPage(page).open()
        choices = page.get_by_label("Issuer", exact=True)
        expect(choices.get_by_role("option")).to_have_text(
            ["Any issuer", "Bright Data School", issuer.kit.name]
        )
        choices.select_option("Bright Data School")
        page.get_by_role("button", name="Apply", exact=True).click()

        expect(listed.row("Bo Jensen")).to_be_visible()
        expect(listed.row("Ada Lovelace")).to_have_count(0)
        expect(page.get_by_label("Issuer", exact=True)).to_have_value("Bright Data School")
        assert_fits_phone(page, "candidate list filtered by issuer")
