"""Passwords and sessions in a real browser: change, admin reset, reset by e-mail, sign-out."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from app.models import Role
from tests.conftest import make_settings
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import Layout, SignInPage
from tests.e2e.pages.account import ChangePasswordPage, ResetPasswordPage
from tests.e2e.test_accessibility import assert_accessible
from tests.support.builders import DEFAULT_PASSWORD, build_org, build_user
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "a-brand-new-long-passphrase"


@dataclass
class MailServer:
    url: str
    smtp: SmtpServer


@pytest.fixture
def mail_server(tmp_path: Path) -> Iterator[MailServer]:
    """A live server that sends e-mail to a loopback SMTP server."""
    from app import create_app, db

    with SmtpServer() as smtp:
        settings = make_settings(
            f"sqlite:///{tmp_path / 'mail.db'}",
            smtp_host=smtp.host,
            smtp_port=smtp.port,
            smtp_from="skillproof@acme.test",
            smtp_starttls=False,
        )
        app = create_app(settings)
        db.migrate()
        build_user(build_org("Acme Hiring", "acme"), "ada@acme.test", Role.RECRUITER)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield MailServer(f"http://127.0.0.1:{server.port}", smtp)
        finally:
            server.shutdown()
            thread.join(timeout=5)


def _sign_out(page: Page) -> None:
    """Sign out and wait for it: a new page opened sooner races the session being cleared."""
    Layout(page).sign_out()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_user_changes_their_password_after_a_wrong_first_try(
    page: Page, live_server: LiveServer
) -> None:
    SignInPage(page, live_server.url).open().sign_in(live_server.recruiter_email, DEFAULT_PASSWORD)
    account = ChangePasswordPage(page).open_from_header()
    account.change("not-my-password", NEW_PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("Your current password is not correct.")
    assert_accessible(page, "change password, with its error")
    account.change(DEFAULT_PASSWORD, NEW_PASSWORD)
    expect(page.get_by_role("status")).to_contain_text("Your password was changed")
    _sign_out(page)
    SignInPage(page, live_server.url).open().sign_in(live_server.recruiter_email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible()


def test_an_admin_resets_a_password_and_the_user_signs_in_with_it(
    page: Page, live_server: LiveServer
) -> None:
    SignInPage(page, live_server.url).open().sign_in(live_server.admin_email, DEFAULT_PASSWORD)
    Layout(page).navigation().get_by_role("link", name="Settings").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Reset password of {live_server.recruiter_email}").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text(f"New password for {live_server.recruiter_email}")
    password = status.locator("code").inner_text()
    _sign_out(page)
    sign_in = SignInPage(page, live_server.url).open()
    sign_in.sign_in(live_server.recruiter_email, DEFAULT_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("do not match an active account")
    sign_in.sign_in(live_server.recruiter_email, password)
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible()


def test_a_forgotten_password_is_reset_from_the_emailed_link(
    page: Page, mail_server: MailServer
) -> None:
    reset = ResetPasswordPage(page)
    SignInPage(page, mail_server.url).open()
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    assert_accessible(page, "sign in with reset by e-mail")
    reset.ask_for_link("ada@acme.test")
    expect(page.get_by_role("status")).to_contain_text("a link to choose a new password")
    found = re.search(
        r"http://\S+/password/reset/\S+", mail_server.smtp.next_message().get_content()
    )
    assert found
    page.goto(found.group(0))
    reset.choose(NEW_PASSWORD, "not-the-same-password")
    expect(page.get_by_role("alert")).to_have_text("The new password and its confirmation differ.")
    assert_accessible(page, "choose a new password, with its error")
    reset.choose(NEW_PASSWORD)
    expect(page.get_by_role("status")).to_have_text(
        "Your password was changed. Sign in with the new one."
    )
    SignInPage(page, mail_server.url).sign_in("ada@acme.test", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible()


def test_a_copied_session_cookie_is_useless_after_sign_out(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    SignInPage(page, live_server.url).open().sign_in(live_server.admin_email, DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible()
    other = browser.new_context()
    other.add_cookies(page.context.cookies())
    stolen = other.new_page()
    stolen.goto(live_server.url + "/candidates/")
    expect(stolen.get_by_role("heading", name="Candidates")).to_be_visible()
    _sign_out(page)
    stolen.goto(live_server.url + "/candidates/")
    expect(stolen.get_by_role("heading", name="Sign in")).to_be_visible()
    other.close()
