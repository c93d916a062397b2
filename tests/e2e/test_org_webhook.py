"""An admin sets up the organisation's webhook and reads its delivery log, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.models import Alert, Organization
from app.services import candidates as candidate_service
from app.services import intake
from jobs import worker
from tests.e2e.conftest import LiveServer
from tests.e2e.pages import Layout, SignInPage
from tests.e2e.test_accessibility import assert_accessible
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.e2e


def test_admin_sets_a_webhook_after_a_refused_address_and_sees_a_delivery(
    page: Page, live_server: LiveServer
) -> None:
    SignInPage(page, live_server.url).open().sign_in(live_server.admin_email, live_server.password)
    Layout(page).navigation().get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Webhook").click()
    expect(page.get_by_text("No deliveries yet.")).to_be_visible()
    page.get_by_label("Receiver address").fill("ftp://ats.example/hook")
    page.get_by_role("button", name="Save webhook").click()
    expect(page.get_by_role("alert")).to_contain_text("starting with https://")
    with WebhookReceiver() as receiver:
        page.get_by_label("Receiver address").fill(receiver.url())
        page.get_by_role("button", name="Save webhook").click()
        status = page.get_by_role("status")
        expect(status).to_contain_text(f"Alerts now go to {receiver.url()}")
        secret = status.locator("code").inner_text()
        assert len(secret) >= 32
        organization = Organization.get(Organization.slug == "acme")
        candidate = candidate_service.create(organization, "Ada", ["ada@example.com"])
        (credential,) = intake.add_urls(candidate, ["https://issuer.example/badge/1"])
        Alert.create(
            organization=organization,
            credential=credential,
            kind="changed",
            key="k",
            message="Cloud Practitioner of Ada is now revoked by the issuer.",
        )
        assert worker.notify(live_server.worker.settings) == 1
    page.reload()
    row = page.get_by_role("row", name="Cloud Practitioner of Ada")
    expect(row).to_contain_text("sent")
    expect(row).to_contain_text("HTTP 204")
    assert_accessible(page, "webhook settings with a delivery")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove webhook").click()
    expect(page.get_by_role("heading", name="Set up a webhook")).to_be_visible()
