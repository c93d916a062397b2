"""Provider badge pages mapped to the Open Badges documents behind them."""

from __future__ import annotations

import pytest

from app.verification.providers import match, provider_name

UUID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
CREDLY_API = f"https://api.credly.com/v1/obi/v2/badge_assertions/{UUID}"
BADGR_ID = "Hx9bYq2mT0eKq1w8ZpQd3A"


@pytest.mark.parametrize(
    ("url", "provider", "endpoint"),
    [
        pytest.param(f"https://www.credly.com/badges/{UUID}", "Credly", CREDLY_API, id="credly"),
        pytest.param(
            f"https://credly.com/badges/{UUID}/public_url",
            "Credly",
            CREDLY_API,
            id="credly-public-url",
        ),
        pytest.param(
            f"https://www.credly.com/badges/{UUID}/embed", "Credly", CREDLY_API, id="credly-embed"
        ),
        pytest.param(
            f"https://www.credly.com/badges/{UUID.upper()}/linked_in_profile",
            "Credly",
            CREDLY_API,
            id="credly-linkedin-uppercase",
        ),
        pytest.param(
            f"https://www.youracclaim.com/badges/{UUID}", "Credly", CREDLY_API, id="acclaim-legacy"
        ),
        pytest.param(
            f"https://www.credly.com/earner/earned/badge/{UUID}",
            None,
            None,
            id="credly-unknown-path",
        ),
        pytest.param(CREDLY_API, "Credly", CREDLY_API, id="credly-api-itself"),
        pytest.param(
            f"https://api.badgr.io/public/assertions/{BADGR_ID}",
            "Canvas Credentials (Badgr)",
            f"https://api.badgr.io/public/assertions/{BADGR_ID}?v=2_0",
            id="badgr-api",
        ),
        pytest.param(
            f"https://api.eu.badgr.io/public/assertions/{BADGR_ID}.json?identity__email=a@b.c",
            "Canvas Credentials (Badgr)",
            f"https://api.eu.badgr.io/public/assertions/{BADGR_ID}?v=2_0",
            id="badgr-eu-json-suffix",
        ),
        pytest.param(
            f"https://badgr.com/public/assertions/{BADGR_ID}",
            "Canvas Credentials (Badgr)",
            f"https://badgr.com/public/assertions/{BADGR_ID}?v=2_0",
            id="badgr-com",
        ),
        pytest.param(
            f"https://badges.parchment.com/public/assertions/{BADGR_ID}?embedVersion=1",
            "Canvas Credentials (Badgr)",
            f"https://badges.parchment.com/public/assertions/{BADGR_ID}?v=2_0",
            id="parchment",
        ),
        pytest.param(
            f"https://www.credential.net/{UUID}",
            "Accredible",
            f"https://api.accredible.com/v1/obi/badge_assertions/{UUID}",
            id="accredible",
        ),
        pytest.param(
            f"https://skillshop.credential.net/verify/{UUID}",
            "Accredible",
            f"https://api.accredible.com/v1/obi/badge_assertions/{UUID}",
            id="accredible-subdomain-verify",
        ),
        pytest.param(
            "https://openbadgefactory.com/v1/assertion/ab12cd34ef56gh78",
            "Open Badge Factory",
            "https://openbadgefactory.com/v1/assertion/ab12cd34ef56gh78.json",
            id="obf",
        ),
        pytest.param(
            f"https://credly.com.evil.example/badges/{UUID}", None, None, id="lookalike-host"
        ),
        pytest.param(f"ftp://www.credly.com/badges/{UUID}", None, None, id="not-http"),
        pytest.param("https://issuer.example/assertions/1.json", None, None, id="unknown-host"),
        pytest.param("http://[::1", None, None, id="unparsable"),
    ],
)
def test_provider_urls_map_to_their_open_badges_endpoint(
    url: str, provider: str | None, endpoint: str | None
) -> None:
    found = match(url)
    assert (found.provider if found else None, found.url if found else None) == (provider, endpoint)


def test_badgr_assertion_is_also_known_without_its_version_query() -> None:
    found = match(f"https://api.badgr.io/public/assertions/{BADGR_ID}")
    assert found is not None
    assert found.aliases == (f"https://api.badgr.io/public/assertions/{BADGR_ID}",)


def test_provider_is_named_even_for_pages_it_cannot_map() -> None:
    assert provider_name("https://www.credly.com/users/someone") == "Credly"
    assert provider_name("https://example.com/") is None
