"""A revocation at the issuer reaches the recruiter as an alert, live, without a reload."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from app.models import Credential, Organization
from app.services import candidates as candidate_service
from app.services import intake, verification
from app.web import alerts as alerts_view
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import SignInPage
from tests.e2e.pages.alerts import AlertsPage
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import LocalIssuer

pytestmark = pytest.mark.e2e


def _wait_until_verified(credential_id: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while Credential.get_by_id(credential_id).verdict != "verified":
        assert time.monotonic() < deadline, "the first verification did not finish"
        time.sleep(0.1)


def test_a_revocation_appears_as_an_alert_and_the_unread_count_updates_without_reload(
    page: Page, live_server: LiveServer, issuer: LocalIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alerts_view, "POLL_SECONDS", 1)  # the navigation polls every second
    organization = Organization.by_slug("acme")
    assert organization is not None
    candidate = candidate_service.create(organization, "Beth Robotics", [DEFAULT_EMAIL])
    (credential,) = intake.add_urls(candidate, [issuer.hosted("a1").url])
    _wait_until_verified(credential.id)

    SignInPage(page, live_server.url).open().sign_in(
        live_server.recruiter_email, live_server.password
    )
    alerts = AlertsPage(page, live_server.url)
    expect(alerts.nav_link()).to_have_text("Alerts")
    page.evaluate("window.__marker = 'same page'")

    issuer.revoke("a1", "Awarded in error")
    verification.enqueue_all(organization.id)  # what the nightly pass does at 02:00

    expect(alerts.nav_link()).to_have_text("Alerts 1 unread", timeout=20_000)
    assert page.evaluate("window.__marker") == "same page"

    alerts.open_from_navigation()
    expect(alerts.alerts()).to_have_count(1)
    expect(alerts.alerts().first).to_contain_text("revoked by the issuer; it was verified")
    alerts.acknowledge_first()
    expect(page.get_by_role("heading", name="0 unread")).to_be_visible()
    expect(alerts.nav_link()).to_have_text("Alerts")
