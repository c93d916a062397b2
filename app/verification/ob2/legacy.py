"""Open Badges 0.5 and 1.x: recognised, and 1.x read as 2.0 the way 1EdTech's validator does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.verification.ob2.model import V1_CONTEXTS, context_urls, ob_version

OB05_DETAIL = "an Open Badges 0.5 badge (2012): it carries no way to check it with its issuer"
SIGNED_1X_DETAIL = "an Open Badges 1.0 signed badge: this older signature format is not supported"


def is_ob05(doc: Mapping[str, Any]) -> bool:
    """OB 0.5: a plain recipient string and an embedded badge whose issuer has an `origin`."""
    badge = doc.get("badge")
    issuer = badge.get("issuer") if isinstance(badge, Mapping) else None
    return "@context" not in doc and isinstance(issuer, Mapping) and "origin" in issuer


def is_legacy(doc: Mapping[str, Any]) -> bool:
    """OB 1.0 (no context, a `verify` object) or OB 1.1 (the v1 context)."""
    if (
        any(isinstance(c, str) and c in V1_CONTEXTS for c in context_urls(doc))
        and ob_version(doc) != "v2"
    ):
        return True
    return "@context" not in doc and isinstance(doc.get("verify"), Mapping)


def verification_type(doc: Mapping[str, Any]) -> str:
    """'hosted' or 'signed' (or what else the badge says), from `verification` or 1.x `verify`."""
    block = doc.get("verification", doc.get("verify"))
    kind = block.get("type") if isinstance(block, Mapping) else None
    name = str(kind).strip() if kind is not None else "hosted"
    return {"HostedBadge": "hosted", "SignedBadge": "signed"}.get(name, name).lower()


def upgrade(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A 1.x assertion in 2.0 terms: `verify.url` becomes the id of a hosted assertion."""
    data = dict(doc)
    verify = doc.get("verify")
    if isinstance(verify, Mapping):
        if "id" not in data and isinstance(verify.get("url"), str):
            data["id"] = verify["url"]
        data.setdefault("verification", {"type": verification_type(doc)})
    data.setdefault("type", "Assertion")
    return data


def hosted_url(doc: Mapping[str, Any]) -> Any:
    """Where the issuer hosts this assertion: its `id`, or 1.0's `verify.url`."""
    verify = doc.get("verify")
    if isinstance(verify, Mapping) and isinstance(verify.get("url"), str):
        return doc.get("id", verify["url"])
    return doc.get("id")
