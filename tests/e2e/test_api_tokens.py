"""An admin creates an API token for their ATS, the API answers it, then it is revoked."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.tokens import TokensPage
from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.e2e


def _api_status(base_url: str, secret: str) -> int:
    request = urllib.request.Request(
        f"{base_url}/api/v1/candidates", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            json.load(response)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_admin_creates_uses_and_revokes_a_token(page: Page, live_server: LiveServer) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SignInPage(page, live_server.url).open().sign_in(live_server.admin_email, live_server.password)
    tokens = TokensPage(page).open_from_settings()
    secret = tokens.create("Greenhouse", "Read only")
    assert secret.startswith("sp_")
    assert_accessible(page, "API tokens")
    assert _api_status(live_server.url, secret) == 200
    tokens.revoke("Greenhouse")
    assert _api_status(live_server.url, secret) == 401
    page.reload()
    expect(page.get_by_text(secret)).to_have_count(0)  # shown once, never again
    assert not errors, errors


def test_the_api_reference_is_readable_without_signing_in(
    page: Page, live_server: LiveServer
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_role("heading", name="Skillproof API")).to_be_visible()
    assert_accessible(page, "API reference")
    page.get_by_role("link", name="POST /verify", exact=True).click()
    expect(page.get_by_role("heading", name="POST /api/v1/verify")).to_be_in_viewport()
    assert not errors, errors  # nothing blocked by the self-only CSP
