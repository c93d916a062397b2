"""Page objects for the recruiter dashboard: candidates, a candidate, a credential, CSV import."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.e2e.pages import Layout

VERDICT_TIMEOUT = 15_000  # ms: the worker polls every 0.1 s, the page every second


class CandidatesPage:
    """The candidates list with its search and the add-a-candidate form."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self) -> CandidatesPage:
        Layout(self.page).navigation().get_by_role("link", name="Candidates").click()
        expect(self.heading()).to_be_visible()
        return self

    def heading(self) -> Locator:
        return self.page.get_by_role("heading", name="Candidates", level=1)

    def add_form(self) -> Locator:
        return self.page.get_by_role("region", name="Add a candidate")

    def add(self, name: str, emails: str = "", links: str = "") -> CandidatePage:
        form = self.add_form()
        form.get_by_label("Name").fill(name)
        form.get_by_label("E-mail addresses").fill(emails)
        form.get_by_label("Badge links").fill(links)
        form.get_by_role("button", name="Add candidate").click()
        return CandidatePage(self.page).wait_for(name)

    def table(self) -> Locator:
        return self.page.get_by_role("table", name="Candidates")

    def row(self, name: str) -> Locator:
        return (
            self.table()
            .get_by_role("row")
            .filter(has=self.page.get_by_role("link", name=name, exact=True))
        )

    def import_csv(self) -> ImportPage:
        self.page.get_by_role("link", name="Import CSV").click()
        return ImportPage(self.page).wait()


class CandidatePage:
    """One candidate: facts, the credentials table that updates itself, and intake forms."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def wait_for(self, name: str) -> CandidatePage:
        expect(self.page.get_by_role("heading", name=name, level=1)).to_be_visible()
        return self

    def credentials(self) -> Locator:
        return self.page.get_by_role("table", name="Credentials of")

    def credential_rows(self) -> Locator:
        return self.credentials().get_by_role("row").filter(has=self.page.get_by_role("cell"))

    def status(self) -> Locator:
        return self.page.locator("#candidate-state")

    def warning_signs(self) -> Locator:
        """The fraud signals panel (absent when there are none)."""
        return self.page.get_by_role("region", name="Warning signs")

    def expect_verdicts(self, verdicts: list[str]) -> None:
        """Wait until the credential rows, in order, show these verdicts."""
        rows = self.credential_rows()
        expect(rows).to_have_count(len(verdicts), timeout=VERDICT_TIMEOUT)
        for index, verdict in enumerate(verdicts):
            expect(rows.nth(index)).to_contain_text(verdict, timeout=VERDICT_TIMEOUT)

    def paste_links(self, text: str) -> None:
        """Paste text into the intake form and send it (swapped in place by htmx)."""
        self.page.get_by_label("Paste links").fill(text)
        self.page.get_by_role("button", name="Verify links").click()

    def profile_rows(self) -> Locator:
        """The profile links (Credly profiles, Badgr collections) and how their import went."""
        return self.page.get_by_role("list", name="Profile links").get_by_role("listitem")

    def profile_row(self, label: str) -> Locator:
        return self.profile_rows().filter(has=self.page.get_by_role("link", name=label))

    def remove_profile(self, label: str) -> None:
        self.profile_row(label).get_by_role("button", name=f"Remove {label}").click()

    def retry_profile(self, label: str) -> None:
        self.profile_row(label).get_by_role("button", name=f"Try again {label}").click()

    def notice(self) -> Locator:
        return self.page.locator("#credentials-region").get_by_role("status")

    def intake_error(self) -> Locator:
        return self.page.locator("#credentials-region").get_by_role("alert")

    def open_credential_link(self, row: int = 0) -> None:
        self.credential_rows().nth(row).get_by_role("link").click()

    def open_credential(self, row: int = 0) -> CredentialPage:
        """Open a verified credential's page and wait for its checks."""
        self.open_credential_link(row)
        return CredentialPage(self.page).wait()


class CredentialPage:
    """What we checked about one credential."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def wait(self) -> CredentialPage:
        expect(self.authenticity()).to_be_visible(timeout=VERDICT_TIMEOUT)
        return self

    def title(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    def authenticity(self) -> Locator:
        return self.page.get_by_role("region", name="Is it authentic?")

    def ownership(self) -> Locator:
        return self.page.get_by_role("region", name="Does it belong to")

    def checks(self) -> Locator:
        return self.authenticity().get_by_role("listitem")

    def history(self) -> Locator:
        return self.page.get_by_role("table", name="Verification history")


class ImportPage:
    """CSV upload, the preview of every row, then the import's progress."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def wait(self) -> ImportPage:
        expect(self.page.get_by_role("heading", name="Import candidates from CSV")).to_be_visible()
        return self

    def preview(self, filename: str, text: str) -> Locator:
        """Choose the file, ask for the preview, and return its status line."""
        payload = {"name": filename, "mimeType": "text/csv", "buffer": text.encode()}
        self.page.get_by_label("CSV file").set_input_files(payload)  # type: ignore[arg-type]
        self.page.get_by_role("button", name="Preview").click()
        preview = self.page.get_by_role("region", name="Preview")
        expect(preview).to_be_visible()
        return preview.get_by_role("status")

    def start(self, count: int) -> None:
        label = f"Import {count} candidate{'s' if count != 1 else ''}"
        self.page.get_by_role("button", name=label).click()
        expect(self.page.get_by_role("heading", name="Verification")).to_be_visible()

    def progress_bar(self) -> Locator:
        return self.page.get_by_role("progressbar", name="Verified so far")

    def progress_status(self) -> Locator:
        return self.page.get_by_role("region", name="Verification").get_by_role("status")
