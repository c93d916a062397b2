"""Badge platforms' public profile and collection pages, and the badges their machine form lists.

A profile link is recognised by host and path only (never by fetching it), mapped to the JSON
document the platform publishes for it, and that document is read as hostile input: only
entries that the platform's own badge rules (app/verification/providers.py) accept become
badges, so a profile can never smuggle in a link to another site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app.verification import providers

MAX_PAGES = 10  # pages of one profile fetched at most
MAX_BADGES = 500  # badges taken from one profile at most
CREDLY = "Credly"
BADGR = "Canvas Credentials (Badgr)"
KINDS = {CREDLY: "profile", BADGR: "collection"}  # what each platform calls the page

_CREDLY_HOST = re.compile(r"(www\.)?credly\.com", re.IGNORECASE)
_CREDLY_PATH = re.compile(r"/users/(?P<slug>[A-Za-z0-9][A-Za-z0-9._-]{0,99})(/badges(\.json)?)?/?")
_BADGR_HOST = re.compile(
    r"([a-z0-9-]+\.)*(badgr\.io|badgr\.com)|badges\.parchment\.com", re.IGNORECASE
)
_BADGR_PATH = re.compile(r"/public/collections/(?P<slug>[A-Za-z0-9_-]{6,64})(\.json)?/?")


@dataclass(frozen=True, slots=True)
class ProfileMatch:
    """A recognised profile: whose platform, its handle there, and its machine-readable form."""

    provider: str
    kind: str  # "profile" or "collection", as the platform calls it
    handle: str
    machine_url: str

    @property
    def label(self) -> str:
        return f"{self.provider} {self.kind} {self.handle}"


@dataclass(frozen=True, slots=True)
class ProfilePage:
    """One page of a profile's machine form: its badge links and the next page, if any."""

    badges: tuple[str, ...]
    next_url: str | None = None
    total: int | None = None  # how many badges the platform says the profile holds


class ProfileFormatError(ValueError):
    """The document is not the machine form this platform publishes; the message says why."""


def match(url: str) -> ProfileMatch | None:
    """The profile behind a public profile or collection link, or None for any other link."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or port not in (None, 80, 443):
        return None
    if parts.username is not None or parts.password is not None:
        return None
    if _CREDLY_HOST.fullmatch(host) and (found := _CREDLY_PATH.fullmatch(parts.path)):
        slug = found["slug"]
        return ProfileMatch(CREDLY, kind_of(CREDLY), slug, _credly_page(slug))
    if _BADGR_HOST.fullmatch(host) and (found := _BADGR_PATH.fullmatch(parts.path)):
        slug = found["slug"]
        machine = f"https://{host}/public/collections/{slug}?v=2_0"
        return ProfileMatch(BADGR, kind_of(BADGR), slug, machine)
    return None


def kind_of(provider: str) -> str:
    """What the provider calls a public page of someone's badges."""
    return KINDS.get(provider, "profile")


def _credly_page(slug: str) -> str:
    return f"https://www.credly.com/users/{slug}/badges.json"


def read_page(profile: ProfileMatch, document: Any) -> ProfilePage:
    """The badge links one page of the profile's machine form lists (at most MAX_BADGES), and
    its next page; the caller stops after MAX_PAGES."""
    if not isinstance(document, dict):
        raise ProfileFormatError(f"the {profile.provider} answer is not a profile")
    if profile.provider == CREDLY:
        return _credly(profile, document)
    return _badgr(profile, document)


def _credly(profile: ProfileMatch, document: dict[str, Any]) -> ProfilePage:
    """Credly's `badges.json`: `data` lists badges (`id`, `public`), `metadata` paginates."""
    entries = document.get("data")
    if not isinstance(entries, list):
        raise ProfileFormatError("the Credly answer lists no badges")
    badges = []
    for entry in entries[:MAX_BADGES]:
        if not isinstance(entry, dict) or entry.get("public") is False:
            continue
        badge_id = entry.get("id")
        if isinstance(badge_id, str):
            badges.append(f"https://www.credly.com/badges/{badge_id}")
    metadata = document.get("metadata")
    meta = metadata if isinstance(metadata, dict) else {}
    return ProfilePage(
        _accepted(badges, CREDLY),
        _credly_next(profile, meta.get("next_page_url")),
        _count(meta.get("total_count")),
    )


def _credly_next(profile: ProfileMatch, next_url: object) -> str | None:
    """The next page only when it is this same profile's machine form on Credly, over https."""
    if not isinstance(next_url, str) or len(next_url) > 2000:
        return None
    try:
        parts = urlsplit(next_url)
    except ValueError:
        return None
    same = match(next_url)
    if parts.scheme != "https" or same is None or same.provider != CREDLY:
        return None
    if same.handle != profile.handle or not parts.path.endswith("/badges.json"):
        return None
    return next_url


def _badgr(profile: ProfileMatch, document: dict[str, Any]) -> ProfilePage:
    """A Badgr shared collection: `badges` lists assertions (objects with `id`, or their URLs)."""
    entries = document.get("badges")
    if not isinstance(entries, list):
        raise ProfileFormatError("the Canvas Credentials answer lists no badges")
    badges = []
    for entry in entries[:MAX_BADGES]:
        found = entry.get("id") if isinstance(entry, dict) else entry
        if isinstance(found, str) and len(found) <= 2000:
            badges.append(found)
    return ProfilePage(_accepted(badges, BADGR), None, len(entries))


def _accepted(urls: list[str], provider: str) -> tuple[str, ...]:
    """Those links that this provider's own badge rules map to an https assertion, once each."""
    kept: dict[str, str] = {}
    for url in urls:
        found = providers.match(url)
        if found is None or found.provider != provider or not url.lower().startswith("https://"):
            continue
        kept.setdefault(found.url, url)
    return tuple(kept.values())


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
