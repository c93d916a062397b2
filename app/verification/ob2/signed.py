"""Signed Open Badges 2.0: a compact JWS, a key the issuer's profile lists, its revocation list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.verification import jws
from app.verification.ob2 import hosted, legacy
from app.verification.ob2.checks import (
    Node,
    check_dates,
    check_image,
    check_recipient_of,
    check_structure,
    collect_evidence,
)
from app.verification.ob2.documents import fetch_object
from app.verification.ob2.model import node_id, type_problem
from app.verification.ob2.revocation import check_revocation_list
from app.verification.ob2.session import Session
from app.verification.prefetch import import_ahead, prefetch
from app.verification.result import Verdict
from app.verification.weburl import same_origin

MAX_KEYS = 5


def verify_token(session: Session, token: jws.CompactJws) -> None:
    """Verify an OB 2.0 signed assertion given as a parsed compact JWS."""
    session.format = "ob2-signed"
    assertion = token.payload
    if not isinstance(assertion, Mapping):
        session.halt("format", "the signed badge's content is not a JSON object", Verdict.INVALID)
    if legacy.is_legacy(assertion):
        session.halt("format", legacy.SIGNED_1X_DETAIL, Verdict.UNSUPPORTED)
    session.passed("format", f"an Open Badges 2.0 signed assertion (JWS, {token.alg})")
    check_structure(session, assertion)
    kind = legacy.verification_type(assertion)
    if kind == "hosted":
        session.warn(
            "signature",
            "the issuer marks this badge as hosted, so its hosted copy is checked instead",
        )
        hosted.verify_copy(session, assertion, source="the signed token")
        return
    if kind != "signed":
        session.halt(
            "format",
            f"the badge names an unknown verification method ({kind[:40]})",
            Verdict.UNSUPPORTED,
        )
    _verify_signed(session, token, assertion)


def _verify_signed(session: Session, token: jws.CompactJws, assertion: Mapping[str, Any]) -> None:
    session.credential_id = node_id(assertion)
    creator = _creator(assertion)
    if creator is not None:  # check the signature before reading anything the payload names
        prefetch(session.fetcher, node_id(creator))
        _prefetch_badge_class(session, assertion, creator)
        # Only once the requests are sent: importing competes with sending them for the
        # interpreter, and the key takes a round trip anyway.
        import_ahead(*jws.PLAIN_MODULES)
        key = _fetch_key(session, creator)
        _check_signature(session, token, key)
        badge, issuer = hosted.badge_and_issuer(session, assertion)
    else:
        import_ahead(*jws.PLAIN_MODULES)  # while the BadgeClass, issuer and key are on their way
        badge, issuer = hosted.badge_and_issuer(session, assertion)
        prefetch(session.fetcher, node_id(issuer.data.get("revocationList")), revalidate=True)
        key = _fetch_key(session, _only_listed_key(session, issuer))
        _check_signature(session, token, key)
    _check_key_owner(session, key, issuer)
    check_revocation_list(session, issuer.data, assertion)
    check_image(session, assertion)
    check_dates(session, assertion)
    check_recipient_of(session, assertion)
    collect_evidence(session, assertion, badge, issuer)


def _prefetch_badge_class(session: Session, assertion: Mapping[str, Any], creator: Any) -> None:
    """Fetch the BadgeClass alongside the key when both live on one site: a forged token then
    makes us contact no site beyond the one its key names."""
    badge, key = assertion.get("badge"), node_id(creator)
    if isinstance(badge, str) and key is not None and same_origin(badge, key):
        prefetch(session.fetcher, badge)


def _creator(assertion: Mapping[str, Any]) -> Any:
    block = assertion.get("verification", assertion.get("verify"))
    return block.get("creator") if isinstance(block, Mapping) else None


def _only_listed_key(session: Session, issuer: Node) -> str:
    listed = _listed_keys(issuer.data)
    if len(listed) != 1:
        session.halt(
            "key",
            "the signed badge does not say which of the issuer's keys signed it",
            Verdict.INVALID,
        )
    return listed[0]


def _fetch_key(session: Session, creator: Any) -> Node:
    url = node_id(creator)
    if url is None:
        session.halt(
            "key", "the signed badge names its key in a way Skillproof cannot read", Verdict.INVALID
        )
    data, response = fetch_object(session, url, check_id="key", what="the issuer's public key")
    if type_problem(data, ("CryptographicKey",)) and "type" in data:
        session.halt("key", "the document named as the signing key is not a key", Verdict.INVALID)
    if not isinstance(data.get("publicKeyPem"), str):
        session.halt(
            "key", "the issuer's key document has no public key (publicKeyPem)", Verdict.INVALID
        )
    if data.get("id") not in (url, response.url, *response.redirects):
        # A key is known by the address it was fetched from, never by the name it gives itself.
        session.warn("key", f"the key at {url} calls itself {str(data.get('id'))[:200]}")
    return Node({**data, "id": url}, response.url)


def _check_signature(session: Session, token: jws.CompactJws, key: Node) -> None:
    try:
        valid = jws.verify(token, str(key.data["publicKeyPem"]))
    except jws.JwsError as exc:
        session.halt("signature", str(exc), Verdict.INVALID)
    if not valid:
        detail = (
            "the signature does not match: the badge was changed after signing,"
            " or signed by another key"
        )
        session.halt("signature", detail, Verdict.INVALID)
    session.passed("signature", f"signed ({token.alg}) with the key at {key.data['id']}")


def _check_key_owner(session: Session, key: Node, issuer: Node) -> None:
    if issuer.url is None:
        detail = "the issuer's profile appears only inside the signed badge, so it cannot vouch"
        detail += " for the key"
        session.halt("key-owner", detail, Verdict.INVALID)
    issuer_id = node_id(issuer.data) or issuer.url
    key_ids = {key.data.get("id"), key.url}
    owner = node_id(key.data.get("owner"))
    if owner is None or owner not in (issuer_id, issuer.url):
        session.halt(
            "key-owner",
            f"the signing key belongs to {owner or 'nobody named'}, not to the issuer",
            Verdict.INVALID,
        )
    if not key_ids & set(_listed_keys(issuer.data)):
        session.halt(
            "key-owner",
            "the issuer's profile does not list the signing key as its own",
            Verdict.INVALID,
        )
    session.passed("key-owner", "the signing key is the issuer's own (its profile lists it)")


def _listed_keys(issuer: Mapping[str, Any]) -> list[str]:
    value = issuer.get("publicKey")
    values = value if isinstance(value, list) else [value]
    return [k for k in (node_id(v) for v in values[: MAX_KEYS * 4]) if k]
