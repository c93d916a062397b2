"""Page object: Settings → API tokens."""

from __future__ import annotations

from playwright.sync_api import Page, expect


class TokensPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def open_from_settings(self) -> TokensPage:
        self.page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Settings"
        ).click()
        self.page.get_by_role("navigation", name="Settings").get_by_role(
            "link", name="API tokens"
        ).click()
        expect(self.page.get_by_role("heading", name="API tokens")).to_be_visible()
        return self

    def create(self, name: str, scope_label: str) -> str:
        """Create a token and return the secret the page shows once."""
        self.page.get_by_label("Name (the system that will use it)").fill(name)
        self.page.get_by_label(scope_label).check()
        self.page.get_by_role("button", name="Create token").click()
        status = self.page.get_by_role("status")
        expect(status).to_contain_text(name)
        return status.locator("code").inner_text()

    def revoke(self, name: str) -> None:
        self.page.once("dialog", lambda dialog: dialog.accept())
        self.page.get_by_role("button", name=f"Revoke {name}").click()
        expect(self.page.get_by_role("row", name=name)).to_contain_text("revoked")
