"""A person signs in, sees the dashboard, and signs out, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.pages import Layout, SignInPage

pytestmark = pytest.mark.e2e


def test_admin_signs_in_sees_dashboard_and_signs_out(page: Page, live_server: LiveServer) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SignInPage(page, live_server.url).open().sign_in(live_server.admin_email, live_server.password)
    expect(page.get_by_role("heading", name="Worklist", level=1)).to_be_visible()
    expect(page.get_by_text("Acme Hiring:")).to_be_visible()
    layout = Layout(page)
    expect(layout.navigation().get_by_role("link", name="Settings")).to_be_visible()
    layout.sign_out()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/login"))
    assert not errors, errors  # no CSP violations or script errors


def test_failed_sign_in_shows_the_error(page: Page, live_server: LiveServer) -> None:
    sign_in = SignInPage(page, live_server.url).open()
    sign_in.sign_in(live_server.admin_email, "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("do not match an active account")
    expect(page.get_by_label("E-mail address")).to_have_value(live_server.admin_email)


def test_admin_adds_a_user_without_a_page_reload(page: Page, live_server: LiveServer) -> None:
    SignInPage(page, live_server.url).open().sign_in(live_server.admin_email, live_server.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.evaluate("window.__marker = 'same page'")
    page.get_by_label("E-mail address").fill("new.viewer@acme.test")
    page.get_by_label("Role", exact=True).select_option("viewer")
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_role("status")).to_contain_text("new.viewer@acme.test")
    assert page.evaluate("window.__marker") == "same page"


def test_recruiter_does_not_see_settings(page: Page, live_server: LiveServer) -> None:
    SignInPage(page, live_server.url).open().sign_in(
        live_server.recruiter_email, live_server.password
    )
    navigation = Layout(page).navigation()
    expect(navigation.get_by_role("link", name="Candidates")).to_be_visible()
    expect(navigation.get_by_role("link", name="Settings")).to_have_count(0)
