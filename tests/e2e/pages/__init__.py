"""Page objects: what a person sees and does, by role and label."""

from __future__ import annotations

from playwright.sync_api import Page, expect


class SignInPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page, self.base_url = page, base_url

    def open(self) -> SignInPage:
        self.page.goto(f"{self.base_url}/login")
        expect(self.page.get_by_role("heading", name="Sign in")).to_be_visible()
        return self

    def sign_in(self, email: str, password: str) -> None:
        self.page.get_by_label("E-mail address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()

    def error(self) -> str:
        return self.page.get_by_role("alert").inner_text()


class Layout:
    def __init__(self, page: Page) -> None:
        self.page = page

    def navigation(self):  # type: ignore[no-untyped-def]
        return self.page.get_by_role("navigation", name="Main")

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
