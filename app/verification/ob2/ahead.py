"""The documents an Open Badges 2.0 verification reads next, named by the raw document just
fetched: a hosted assertion names its BadgeClass, a signed badge its key, a BadgeClass its
issuer, an issuer its revocation list. `skillproof verify` fetches them while the verifier is
still loading (prefetch.Prefetching follows these links), so a badge's chain of fetches runs at
network speed instead of waiting for the code that reads it.

These rules only choose what to fetch early, exactly as the verifier will ask for it; they never
decide anything. A link they misread costs one request the verifier does not use. They follow
only what the verifier would follow from the same document. From a signed badge, whose token
anyone can write, they take only what the verifier fetches before checking its signature: its
key, and its BadgeClass when that lives on the key's own site (ob2/signed.py); the issuer and
revocation list after that are named by the BadgeClass, which that site serves, not by the
token.

Kept to the standard library's JSON and base64: this loads before the verifier does.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from app.verification.detect import JsonError, parse_json
from app.verification.fetcher import FetchResponse
from app.verification.prefetch import Link
from app.verification.weburl import same_origin

MAX_TOKEN_BYTES = 256 * 1024  # a compact JWS larger than this is read by the verifier alone


def from_credential(requested: str, response: FetchResponse) -> list[Link]:
    """A hosted assertion's BadgeClass; a signed badge's key, and its BadgeClass when on the
    key's site. Nothing for anything else (an OB 3.0 credential, a page, an error)."""
    if not response.ok:
        return []
    token = _signed_payload(response.content)
    if token is not None:
        return _signed_links(token)
    document = _json_object(response.content)
    if document is None or "credentialSubject" in document:
        return []
    # Only the assertion's own address vouches for it: a copy that names another address is
    # fetched from there first (ob2/hosted.py), and its links read from that copy.
    if document.get("id") not in (requested, response.url, *response.redirects):
        return []
    badge = _fetched_reference(document.get("badge"))
    return [(badge, False, from_badge_class)] if badge else []


def from_badge_class(requested: str, response: FetchResponse) -> list[Link]:
    """The issuer's profile, which is read from its own address even when embedded."""
    document = _json_object(response.content) if response.ok else None
    issuer = _web_id(document.get("issuer")) if document is not None else None
    return [(issuer, False, from_issuer)] if issuer else []


def from_issuer(requested: str, response: FetchResponse) -> list[Link]:
    """The issuer's revocation list (revalidated on every check), unless it is embedded."""
    document = _json_object(response.content) if response.ok else None
    listing = document.get("revocationList") if document is not None else None
    if isinstance(listing, Mapping) and "revokedAssertions" in listing:
        return []
    url = _web_id(listing)
    return [(url, True, None)] if url else []


def _signed_links(assertion: Mapping[str, Any]) -> list[Link]:
    block = assertion.get("verification", assertion.get("verify"))
    key = _web_id(block.get("creator")) if isinstance(block, Mapping) else None
    if key is None:
        return []  # the verifier reads the issuer first to find the key: nothing to guess
    badge = assertion.get("badge")
    links: list[Link] = [(key, False, None)]
    if isinstance(badge, str) and _is_web(badge) and same_origin(badge, key):
        links.append((badge, False, from_badge_class))
    return links


def _signed_payload(content: bytes) -> dict[str, Any] | None:
    """The JSON object a compact JWS carries, unverified; None for anything else."""
    if len(content) > MAX_TOKEN_BYTES or content[:1] == b"{":
        return None
    parts = content.strip().split(b".")
    if len(parts) != 3 or not parts[1]:
        return None
    try:
        payload = base64.urlsafe_b64decode(parts[1] + b"=" * (-len(parts[1]) % 4))
    except (binascii.Error, ValueError):
        return None
    return _json_object(payload)


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        value = parse_json(content)
    except JsonError:
        return None
    return value if isinstance(value, dict) else None


def _fetched_reference(value: Any) -> str | None:
    """The address of a node the verifier fetches: a link, or an object that is only an id."""
    if isinstance(value, Mapping) and any(k not in ("id", "@context") for k in value):
        return None  # embedded: read where it stands
    return _web_id(value)


def _web_id(value: Any) -> str | None:
    ref = value.get("id") if isinstance(value, Mapping) else value
    return ref if isinstance(ref, str) and _is_web(ref) else None


def _is_web(value: str) -> bool:
    return len(value) <= 2048 and value.startswith(("https://", "http://"))
