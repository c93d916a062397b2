"""Driving a page with the keyboard alone: Tab to a control, type, press Enter."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

MAX_TABS = 60


class KeyboardUser:
    """A person who never touches the mouse."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def tab_to(self, target: Locator) -> None:
        """Press Tab until `target` has the focus; fail if it is never reached."""
        expect(target).to_be_visible()
        for _ in range(MAX_TABS):
            if target.evaluate("element => element === document.activeElement"):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{target} cannot be reached with the Tab key")

    def fill(self, target: Locator, text: str) -> None:
        self.tab_to(target)
        self.page.keyboard.type(text)

    def activate(self, target: Locator) -> None:
        self.tab_to(target)
        self.page.keyboard.press("Enter")
