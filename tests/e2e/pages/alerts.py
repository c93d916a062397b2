"""Page object: the Alerts page and the unread count in the navigation."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class AlertsPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page, self.base_url = page, base_url

    def nav_link(self) -> Locator:
        return self.page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts")

    def open_from_navigation(self) -> AlertsPage:
        self.nav_link().click()
        return self

    def alerts(self) -> Locator:
        return self.page.get_by_role("listitem").filter(has=self.page.locator(".alert-message"))

    def acknowledge_first(self) -> None:
        self.page.get_by_role("button", name="Acknowledge this alert").first.click()
