"""Checks that hosted and signed Open Badges share: structure, linked nodes, dates, recipient."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.verification.dates import DateError, format_date, parse_date
from app.verification.ob2.documents import fetch_object, is_web_url, same_host
from app.verification.ob2.model import (
    achievement_of,
    issuer_of,
    node_id,
    ob_version,
    skills_of,
    type_problem,
)
from app.verification.ob2.session import Session
from app.verification.recipient import RecipientError, check_recipient
from app.verification.result import RecipientStatus, Verdict


@dataclass(frozen=True, slots=True)
class Node:
    """A badge, issuer or key node, and the URL it was fetched from (None when embedded)."""

    data: Mapping[str, Any]
    url: str | None = None


def check_structure(
    session: Session, assertion: Mapping[str, Any], *, legacy: bool = False
) -> None:
    """The assertion names the Open Badges context and says it is an Assertion."""
    version = ob_version(assertion)
    if legacy:
        session.passed("context", "an Open Badges 1.x assertion, read as Open Badges 2.0")
    elif version == "v2":
        session.passed("context", "uses the Open Badges 2.0 vocabulary")
    else:
        session.halt(
            "context",
            "does not use the Open Badges 2.0 vocabulary (its @context is missing or unknown)",
            Verdict.INVALID,
        )
    problem = type_problem(assertion, ("Assertion",))
    if problem and not legacy:
        session.halt("type", f"the badge {problem}", Verdict.INVALID)
    session.passed("type", "an Open Badges assertion")


def resolve(
    session: Session,
    ref: Any,
    *,
    check_id: str,
    what: str,
    expected: tuple[str, ...],
    legacy: bool = False,
    own_copy: bool = False,
) -> Node:
    """An embedded node, or the node fetched from its IRI; its type must be one of `expected`.

    With `own_copy`, an embedded node that has a web address is read from that address instead:
    an issuer's profile (its keys, its hosting policy) counts only as the issuer serves it.
    """
    embedded = isinstance(ref, Mapping) and _is_embedded(ref)
    if embedded and not (own_copy and is_web_url(node_id(ref))):
        node = Node(ref)
    elif isinstance(url := node_id(ref), str):
        node = _fetch_node(session, url, check_id=check_id, what=what, legacy=legacy)
    else:
        session.halt(check_id, f"the badge does not name {what}", Verdict.INVALID)
    problem = type_problem(node.data, expected)
    if problem and not (legacy and "type" not in node.data):
        session.halt(check_id, f"{what} {problem}", Verdict.INVALID)
    return node


def _is_embedded(node: Mapping[str, Any]) -> bool:
    return any(k not in ("id", "@context") for k in node)


def _fetch_node(session: Session, url: str, *, check_id: str, what: str, legacy: bool) -> Node:
    """A fetched node; one that calls itself by another site's address is read from there."""
    data, response = fetch_object(session, url, check_id=check_id, what=what)
    if not legacy and ob_version(data) is None:
        session.warn(check_id, f"{what} does not name the Open Badges 2.0 context")
    own = node_id(data)
    if (legacy and own is None) or own in (url, response.url, *response.redirects):
        return Node(data, response.url)
    if not is_web_url(own) or same_host(str(own), response.url):
        session.warn(check_id, f"{what} fetched from {url} calls itself {str(own)[:200]}")
        return Node(data, response.url)
    # Another site's name: only that site can vouch for it (an issuer cannot be impersonated).
    data, again = fetch_object(session, str(own), check_id=check_id, what=what)
    if node_id(data) not in (own, again.url, *again.redirects):
        detail = f"{what} at {url} claims to be {own}, which does not confirm it"
        session.halt(check_id, detail, Verdict.INVALID)
    return Node(data, again.url)


def check_image(session: Session, assertion: Mapping[str, Any], *, legacy: bool = False) -> None:
    """An awarded badge's own image must be a link (OB 2.0 forbids data URIs there)."""
    image = assertion.get("image")
    image = image.get("id") if isinstance(image, Mapping) else image
    if not legacy and isinstance(image, str) and image.strip().lower().startswith("data:"):
        detail = "the awarded badge's image is embedded as data; Open Badges 2.0 requires a link"
        session.fail("image", detail, Verdict.INVALID)


