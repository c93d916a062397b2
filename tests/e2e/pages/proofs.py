"""Page objects for ownership: the admin's share for unproven credentials, and the candidate's
"Prove your e-mail" section of the invite portal."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect


class IssuerTrustPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page, self.base_url = page, base_url

    def open(self) -> IssuerTrustPage:
        self.page.goto(f"{self.base_url}/issuers/")
        expect(self.page.get_by_role("heading", name="Issuer trust", exact=True)).to_be_visible()
        return self

    def count_unproven_at(self, share: str) -> None:
        self.page.get_by_label("Count matched or unchecked credentials at").select_option(
            label=share
        )
        section = self.page.get_by_role("region", name="Credentials the candidate has not proven")
        section.get_by_role("button", name="Save").click()

    def unproven_share(self) -> Locator:
        return self.page.get_by_label("Count matched or unchecked credentials at")


class EmailProofSection:
    """The portal's "Prove your e-mail address" section."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = page.get_by_role("region", name="Prove your e-mail address")

    def send_code(self, address: str) -> None:
        name = re.compile(rf"^Send (a new )?code to {re.escape(address)}$")
        self.root.get_by_role("button", name=name).click()

    def send_code_to_typed(self, address: str) -> None:
        self.root.get_by_label("The address your badge was sent to").fill(address)
        self.root.get_by_role("button", name="Send a code to this address").click()

    def enter_code(self, address: str, code: str) -> None:
        self.root.get_by_label(f"code sent to {address}").fill(code)
        self.root.get_by_role("button", name=f"Confirm {address}").click()

    def code_field(self, address: str) -> Locator:
        return self.root.get_by_label(f"code sent to {address}")

    def alert(self) -> Locator:
        return self.root.get_by_role("alert")

    def status(self) -> Locator:
        return self.root.get_by_role("status")
