"""Page object: Settings → Ranking policy."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class RankingPolicyPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def open_from_settings(self) -> RankingPolicyPage:
        self.page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Settings"
        ).click()
        self.page.get_by_role("navigation", name="Settings").get_by_role(
            "link", name="Ranking policy"
        ).click()
        expect(self.page.get_by_role("heading", name="Ranking policy")).to_be_visible()
        return self

    def count_issuer_pages(self) -> Locator:
        return self.page.get_by_label("Count issuer pages in rankings")

    def save(self) -> Locator:
        """Send the form (swapped in place by htmx) and return what the panel then says."""
        self.page.get_by_role("button", name="Save ranking policy").click()
        return self.page.locator("#ranking-panel").get_by_role("status")
