"""Page objects: changing one's password, and resetting a forgotten one."""

from __future__ import annotations

from playwright.sync_api import Page, expect


class ChangePasswordPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def open_from_header(self) -> ChangePasswordPage:
        self.page.get_by_role("link", name="Password", exact=True).click()
        expect(self.page.get_by_role("heading", name="Change your password")).to_be_visible()
        return self

    def change(self, current: str, new: str, confirm: str | None = None) -> None:
        self.page.get_by_label("Current password").fill(current)
        self.page.get_by_label("New password (at least 12 characters)").fill(new)
        self.page.get_by_label("New password, again").fill(new if confirm is None else confirm)
        self.page.get_by_role("button", name="Change password").click()


class ResetPasswordPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def ask_for_link(self, email: str) -> None:
        self.page.get_by_role("link", name="Forgot your password?").click()
        # The sign-in page has an "E-mail address" too: fill only once the swap is done.
        expect(self.page.get_by_role("heading", name="Forgot your password")).to_be_visible()
        self.page.get_by_label("E-mail address").fill(email)
        self.page.get_by_role("button", name="Send me a link").click()

    def choose(self, new: str, confirm: str | None = None) -> None:
        self.page.get_by_label("New password (at least 12 characters)").fill(new)
        self.page.get_by_label("New password, again").fill(new if confirm is None else confirm)
        self.page.get_by_role("button", name="Save the new password").click()
