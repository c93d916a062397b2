"""Resolve a proof's verification method to a key the issuer itself published."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from app.verification.fetcher import Fetcher, FetchError
from app.verification.ob3.errors import Failure, invalid, unreachable, unsupported
from app.verification.ob3.keys import PublicKey, b64url_decode, key_from_jwk, key_from_method
from app.verification.ob3.keys import key_from_multikey as _key_from_multikey

DOC_LIMIT = 256 * 1024
CHECK = "key"
DID_METHODS = ("did:key", "did:web", "did:jwk")  # README's support table lists these


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """A verification method, its public key, and the controller that lists it."""

    id: str
    controller: str
    public_key: PublicKey


ASSERTION = "assertionMethod"
AUTHENTICATION = "authentication"  # the key a holder signs a presentation with
_NOT_LISTED = {
    ASSERTION: "the issuer does not list this signing key for issuing credentials",
    AUTHENTICATION: "the holder's DID document does not list this key for authentication",
}


def resolve_key(method_id: str, fetcher: Fetcher, *, relationship: str = ASSERTION) -> ResolvedKey:
    """Resolve a verification method URL its controller lists for `relationship` (assertions,
    or authentication for a presentation's holder)."""
    if method_id.startswith("did:"):
        return _resolve_did(method_id, fetcher, relationship)
    scheme = urlsplit(method_id).scheme
    if scheme == "https":
        return _resolve_https(method_id, fetcher)
    if not scheme:
        raise invalid(CHECK, f"the signing key reference is not a valid address: {method_id}")
    raise unsupported(
        CHECK, f"the signing key uses an address scheme Skillproof does not handle: {scheme}"
    )


def require_issuer(key: ResolvedKey, issuer_id: str | None) -> None:
    """The key's controller must be the credential's issuer."""
    if issuer_id is None or _strip_fragment(key.controller) != _strip_fragment(issuer_id):
        raise invalid(
            "issuer-key",
            f"the signing key belongs to {key.controller}, not to the issuer {issuer_id}",
        )


def _resolve_did(method_id: str, fetcher: Fetcher, relationship: str = ASSERTION) -> ResolvedKey:
    did = _strip_fragment(method_id)
    method = did.split(":")[1] if did.count(":") >= 2 else ""
    if method == "key":
        return _resolve_did_key(did, method_id)
    if method == "jwk":
        return _resolve_did_jwk(did, method_id)
    if method == "web":
        whose = "the holder's" if relationship == AUTHENTICATION else "the issuer's"
        document = fetch_json(did_web_url(did), fetcher, f"{whose} DID document")
        return _from_controller_document(document, method_id, did, relationship)
    raise unsupported(
        CHECK, f"the issuer uses a DID method Skillproof does not handle: did:{method}"
    )


def _resolve_did_key(did: str, method_id: str) -> ResolvedKey:
    fingerprint = did.removeprefix("did:key:")
    if "#" in method_id and method_id.split("#", 1)[1] != fingerprint:
        raise invalid(CHECK, "the did:key reference names a key that is not in that DID")
    return ResolvedKey(method_id, did, _key_from_multikey(fingerprint))


def _resolve_did_jwk(did: str, method_id: str) -> ResolvedKey:
    try:
        jwk = json.loads(b64url_decode(did.removeprefix("did:jwk:")))
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid(CHECK, "the did:jwk identifier does not contain a readable key") from exc
    if not isinstance(jwk, Mapping) or "d" in jwk:
        raise invalid(CHECK, "the did:jwk identifier does not contain a public key")
    return ResolvedKey(method_id, did, key_from_jwk(jwk))


def did_web_url(did: str) -> str:
    """The HTTPS URL of a did:web DID document (root or path form)."""
    parts = [unquote(p) for p in did.removeprefix("did:web:").split(":")]
    host, path = parts[0], parts[1:]
    if not host or "/" in host or any(not p or "/" in p for p in path):
        raise invalid(CHECK, f"the did:web identifier is malformed: {did}")
    return (
        f"https://{host}/{'/'.join(path)}/did.json"
        if path
        else f"https://{host}/.well-known/did.json"
    )


def _resolve_https(method_id: str, fetcher: Fetcher) -> ResolvedKey:
    document = fetch_json(_strip_fragment(method_id), fetcher, "the issuer's key document")
    if document.get("id") == method_id and "assertionMethod" not in document:
        # a stand-alone key document: its controller must list it for assertions
        controller = document.get("controller")
        if not isinstance(controller, str):
            raise invalid(CHECK, "the issuer's key document names no controller")
        controller_doc = _controller_document(controller, fetcher)
        if controller_doc.get("id") != controller or not _lists(controller_doc, method_id):
            raise invalid(
                CHECK, "the issuer does not list this signing key for issuing credentials"
            )
        return ResolvedKey(method_id, controller, key_from_method(document))
    return _from_controller_document(document, method_id, _strip_fragment(method_id))


def _controller_document(controller: str, fetcher: Fetcher) -> Mapping[str, Any]:
    """The document of a key's controller: a DID is resolved as a DID, never fetched as a URL."""
    if not controller.startswith("did:"):
        return fetch_json(_strip_fragment(controller), fetcher, "the key's controller")
    did = _strip_fragment(controller)
    method = did.split(":")[1] if did.count(":") >= 2 else ""
    if method == "web":
        return fetch_json(did_web_url(did), fetcher, "the key's controller (its DID document)")
    if method in ("key", "jwk"):
        # such a DID holds exactly its own key and can list no other
        raise invalid(CHECK, f"the key names {did[:80]} as its controller, which does not list it")
    raise unsupported(
        CHECK, f"the key's controller uses a DID method Skillproof does not handle: did:{method}"
    )


def _lists(document: Mapping[str, Any], method_id: str) -> bool:
    doc_id = str(document.get("id"))
    return any(_absolute(r, doc_id) == method_id for r in _as_list(document.get("assertionMethod")))


def _from_controller_document(
    document: Mapping[str, Any], method_id: str, expected_id: str, relationship: str = ASSERTION
) -> ResolvedKey:
    doc_id = document.get("id")
    if doc_id != expected_id:
        raise invalid(CHECK, f"the document at {expected_id} describes {doc_id} instead")
    method = _find_method(document, method_id, doc_id, relationship)
    if method is None:
        raise invalid(CHECK, _NOT_LISTED[relationship])
    # the key belongs to whoever's document lists it, whatever controller the entry claims
    if method.get("controller", doc_id) != doc_id:
        raise invalid(CHECK, f"the key listed by {doc_id} claims another controller")
    return ResolvedKey(method_id, doc_id, key_from_method(method))


def _find_method(
    document: Mapping[str, Any], method_id: str, doc_id: str, relationship: str = ASSERTION
) -> Mapping[str, Any] | None:
    """The method listed under `relationship` (embedded, or a reference to verificationMethod)."""
    listed = {_absolute(ref, doc_id): ref for ref in _as_list(document.get(relationship))}
    entry = listed.get(method_id)
    if isinstance(entry, Mapping):
        return entry
    if entry is None:
        return None
    for candidate in _as_list(document.get("verificationMethod")):
        if isinstance(candidate, Mapping) and _absolute(candidate, doc_id) == method_id:
            return candidate
    return None


def _absolute(ref: Any, doc_id: str) -> str:
    value = ref.get("id") if isinstance(ref, Mapping) else ref
    if not isinstance(value, str):
        return ""
    return doc_id + value if value.startswith("#") else value


def fetch_json(
    url: str,
    fetcher: Fetcher,
    what: str,
    *,
    check: str = CHECK,
    max_bytes: int = DOC_LIMIT,
    revalidate: bool = False,
) -> Mapping[str, Any]:
    """A JSON object the issuer publishes; a failure to fetch it is unreachable, under `check`.

    A redirect to another origin (another host or port, or from HTTPS to HTTP) is `invalid`:
    only the origin that was asked can vouch for what it publishes.
    """
    return fetch_json_from(
        url, fetcher, what, check=check, max_bytes=max_bytes, revalidate=revalidate
    )[0]


def fetch_json_from(
    url: str,
    fetcher: Fetcher,
    what: str,
    *,
    check: str = CHECK,
    max_bytes: int = DOC_LIMIT,
    revalidate: bool = False,
    other_origin: bool = False,
) -> tuple[Mapping[str, Any], str]:
    """`fetch_json`, with the URL that finally served the document; with `other_origin` a
    redirect to another site is followed and the caller judges the document by that URL."""
    try:
        response = fetcher.fetch(url, max_bytes=max_bytes, revalidate=revalidate)
    except FetchError as exc:
        raise unreachable(check, f"{what} could not be fetched: {exc.detail}") from exc
    if not other_origin and origin_of(response.url) != origin_of(url):
        raise invalid(
            check,
            f"{what} at {url} was redirected to {response.url[:200]}, another site,"
            " which cannot vouch for it",
        )
    if response.status == 404 or response.status == 410:
        raise unreachable(check, f"{what} was not found at {url} (HTTP {response.status})")
    if not response.ok:
        raise unreachable(check, f"{what} could not be fetched (HTTP {response.status})")
    try:
        document = json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid(check, f"{what} is not valid JSON") from exc
    if not isinstance(document, Mapping):
        raise invalid(check, f"{what} is not a JSON object")
    return document, response.url


def origin_of(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with default ports made explicit; empty for an unreadable URL."""
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return ("", "", None)
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _strip_fragment(url: str) -> str:
    return url.split("#", 1)[0]


__all__ = [
    "Failure",
    "ResolvedKey",
    "did_web_url",
    "fetch_json_from",
    "origin_of",
    "require_issuer",
    "resolve_key",
]
