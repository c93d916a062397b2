"""A recruiter pastes a candidate's Credly profile link and watches one verified credential per
public badge appear, in a real browser; the profile is served over real TLS under Credly's own
host names by a loopback server (never the real site)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.pages.candidates import VERDICT_TIMEOUT, CandidatePage
from tests.e2e.test_candidates import signed_in
from tests.support.credly import CREDLY_HOSTS, CredlyProfile
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.provider_hosts import ProviderHosts

pytestmark = pytest.mark.e2e
ADA = "Credly profile ada-lovelace"


@pytest.fixture
def credly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProviderHosts]:
    with ProviderHosts(tmp_path, *CREDLY_HOSTS) as hosts:
        hosts.install(monkeypatch)
        yield hosts


def _candidate(page: Page, live_server: LiveServer) -> CandidatePage:
    return signed_in(page, live_server).add("Ada Lovelace", DEFAULT_EMAIL)


def test_importing_a_credly_profile_shows_one_verified_credential_per_public_badge(
    page: Page, live_server: LiveServer, credly: ProviderHosts
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    profile = CredlyProfile("ada-lovelace", badges=4, per_page=3, private={2}).serve(credly)
    candidate = _candidate(page, live_server)
    live_server.worker.pause()

    candidate.paste_links(f"Here is my Credly: {profile.url}")

    expect(candidate.notice()).to_contain_text(f"Reading {ADA}")
    expect(candidate.profile_row(ADA)).to_contain_text("waiting to be read…")
    live_server.worker.resume()
    expect(candidate.profile_row(ADA)).to_contain_text(
        "3 public badges found, 3 added.", timeout=VERDICT_TIMEOUT
    )
    candidate.expect_verdicts(["Verified"] * 3)
    for name in ("Cloud Practitioner", "Data Analytics Essentials", "Project Management"):
        expect(candidate.credentials()).to_contain_text(name)
    expect(candidate.credentials()).not_to_contain_text("Kubernetes")  # hidden on Credly
    expect(candidate.status()).to_contain_text("All verified", timeout=VERDICT_TIMEOUT)
    CredlyProfile("ada-lovelace", badges=5, per_page=3, private={2}).serve(credly)  # one more

    candidate.profile_row(ADA).get_by_role("button", name=f"Import again {ADA}").click()

    expect(candidate.notice()).to_have_text(f"Reading {ADA} again.")
    expect(candidate.profile_row(ADA)).to_contain_text(
        "4 public badges found, 1 added.", timeout=VERDICT_TIMEOUT
    )
    candidate.expect_verdicts(["Verified"] * 4)
    assert not errors


def test_a_private_profile_reads_plainly_and_can_be_retried_or_removed(
    page: Page, live_server: LiveServer, credly: ProviderHosts
) -> None:
    profile = CredlyProfile("ada-lovelace", badges=2).serve(credly, status=404)
    candidate = _candidate(page, live_server)

    candidate.paste_links(profile.url)

    row = candidate.profile_row(ADA)
    expect(row).to_contain_text(
        "could not be imported. This Credly profile is not public", timeout=VERDICT_TIMEOUT
    )
    expect(candidate.credentials()).to_have_count(0)
    profile.serve(credly)  # the candidate made it public
    candidate.retry_profile(ADA)
    expect(candidate.notice()).to_have_text(f"Reading {ADA} again.")
    candidate.expect_verdicts(["Verified"] * 2)
    expect(row).to_contain_text("2 public badges found, 2 added.", timeout=VERDICT_TIMEOUT)

    candidate.remove_profile(ADA)

    expect(candidate.notice()).to_have_text(f"Removed {ADA}.")
    expect(candidate.profile_rows()).to_have_count(0)
    candidate.expect_verdicts(["Verified"] * 2)  # the badges it brought stay
