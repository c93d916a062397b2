"""Page objects for invite links: the recruiter's invite panel and the candidate's portal."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.e2e.pages.candidates import VERDICT_TIMEOUT


class InvitePanel:
    """The "Invite to add credentials" panel of a candidate page."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def region(self) -> Locator:
        return self.page.get_by_role("region", name="Invite to add credentials")

    def create(self, days: int = 14) -> str:
        """Create an invite and return the link shown once."""
        link = self.region().get_by_label("Invite link, shown once: copy it now")
        before = link.input_value() if link.count() else ""
        self.region().get_by_label("Valid for (days)").fill(str(days))
        self.region().get_by_role("button", name="Create").click()
        expect(link).to_be_visible()
        expect(link).not_to_have_value(before)  # the new link, not one shown before
        return link.input_value()

    def send(self, email: str, days: int = 14) -> None:
        """Create an invite and have it e-mailed to `email`."""
        self.region().get_by_label("Valid for (days)").fill(str(days))
        self.region().get_by_label("E-mail it to").fill(email)
        self.region().get_by_role("button", name="Create").click()
        expect(self.region().get_by_role("status").first).to_have_text(f"E-mailed to {email}.")

    def invites(self) -> Locator:
        return self.region().get_by_role("table", name="Invite links").get_by_role("row")

    def revoke(self) -> None:
        self.region().get_by_role("button", name="Revoke").click()
        expect(self.invites().nth(1)).to_contain_text("revoked")


class PortalPage:
    """What the candidate sees through their invite link, without an account."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self, link: str, employer: str) -> PortalPage:
        self.page.goto(link)
        expect(self.heading(employer)).to_be_visible()
        return self

    def heading(self, employer: str) -> Locator:
        return self.page.get_by_role("heading", name=f"{employer} asks for your digital badges")

    def privacy_notice(self) -> Locator:
        return self.page.get_by_role("region", name="Before you add anything")

    def consent(self) -> PortalPage:
        self.page.get_by_role("button", name="I agree, continue").click()
        expect(self.add_region()).to_be_visible()
        return self

    def add_region(self) -> Locator:
        return self.page.get_by_role("region", name="Add your badges")

    def paste(self, text: str) -> None:
        self.add_region().get_by_label("Badge links").fill(text)
        self.add_region().get_by_role("button", name="Add links").click()

    def upload(self, name: str, data: bytes, mime: str = "application/octet-stream") -> None:
        files = {"name": name, "mimeType": mime, "buffer": data}
        self.add_region().get_by_label("Badge files").set_input_files(files)  # type: ignore[arg-type]
        self.add_region().get_by_role("button", name="Add files").click()

    def status(self) -> Locator:
        return self.page.locator("#intake-region").get_by_role("status")

    def profile_rows(self) -> Locator:
        return self.page.get_by_role("list", name="Your profile links").get_by_role("listitem")

    def error(self) -> Locator:
        return self.add_region().get_by_role("alert")

    def rows(self) -> Locator:
        table = self.page.get_by_role("table", name="Your credentials")
        return table.get_by_role("row").filter(has=self.page.get_by_role("cell"))

    def expect_results(self, results: list[str]) -> None:
        expect(self.rows()).to_have_count(len(results), timeout=VERDICT_TIMEOUT)
        for index, result in enumerate(results):
            expect(self.rows().nth(index)).to_contain_text(result, timeout=VERDICT_TIMEOUT)