def check_dates(session: Session, assertion: Mapping[str, Any], *, legacy: bool = False) -> None:
    """issuedOn must have passed, expires must not have."""
    issued = _date(session, assertion, "issuedOn", "issued-on", legacy=legacy)
    if issued is None:
        session.fail("issued-on", "the badge has no issue date", Verdict.INVALID)
    elif issued > session.now:
        session.fail(
            "issued-on", f"issued on a future date ({format_date(issued)})", Verdict.NOT_YET_VALID
        )
    else:
        session.passed("issued-on", f"issued on {format_date(issued)}")
    expires = _date(session, assertion, "expires", "expiry", legacy=legacy)
    if expires is None:
        session.passed("expiry", "does not expire")
    elif issued and expires < issued:
        session.fail("expiry", "the badge expires before it was issued", Verdict.INVALID)
    elif expires <= session.now:
        session.fail("expiry", f"expired on {format_date(expires)}", Verdict.EXPIRED)
    else:
        session.passed("expiry", f"valid until {format_date(expires)}")
    session.issued_on, session.expires = issued, expires


def _date(
    session: Session, node: Mapping[str, Any], key: str, check_id: str, *, legacy: bool
) -> datetime | None:
    value = node.get(key)
    if value is None and legacy:
        value = node.get({"issuedOn": "issued_on", "expires": "expires"}[key])
    if value is None:
        return None
    try:
        return parse_date(value, allow_timestamp=legacy)
    except DateError as exc:
        session.halt(check_id, f"the badge's {key} date cannot be read ({exc})", Verdict.INVALID)


def check_recipient_of(session: Session, assertion: Mapping[str, Any]) -> None:
    """Compare the recipient with the candidate's addresses; only a mismatch changes the verdict."""
    if isinstance(assertion.get("recipient"), str):  # only OB 0.5 allowed a bare string
        detail = (
            "the badge names its recipient as plain text; "
            "Open Badges 1.0 and later need an identity object"
        )
        session.halt("recipient", detail, Verdict.INVALID)
    try:
        outcome = check_recipient(
            assertion.get("recipient"), session.emails, salt=assertion.get("salt")
        )
    except RecipientError as exc:
        session.halt("recipient", str(exc), Verdict.INVALID)
    session.recipient = outcome
    if outcome.status is RecipientStatus.MATCHED:
        session.passed("recipient", outcome.detail)
    elif outcome.status is RecipientStatus.MISMATCH:
        session.fail("recipient", outcome.detail, Verdict.RECIPIENT_MISMATCH)
    elif outcome.status is RecipientStatus.NOT_CHECKABLE:
        session.warn("recipient", outcome.detail)
    else:
        session.skip("recipient", outcome.detail)


def collect_evidence(
    session: Session, assertion: Mapping[str, Any], badge: Node, issuer: Node
) -> None:
    """What the badge says, for display and ranking."""
    session.credential_id = node_id(assertion)
    session.subject_name = recipient_name(assertion)
    session.achievement = achievement_of(badge.data)
    session.skills = skills_of(badge.data)
    found = issuer_of(issuer.data)
    if found.id is None and issuer.url:
        found = issuer_of({**issuer.data, "id": issuer.url})
    session.issuer = found
    if session.achievement.image is None and not isinstance(assertion.get("image"), str):
        session.warn("image", "the badge has no image")


_NAME_CAP = 200


def recipient_name(assertion: Mapping[str, Any]) -> str | None:
    """The earner's name from the 1EdTech `extensions:recipientProfile` extension, if given."""
    profile = assertion.get("extensions:recipientProfile")
    name = profile.get("name") if isinstance(profile, Mapping) else None
    if not isinstance(name, str) or not name.strip():
        return None
    return " ".join(name.split())[:_NAME_CAP]
