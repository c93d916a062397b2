"""The issuer's RevocationList for signed assertions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from app.verification.ob2.documents import fetch_object
from app.verification.ob2.model import node_id, type_problem
from app.verification.ob2.session import Session
from app.verification.result import Verdict

CHECK = "revocation"


def check_revocation_list(
    session: Session, issuer: Mapping[str, Any], assertion: Mapping[str, Any]
) -> None:
    """Fail with `revoked` when the issuer's revocation list names this assertion."""
    ref = issuer.get("revocationList")
    if ref is None:
        session.skip(CHECK, "the issuer publishes no revocation list")
        return
    url = node_id(ref)
    if isinstance(ref, Mapping) and "revokedAssertions" in ref:
        listing, where = ref, None
    elif url is None:
        session.halt(CHECK, "the issuer's revocation list has no address", Verdict.INVALID)
    else:
        listing, response = fetch_object(
            session,
            url,
            check_id=CHECK,
            what="the issuer's revocation list",
            revalidate=True,
            other_origin=True,  # judged below by the site that served it
        )
        where = response.url
    _check_listing(session, listing, assertion, issuer, where)


def _check_listing(
    session: Session,
    listing: Mapping[str, Any],
    assertion: Mapping[str, Any],
    issuer: Mapping[str, Any],
    where: str | None,
) -> None:
    if type_problem(listing, ("RevocationList",)):
        session.warn(CHECK, "the issuer's revocation list does not say it is a RevocationList")
    entries = listing.get("revokedAssertions", [])
    entries = entries if isinstance(entries, list) else [entries]
    found = next((e for e in entries if _names(e, assertion)), None)
    if found is not None:
        session.fail(CHECK, _revoked_detail(found), Verdict.REVOKED)
    elif where and _host(where) != _host(node_id(issuer) or ""):
        session.warn(
            CHECK,
            "not on the issuer's revocation list, but that list is served from another site"
            f" ({_host(where)})",
        )
    else:
        session.passed(CHECK, "not on the issuer's revocation list")


def _names(entry: Any, assertion: Mapping[str, Any]) -> bool:
    own = {v for v in (assertion.get("id"), assertion.get("uid")) if isinstance(v, str) and v}
    if isinstance(entry, str):
        return entry in own
    if isinstance(entry, Mapping):
        return any(isinstance(entry.get(k), str) and entry[k] in own for k in ("id", "uid"))
    return False


def _revoked_detail(entry: Any) -> str:
    reason = entry.get("revocationReason") if isinstance(entry, Mapping) else None
    detail = "the issuer revoked this badge (it is on the issuer's revocation list)"
    return (
        f"{detail}; reason: {reason[:300]}"
        if isinstance(reason, str) and reason.strip()
        else detail
    )


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
