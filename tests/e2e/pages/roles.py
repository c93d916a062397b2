"""Page objects: role profiles, the ranking page and a candidate's explanation."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.e2e.pages import Layout


class RolesPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self) -> RolesPage:
        Layout(self.page).navigation().get_by_role("link", name="Roles").click()
        expect(self.page.get_by_role("heading", name="Roles", exact=True)).to_be_visible()
        return self

    def create(self, title: str) -> RoleEditPage:
        self.page.get_by_label("Title").fill(title)
        self.page.get_by_role("button", name="Create role").click()
        expect(self.page.get_by_role("heading", name="Edit role profile")).to_be_visible()
        return RoleEditPage(self.page)


class RoleEditPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def add_skill(self, name: str, importance: str, weight: int) -> None:
        self.page.get_by_label("Skill", exact=True).fill(name)
        self.page.get_by_label("Importance").select_option(importance)
        self.page.get_by_label("Weight (1–5)").fill(str(weight))
        self.page.get_by_role("button", name="Add skill").click()
        skills = self.page.get_by_role("table", name="Skills of this role")
        expect(skills.get_by_role("row").filter(has_text=name)).to_be_visible()

    def open_ranking(self, title: str) -> RankingPage:
        self.page.get_by_role("link", name=title).click()
        expect(self.page.get_by_role("heading", name=title)).to_be_visible()
        return RankingPage(self.page)


class RankingPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def rows(self) -> Locator:
        return self.page.locator("#ranking tbody tr")

    def explain(self, name: str) -> None:
        self.page.get_by_role("link", name=name, exact=True).click()
        expect(self.page.get_by_role("heading", name="Skill by skill")).to_be_visible()
