"""Badge platforms' human pages mapped to the machine-readable Open Badges documents behind them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_ENTITY = r"[A-Za-z0-9_-]{6,64}"


@dataclass(frozen=True, slots=True)
class ProviderMatch:
    """Where the assertion behind a provider's page is fetched, and other names of that URL."""

    provider: str
    url: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Rule:
    provider: str
    host: re.Pattern[str]
    path: re.Pattern[str]
    endpoint: Callable[[str, re.Match[str]], str]


def _credly(host: str, m: re.Match[str]) -> str:
    return f"https://api.credly.com/v1/obi/v2/badge_assertions/{m['id'].lower()}"


def _acclaim_legacy(host: str, m: re.Match[str]) -> str:
    return f"https://{host}/v1/obi/badge_assertions/{m['id'].lower()}"


def _badgr(host: str, m: re.Match[str]) -> str:
    # badgr-server answers JSON (OB 2.0 with ?v=2_0) unless Accept asks for HTML.
    return f"https://{host}/public/assertions/{m['id']}?v=2_0"


def _accredible(host: str, m: re.Match[str]) -> str:
    return f"https://api.accredible.com/v1/obi/badge_assertions/{m['id'].lower()}"


def _obf(host: str, m: re.Match[str]) -> str:
    return f"https://{host}/v1/assertion/{m['id']}.json"


def _host(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_RULES: tuple[_Rule, ...] = (
    _Rule(
        "Credly",
        _host(r"(www\.)?(credly|youracclaim)\.com"),
        re.compile(
            rf"/(earner/earned/)?badges/(?P<id>{_UUID})(/(public_url|embed|linked_in_profile|linked_in))?/?"
        ),
        _credly,
    ),
    _Rule(
        "Credly",
        _host(r"api\.credly\.com"),
        re.compile(rf"/v1/obi/v2/badge_assertions/(?P<id>{_UUID})(\.json)?/?"),
        _credly,
    ),
    _Rule(
        "Acclaim (Credly)",
        _host(r"(sandbox-)?api\.youracclaim\.com"),
        re.compile(rf"/v1/obi/badge_assertions/(?P<id>{_UUID})/?"),
        _acclaim_legacy,
    ),
    _Rule(
        "Canvas Credentials (Badgr)",
        _host(r"([a-z0-9-]+\.)*(badgr\.io|badgr\.com)|badges\.parchment\.com"),
        re.compile(rf"/public/assertions/(?P<id>{_ENTITY}?)(\.json)?/?"),
        _badgr,
    ),
    _Rule(
        "Accredible",
        _host(r"([a-z0-9-]+\.)*credential\.net"),
        re.compile(rf"/(verify/)?(?P<id>{_UUID})/?"),
        _accredible,
    ),
    _Rule(
        "Accredible",
        _host(r"api\.accredible\.com"),
        re.compile(rf"/v1/obi/badge_assertions/(?P<id>{_UUID})/?"),
        _accredible,
    ),
    _Rule(
        "Open Badge Factory",
        _host(r"(www\.)?openbadgefactory\.com"),
        re.compile(r"/v1/assertion/(?P<id>[A-Za-z0-9]{8,64})(\.json)?/?"),
        _obf,
    ),
)


def match(url: str) -> ProviderMatch | None:
    """The machine-readable assertion behind a known provider's badge URL, or None."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    for rule in _RULES:
        found = rule.path.fullmatch(parts.path) if rule.host.fullmatch(host) else None
        if found:
            endpoint = rule.endpoint(host, found)
            # The query only picks a representation; the assertion's id is the bare URL.
            aliases = (endpoint.split("?", 1)[0],) if "?" in endpoint else ()
            return ProviderMatch(rule.provider, endpoint, aliases)
    return None


def provider_name(url: str) -> str | None:
    """The provider a URL's host belongs to, even when its path is not a badge we can map."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    return next((r.provider for r in _RULES if r.host.fullmatch(host)), None)
