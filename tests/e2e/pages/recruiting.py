"""Page objects for the worklist, a candidate's notes and identity flags, bulk actions,
evidence reports with share links, skills and the audit trail."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class WorklistPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self, base_url: str) -> WorklistPage:
        self.page.goto(base_url + "/")
        expect(self.page.get_by_role("heading", name="Worklist", level=1)).to_be_visible()
        return self

    def group(self, title: str) -> Locator:
        return self.page.get_by_role("region", name=title)


class CandidateTools:
    """The parts of a candidate page this work added: identity flag, notes, scores."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def conflict(self) -> Locator:
        return self.page.get_by_role("region", name="Identity conflict")

    def merge(self, other: str) -> None:
        self.page.once("dialog", lambda dialog: dialog.accept())
        self.conflict().get_by_role("button", name=f"Merge {other} into this candidate").click()

    def notes(self) -> Locator:
        return self.page.get_by_role("region", name="Notes")

    def add_note(self, text: str) -> None:
        self.notes().get_by_label("New note").fill(text)
        self.notes().get_by_role("button", name="Add note").click()

    def note_items(self) -> Locator:
        return self.notes().get_by_role("list", name="Notes on").get_by_role("listitem")

    def scores(self) -> Locator:
        return self.page.get_by_role("region", name="Scores across roles")


class BulkActions:
    def __init__(self, page: Page) -> None:
        self.page = page

    def tick(self, name: str) -> None:
        self.page.get_by_role("checkbox", name=f"Select {name}").check()

    def apply(self, action: str, role: str | None = None) -> None:
        form = self.page.get_by_role("form", name="Bulk actions")
        form.get_by_label("With the ticked candidates").select_option(label=action)
        if role:
            form.get_by_label("Role").select_option(label=role)
        form.get_by_role("button", name="Apply to ticked").click()


class ReportPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def share_region(self) -> Locator:
        return self.page.get_by_role("region", name="Share with a hiring manager")

    def create_link(self, days: str = "7 days") -> str:
        region = self.share_region()
        region.get_by_label("Valid for").select_option(label=days)
        region.get_by_role("button", name="Create share link").click()
        field = self.page.get_by_label("New link, shown once")
        expect(field).to_be_visible()
        return field.input_value()

    def links(self) -> Locator:
        return self.share_region().get_by_role("table", name="Share links").get_by_role("row")
