"""Profile links are recognised by host and path only, and their machine form is hostile input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.verification import profiles, providers
from app.verification.profiles import BADGR, CREDLY, ProfileFormatError, match, read_page
from app.verification.result import Verdict
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.credly import CredlyProfile
from tests.support.fakes import FakeFetcher

UUID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
ADA = match("https://www.credly.com/users/ada-lovelace/badges")


@pytest.mark.parametrize(
    ("url", "provider", "handle", "machine"),
    [
        pytest.param(
            "https://www.credly.com/users/ada-lovelace/badges",
            CREDLY,
            "ada-lovelace",
            "https://www.credly.com/users/ada-lovelace/badges.json",
            id="credly-badges",
        ),
        pytest.param(
            "https://credly.com/users/ada-lovelace/badges.json",
            CREDLY,
            "ada-lovelace",
            "https://www.credly.com/users/ada-lovelace/badges.json",
            id="credly-machine-form",
        ),
        pytest.param(
            "https://WWW.CREDLY.COM/users/ada.lovelace/",
            CREDLY,
            "ada.lovelace",
            "https://www.credly.com/users/ada.lovelace/badges.json",
            id="credly-profile-root-upper-case-host",
        ),
        pytest.param(
            "https://www.credly.com/users/ada-lovelace/badges?sort=most_popular&page=1",
            CREDLY,
            "ada-lovelace",
            "https://www.credly.com/users/ada-lovelace/badges.json",
            id="credly-with-query",
        ),
        pytest.param(
            "https://badgr.com/public/collections/0123456789abcdef0123456789abcdef",
            BADGR,
            "0123456789abcdef0123456789abcdef",
            "https://badgr.com/public/collections/0123456789abcdef0123456789abcdef?v=2_0",
            id="badgr-collection",
        ),
        pytest.param(
            "https://api.eu.badgr.io/public/collections/abcdef123456",
            BADGR,
            "abcdef123456",
            "https://api.eu.badgr.io/public/collections/abcdef123456?v=2_0",
            id="badgr-regional",
        ),
        pytest.param(
            "https://badges.parchment.com/public/collections/abcdef123456.json",
            BADGR,
            "abcdef123456",
            "https://badges.parchment.com/public/collections/abcdef123456?v=2_0",
            id="canvas-credentials",
        ),
    ],
)
def test_a_profile_link_is_recognised_by_host_and_path(
    url: str, provider: str, handle: str, machine: str
) -> None:
    found = match(url)
    assert found is not None
    assert (found.provider, found.handle, found.machine_url) == (provider, handle, machine)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://www.credly.com.evil.example/users/ada/badges", id="suffix-lookalike"),
        pytest.param("https://evilcredly.com/users/ada/badges", id="prefix-lookalike"),
        pytest.param("https://credly.com@evil.example/users/ada/badges", id="userinfo-trick"),
        pytest.param("https://ada@www.credly.com/users/ada/badges", id="userinfo"),
        pytest.param("https://www.credly.com:8443/users/ada/badges", id="odd-port"),
        pytest.param("ftp://www.credly.com/users/ada/badges", id="not-web"),
        pytest.param(f"https://www.credly.com/badges/{UUID}", id="single-badge"),
        pytest.param("https://www.credly.com/users/ada/badges/extra", id="deeper-path"),
        pytest.param("https://www.credly.com/users/../admin/badges", id="dot-dot"),
        pytest.param("https://www.credly.com/org/acme/badge/robotics", id="badge-template"),
        pytest.param(
            "https://badgr.com.evil.example/public/collections/abcdef123456", id="badgr-ish"
        ),
        pytest.param("https://badgr.com/public/assertions/abcdef123456", id="badgr-assertion"),
        pytest.param("https://www.credential.net/profile/ada/wallet", id="accredible-wallet"),
        pytest.param("https://[::1/users/ada/badges", id="broken-url"),
        pytest.param("https://example.com/users/ada/badges", id="other-site"),
    ],
)
def test_anything_else_is_no_profile(url: str) -> None:
    assert match(url) is None


def test_a_credly_page_lists_its_public_badges_as_credly_badge_pages() -> None:
    assert ADA is not None
    shown = CredlyProfile("ada-lovelace", badges=3, private={1})
    page = read_page(ADA, shown.page(1))
    assert page.badges == tuple(f"https://www.credly.com/badges/{b}" for b in shown.public_ids)
    assert page.next_url is None
    assert page.total == 3


def test_the_next_page_is_followed_only_on_the_same_profile() -> None:
    assert ADA is not None
    document = CredlyProfile("ada-lovelace", badges=5, per_page=2).page(1)
    assert read_page(ADA, document).next_url == (
        "https://www.credly.com/users/ada-lovelace/badges.json?page=2"
    )
    for elsewhere in (
        "https://evil.example/users/ada-lovelace/badges.json?page=2",
        "http://www.credly.com/users/ada-lovelace/badges.json?page=2",
        "https://www.credly.com/users/someone-else/badges.json?page=2",
        "https://www.credly.com/users/ada-lovelace/badges?page=2",
        ["not", "a", "url"],
    ):
        document["metadata"]["next_page_url"] = elsewhere
        assert read_page(ADA, document).next_url is None, elsewhere


def test_a_huge_page_is_capped_and_duplicates_merged() -> None:
    assert ADA is not None
    entries = [{"id": f"{n:08x}-4e5f-4a6b-8c7d-9e0f1a2b3c4d"} for n in range(2000)]
    entries += [{"id": entries[0]["id"].upper()}]
    page = read_page(ADA, {"data": entries})
    assert len(page.badges) == profiles.MAX_BADGES


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param({"id": 12345}, id="number-id"),
        pytest.param({"id": ["a"]}, id="list-id"),
        pytest.param({"id": "not-a-uuid"}, id="not-a-uuid"),
        pytest.param({"id": "../../users/x"}, id="path-trick"),
        pytest.param({"id": f"{UUID}/../../evil"}, id="uuid-then-path"),
        pytest.param({"id": UUID, "public": False}, id="hidden"),
        pytest.param("https://evil.example/badge.json", id="bare-url"),
        pytest.param(None, id="null"),
    ],
)
def test_a_hostile_credly_entry_becomes_no_badge(entry: Any) -> None:
    assert ADA is not None
    assert read_page(ADA, {"data": [entry]}).badges == ()


@pytest.mark.parametrize(
    "document",
    [
        pytest.param([], id="a-list"),
        pytest.param({"data": "lots"}, id="data-not-a-list"),
        pytest.param({"error": "not found"}, id="no-data"),
        pytest.param("<html>", id="a-string"),
    ],
)
def test_a_document_that_is_no_profile_is_a_named_error(document: Any) -> None:
    assert ADA is not None
    with pytest.raises(ProfileFormatError):
        read_page(ADA, document)


def test_a_badgr_collection_keeps_only_badgr_assertions() -> None:
    found = match("https://badgr.com/public/collections/abcdef123456")
    assert found is not None
    own = "https://api.badgr.io/public/assertions/AbCdEf123456?v=2_0"
    document = {
        "type": "Collection",
        "badges": [
            {"id": own},
            "https://api.badgr.io/public/assertions/ZyXwVu987654",
            {"id": "https://evil.example/public/assertions/abcdef123456"},
            {"id": "http://api.badgr.io/public/assertions/plainhttp123"},
            {"id": 7},
        ],
    }
    page = read_page(found, document)
    assert page.badges == (own, "https://api.badgr.io/public/assertions/ZyXwVu987654")
    assert page.next_url is None


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=60)
    | st.sampled_from(
        [
            UUID,
            f"https://www.credly.com/badges/{UUID}",
            "https://api.badgr.io/public/assertions/AbCdEf123456",
            "https://evil.example/x",
            "https://www.credly.com/users/ada-lovelace/badges.json?page=2",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(
            st.sampled_from(["data", "metadata", "badges", "id", "public", "next_page_url", "x"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=100, deadline=None)
@given(document=JSON_VALUES, collection=st.booleans())
def test_any_json_is_a_page_of_the_platforms_own_badges_or_a_named_error(
    document: Any, collection: bool
) -> None:
    profile = match(
        "https://badgr.com/public/collections/abcdef123456"
        if collection
        else "https://www.credly.com/users/ada-lovelace/badges"
    )
    assert profile is not None
    try:
        page = read_page(profile, document)
    except ProfileFormatError:
        return
    for badge in page.badges:
        found = providers.match(badge)
        assert found is not None and found.provider == profile.provider
        assert badge.startswith("https://")
    assert page.next_url is None or page.next_url.startswith(
        "https://www.credly.com/users/ada-lovelace/badges.json"
    )


def test_verifying_a_profile_link_names_it_and_fetches_nothing() -> None:
    fetcher = FakeFetcher()
    result = verify(
        Source.from_url("https://www.credly.com/users/ada-lovelace/badges"),
        fetcher=fetcher,
        now=datetime(2025, 1, 1, tzinfo=UTC),
    )
    assert result.verdict is Verdict.UNSUPPORTED
    assert result.format == "profile"
    assert "is a Credly profile ada-lovelace: it holds many badges" in result.checks[-1].detail
    assert fetcher.requests == []
