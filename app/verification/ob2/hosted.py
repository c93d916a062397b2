"""Hosted Open Badges (1.x and 2.0): the issuer's own copy, at an address the issuer allows.

The assertion's `id` must be an address that served it: the URL requested, a URL in the
redirect chain, or the final URL (so an http id that redirects to https is fine). When the
copy came from somewhere else (a provider page, a file, a baked image), the copy at its `id`
is fetched and wins; an `id` that does not serve the same assertion is `invalid`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.verification.fetcher import FetchResponse
from app.verification.ob2 import legacy
from app.verification.ob2.checks import (
    Node,
    check_dates,
    check_image,
    check_recipient_of,
    check_structure,
    collect_evidence,
    resolve,
)
from app.verification.ob2.documents import fetch, is_web_url, json_object, require_same_site
from app.verification.ob2.model import node_id
from app.verification.ob2.policy import check_origin
from app.verification.ob2.revocation import check_revocation_list
from app.verification.ob2.session import Halt, Session
from app.verification.result import Verdict

ASSERTION = "the badge"


def verify_copy(session: Session, doc: Mapping[str, Any], *, source: str) -> None:
    """A hosted assertion from a file or an image: fetch the issuer's copy, which wins."""
    session.format = "ob1-hosted" if legacy.is_legacy(doc) else "ob2-hosted"
    url = legacy.hosted_url(doc)
    if not is_web_url(url):
        session.halt(
            "fetch",
            f"the hosted badge in {source} has no web address to check it at",
            Verdict.INVALID,
        )
    response = fetch(
        session, url, check_id="fetch", what=ASSERTION, credential=True, revalidate=True
    )
    session.passed(
        "fetch", f"read the issuer's copy at {url} (the copy in {source} is not trusted)"
    )
    verify_fetched(
        session, json_object(session, response, check_id="fetch", what=ASSERTION), response, url
    )


def verify_fetched(
    session: Session,
    doc: Mapping[str, Any],
    response: FetchResponse,
    requested: str,
    aliases: Iterable[str] = (),
) -> None:
    """A hosted assertion as its own address served it."""
    is_legacy = legacy.is_legacy(doc)
    session.format = "ob1-hosted" if is_legacy else "ob2-hosted"
    assertion = legacy.upgrade(doc) if is_legacy else dict(doc)
    version = "1.x" if is_legacy else "2.0"
    session.passed(
        "format", f"an Open Badges {version} hosted assertion, as served by {response.url}"
    )
    # A revoked hosted assertion may be served as little more than {id, revoked}: check it first.
    _check_revoked_flag(session, assertion)
    check_structure(session, assertion, legacy=is_legacy)
    names = {requested, response.url, *response.redirects, *aliases}
    assertion, served = _own_copy(session, assertion, names, response.url, is_legacy)
    # The copy that counts is judged by the site that finally served it, not the one asked.
    require_same_site(session, str(assertion["id"]), served, check_id="id", what=ASSERTION)
    session.credential_id = str(assertion["id"])
    _check_revoked_flag(session, assertion)
    kind = legacy.verification_type(assertion)
    if kind != "hosted":
        session.halt(
            "format",
            f"the issuer marks this badge as {kind[:40]}, but no signature was given",
            Verdict.INVALID,
        )
    finish(session, assertion, legacy=is_legacy)


def _own_copy(
    session: Session, assertion: dict[str, Any], names: set[str], served: str, is_legacy: bool
) -> tuple[dict[str, Any], str]:
    """The assertion as its own address serves it, and the URL that finally served it."""
    own = assertion.get("id")
    if own in names:
        session.passed("id", "the badge's own address serves it")
        return assertion, served
    if not is_web_url(own):
        session.halt(
            "id",
            f"the hosted badge's own address is not a web address ({str(own)[:200]})",
            Verdict.INVALID,
        )
    # Served elsewhere (a provider page, an alias): the copy at its own address counts.
    response = fetch(
        session, str(own), check_id="id", what=ASSERTION, credential=True, revalidate=True
    )
    again = json_object(session, response, check_id="id", what=ASSERTION)
    again = legacy.upgrade(again) if is_legacy else again
    if again.get("id") not in {own, response.url, *response.redirects}:
        session.halt("id", f"the badge's own address {own} does not serve it", Verdict.INVALID)
    session.passed("id", f"the badge's own address {own} serves it")
    return again, response.url


def _check_revoked_flag(session: Session, assertion: Mapping[str, Any]) -> None:
    if assertion.get("revoked") not in (True, "true"):
        return
    session.credential_id = node_id(assertion)
    reason = assertion.get("revocationReason")
    detail = "the issuer revoked this badge"
    if isinstance(reason, str) and reason.strip():
        detail = f"{detail}; reason: {reason.strip()[:300]}"
    _describe_revoked(session, assertion)
    session.halt("revocation", detail, Verdict.REVOKED)


def _describe_revoked(session: Session, assertion: Mapping[str, Any]) -> None:
    """Name what was revoked, for the recruiter; these lookups never change the verdict."""
    if assertion.get("badge") is None:
        return  # a bare {id, revoked} stub names nothing
    checks = list(session.checks)
    try:
        badge, issuer = badge_and_issuer(session, assertion, legacy=legacy.is_legacy(assertion))
        collect_evidence(session, assertion, badge, issuer)
    except Halt:
        pass
    finally:
        session.checks[:] = checks


def finish(session: Session, assertion: Mapping[str, Any], *, legacy: bool) -> None:
    """Dates and recipient, then BadgeClass, issuer and hosting policy of a hosted assertion."""
    # The assertion's own fields first: a malformed badge is invalid even when a document it
    # links to cannot be fetched (which would otherwise stop the run as merely unreachable).
    check_image(session, assertion, legacy=legacy)
    check_dates(session, assertion, legacy=legacy)
    check_recipient_of(session, assertion)
    badge, issuer = badge_and_issuer(session, assertion, legacy=legacy)
    if issuer.url is None:
        session.warn("issuer", "the issuer is described only inside the badge, not by the issuer")
    policy = check_origin(str(assertion["id"]), issuer.data, issuer.url)
    if policy.allowed:
        session.passed("hosted-origin", policy.detail)
    else:
        session.fail("hosted-origin", policy.detail, Verdict.INVALID)
    session.passed("revocation", "the issuer does not mark it as revoked")
    if policy.allowed:  # an issuer's list says nothing about a badge it does not host
        check_revocation_list(session, issuer.data, assertion)
    collect_evidence(session, assertion, badge, issuer)


def badge_and_issuer(
    session: Session, assertion: Mapping[str, Any], *, legacy: bool = False
) -> tuple[Node, Node]:
    """The assertion's BadgeClass and that BadgeClass's issuer profile, each recorded as read."""
    badge = resolve(
        session,
        assertion.get("badge"),
        check_id="badgeclass",
        what="the badge's description",
        expected=("BadgeClass",),
        legacy=legacy,
    )
    session.passed("badgeclass", f"described as {display_name(badge.data)}")
    issuer = resolve(
        session,
        badge.data.get("issuer"),
        check_id="issuer",
        what="the issuer's profile",
        expected=("Issuer", "Profile"),
        legacy=legacy,
        own_copy=True,
    )
    session.passed("issuer", f"issued by {display_name(issuer.data)}")
    return badge, issuer


def display_name(node: Mapping[str, Any]) -> str:
    name = node.get("name")
    return f"'{name.strip()[:200]}'" if isinstance(name, str) and name.strip() else "(no name)"
