"""Page object: the portal's "Present from a wallet" section."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class WalletSection:
    """The candidate's wallet exchange: its request link, and a box to paste a presentation."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def region(self) -> Locator:
        return self.page.get_by_role("region", name="Present from a wallet")

    def open(self) -> WalletSection:
        self.region().get_by_role("button", name="Present from a wallet").click()
        expect(self.request_link()).to_be_visible()
        return self

    def request_link(self) -> Locator:
        return self.region().get_by_label("Request link for your wallet")

    def exchange_url(self) -> str:
        return self.request_link().input_value()

    def paste(self, presentation: str) -> None:
        box = self.region().get_by_label("Or paste the presentation your wallet produced")
        box.fill(presentation)
        self.region().get_by_role("button", name="Check presentation").click()

    def outcome(self) -> Locator:
        return self.region().get_by_role("status")

    def error(self) -> Locator:
        return self.region().get_by_role("alert")
