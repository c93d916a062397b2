"""A real Open Badges 2.0 issuer over HTTP on 127.0.0.1, for CLI, e2e and job tests and benchmarks.

    with LocalIssuer() as issuer:                   # or LocalIssuer(latency=0.02, max_age=60)
        ok = issuer.hosted("a1")                    # a valid hosted assertion
        gone = issuer.hosted("a2", Case.GONE)       # its address answers 410 Gone
        token = issuer.signed("s1", Case.TAMPERED)  # a signed badge whose signature fails
        ok.url                                      # http://127.0.0.1:PORT/assertions/a1.json
        token.url, token.token                      # .../signed/s1.jws and the JWS text itself
        ok.expected                                 # VERIFIED (with --email DEFAULT_EMAIL)
        issuer.revoke("a1", "Awarded in error")     # revoked at the issuer, from now on
        issuer.requests_to("/badges/robotics.json") # what the verifier asked for

The issuer serves its profile, public key, BadgeClass, badge image and revocation list (built by
`ob2_builders.IssuerKit`) with ETag, Last-Modified and Cache-Control, and answers conditional
requests with 304 Not Modified. `latency` delays every response (benchmarks). Its URLs are
http://127.0.0.1:PORT, so the verifier must run with SKILLPROOF_ALLOW_PRIVATE_HOSTS=127.0.0.1
(`verifier_env()` gives such an environment for a `skillproof` subprocess).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.utils import formatdate, parsedate_to_datetime
from types import TracebackType
from typing import Any

from app.verification.result import Verdict
from tests.support.loopback import LoopbackServer, RecordedRequest, Route
from tests.support.ob2_builders import DEFAULT_EMAIL, IssuerKit, png

ALLOW_LOOPBACK = {"SKILLPROOF_ALLOW_PRIVATE_HOSTS": "127.0.0.1"}
OTHER_EMAIL = "someone.else@example.com"
EXPIRED_ON = "2024-06-01T00:00:00Z"
FUTURE_ISSUED_ON = "2100-01-01T00:00:00Z"
JSON_TYPE = "application/ld+json"
JWS_TYPE = "text/plain; charset=utf-8"


class Case(enum.StrEnum):
    """What is wrong with a badge (nothing, for VALID)."""

    VALID = "valid"
    REVOKED = "revoked"  # hosted: served with revoked: true and a reason
    LISTED = "listed"  # signed: named on the issuer's revocation list, with a reason
    GONE = "gone"  # its address answers 410 Gone
    EXPIRED = "expired"
    FUTURE = "future"  # issuedOn in the future
    WRONG_RECIPIENT = "wrong-recipient"  # awarded to OTHER_EMAIL
    TAMPERED = "tampered"  # signed: payload changed after signing
    ORIGIN_MISMATCH = "origin-mismatch"  # hosted: the issuer only allows another origin
    NOT_FOUND = "not-found"  # 404
    UNAVAILABLE = "unavailable"  # 503


# The verdict each case gets when the candidate's address (DEFAULT_EMAIL) is given.
EXPECTED: dict[Case, Verdict] = {
    Case.VALID: Verdict.VERIFIED,
    Case.REVOKED: Verdict.REVOKED,
    Case.LISTED: Verdict.REVOKED,
    Case.GONE: Verdict.REVOKED,
    Case.EXPIRED: Verdict.EXPIRED,
    Case.FUTURE: Verdict.NOT_YET_VALID,
    Case.WRONG_RECIPIENT: Verdict.RECIPIENT_MISMATCH,
    Case.TAMPERED: Verdict.INVALID,
    Case.ORIGIN_MISMATCH: Verdict.INVALID,
    Case.NOT_FOUND: Verdict.INVALID,
    Case.UNAVAILABLE: Verdict.UNREACHABLE,
}
HOSTED_CASES = tuple(c for c in Case if c not in (Case.LISTED, Case.TAMPERED))
SIGNED_CASES = tuple(c for c in Case if c not in (Case.REVOKED, Case.ORIGIN_MISMATCH))
_STATUS = {Case.GONE: 410, Case.NOT_FOUND: 404, Case.UNAVAILABLE: 503}


def verifier_env(**extra: str) -> dict[str, str]:
    """The environment for a `skillproof verify` subprocess that may reach this issuer."""
    return {**os.environ, "SKILLPROOF_ENV": "test", **ALLOW_LOOPBACK, **extra}


@dataclass(frozen=True)
class Badge:
    """One badge the issuer serves. `expected` assumes the candidate's address is DEFAULT_EMAIL."""

    slug: str
    kind: str  # "hosted" or "signed"
    case: Case
    url: str  # the address to verify: the hosted assertion, or the .jws file
    assertion: Mapping[str, Any]  # for a signed badge, the signed payload
    token: str | None = None  # the compact JWS of a signed badge

    @property
    def id(self) -> str:
        return str(self.assertion["id"])

    @property
    def expected(self) -> Verdict:
        return EXPECTED[self.case]

    @property
    def text(self) -> str:
        """The badge as a file would hold it: the JWS, or the assertion's JSON."""
        return self.token if self.token is not None else json.dumps(self.assertion)


@dataclass
class _Doc:
    body: bytes
    content_type: str
    status: int = 200
    modified: float = field(default_factory=time.time)

    @property
    def etag(self) -> str:
        return f'"{hashlib.sha256(self.body).hexdigest()[:20]}-{self.status}"'

    @property
    def last_modified(self) -> str:
        return formatdate(self.modified, usegmt=True)


class LocalIssuer:
    """An OB 2.0 issuer on a loopback port: shared documents plus any number of badges."""

    def __init__(
        self, *, latency: float = 0.0, max_age: int = 300, name: str = "Local Test Issuer"
    ) -> None:
        self.latency = latency
        self.max_age = max_age
        self.server = LoopbackServer()
        self.kit = IssuerKit(base=self.server.url("").rstrip("/"), name=name, key_name="local")
        self.badges: dict[str, Badge] = {}
        self._docs: dict[str, _Doc] = {}
        self._lock = threading.Lock()
        self._publish_issuer_documents()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> LocalIssuer:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> LocalIssuer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------------------

    @property
    def base(self) -> str:
        return self.kit.base

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def path(self, url: str) -> str:
        return url.removeprefix(self.base)

    def requests_to(self, url_or_path: str) -> list[RecordedRequest]:
        return self.server.requests_to(self.path(url_or_path))

    @property
    def strict_issuer_id(self) -> str:
        """An issuer profile of the same issuer that only admits badges hosted elsewhere."""
        return self.url("/issuer-strict.json")

    @property
    def strict_badge_id(self) -> str:
        return self.url("/badges/strict.json")

    # -- badges ----------------------------------------------------------------------------

    def hosted(self, slug: str, case: Case = Case.VALID, **overrides: Any) -> Badge:
        """Publish a hosted assertion at /assertions/<slug>.json; overrides go to the builder."""
        if case not in HOSTED_CASES:
            raise ValueError(f"{case} is not a hosted-badge case")
        assertion = self.kit.hosted_assertion(slug, **{**_case_fields(case, self), **overrides})
        if case in (Case.REVOKED, Case.GONE):
            assertion = {**assertion, "revoked": True, "revocationReason": "Awarded in error"}
        badge = Badge(slug, "hosted", case, assertion["id"], assertion)
        self._publish_badge(badge, _json(assertion), JSON_TYPE)
        return badge

    def signed(self, slug: str, case: Case = Case.VALID, **overrides: Any) -> Badge:
        """Publish a signed assertion as a compact JWS at /signed/<slug>.jws."""
        if case not in SIGNED_CASES:
            raise ValueError(f"{case} is not a signed-badge case")
        fields = {**_case_fields(case, self), **overrides}
        payload = self.kit.signed_payload(slug, **fields)
        token = self.kit.signed_assertion(slug, **fields)
        if case is Case.TAMPERED:
            token = _tampered(token)
        badge = Badge(slug, "signed", case, self.url(f"/signed/{slug}.jws"), payload, token)
        self._publish_badge(badge, token.encode(), JWS_TYPE)
        if case is Case.LISTED:
            self.revoke(slug, "Awarded in error")
        return badge

    def add(self, kind: str, slug: str, case: Case = Case.VALID, **overrides: Any) -> Badge:
        """`hosted` or `signed` by name (case tables, benchmarks)."""
        return (
            self.hosted(slug, case, **overrides)
            if kind == "hosted"
            else self.signed(slug, case, **overrides)
        )

    def revoke(self, slug: str, reason: str = "Revoked by the issuer") -> None:
        """Revoke a badge from now on: a hosted one is re-served with revoked: true, a signed
        one is added to the revocation list (both with new validators, so caches revalidate)."""
        badge = self.badges[slug]
        if badge.kind == "signed":
            self.kit.revoked.append({"id": badge.id, "revocationReason": reason})
            self._set(self.kit.revocation_list_id, _json(self.kit.revocation_list()), JSON_TYPE)
            return
        revoked = {**badge.assertion, "revoked": True, "revocationReason": reason}
        self.badges[slug] = replace(badge, assertion=revoked)
        self._set(badge.url, _json(revoked), JSON_TYPE)

    def set_status(self, slug: str, status: int) -> None:
        """Answer a badge's address with another HTTP status from now on (410, 404, 503, 200)."""
        url = self.badges[slug].url
        with self._lock:
            doc = self._docs[self.path(url)]
            modified = max(time.time(), doc.modified + 1)
            self._docs[self.path(url)] = replace(doc, status=status, modified=modified)

    # -- serving ---------------------------------------------------------------------------

    def _publish_issuer_documents(self) -> None:
        for url, doc in self.kit.documents().items():
            self._set(url, _json(doc), JSON_TYPE)
        self._set(self.kit.badge_class()["image"], png(), "image/png")
        strict = self.kit.issuer_profile(
            id=self.strict_issuer_id,
            verification={"type": "VerificationObject", "allowedOrigins": ["badges.example.org"]},
        )
        self._set(self.strict_issuer_id, _json(strict), JSON_TYPE)
        badge = self.kit.badge_class(id=self.strict_badge_id, issuer=self.strict_issuer_id)
        self._set(self.strict_badge_id, _json(badge), JSON_TYPE)

    def _publish_badge(self, badge: Badge, body: bytes, content_type: str) -> None:
        self.badges[badge.slug] = badge
        self._set(badge.url, body, content_type, _STATUS.get(badge.case, 200))

    def _set(self, url: str, body: bytes, content_type: str, status: int = 200) -> None:
        path = self.path(url)
        with self._lock:
            previous = self._docs.get(path)
            # Last-Modified has one-second resolution: a change must move it forward.
            modified = max(time.time(), previous.modified + 1) if previous else time.time()
            self._docs[path] = _Doc(body, content_type, status, modified)
        if previous is None:
            self.server.route(path, handler=lambda request: self._answer(path, request))

    def _answer(self, path: str, request: RecordedRequest) -> Route:
        with self._lock:
            doc = self._docs[path]
        headers = {
            "content-type": doc.content_type,
            "etag": doc.etag,
            "last-modified": doc.last_modified,
            "cache-control": f"max-age={self.max_age}",
        }
        if doc.status == 503:
            headers = {"content-type": "text/plain", "retry-after": "120"}
            return Route(503, headers, b"Service Unavailable", delay=self.latency)
        if doc.status == 404:
            return Route(404, {"content-type": "text/plain"}, b"Not Found", delay=self.latency)
        if doc.status == 200 and _not_modified(request, doc):
            return Route(304, headers, delay=self.latency)
        return Route(doc.status, headers, doc.body, delay=self.latency)


def _case_fields(case: Case, issuer: LocalIssuer) -> dict[str, Any]:
    if case is Case.EXPIRED:
        return {"expires": EXPIRED_ON}
    if case is Case.FUTURE:
        return {"issued_on": FUTURE_ISSUED_ON}
    if case is Case.WRONG_RECIPIENT:
        return {"email": OTHER_EMAIL}
    if case is Case.ORIGIN_MISMATCH:
        return {"badge": issuer.strict_badge_id}
    return {}


def _not_modified(request: RecordedRequest, doc: _Doc) -> bool:
    """RFC 9110 13.2.2: If-None-Match wins; otherwise If-Modified-Since."""
    tags = request.header("if-none-match")
    if tags is not None:
        wanted = {t.strip().removeprefix("W/") for t in tags.split(",")}
        return "*" in wanted or doc.etag in wanted
    since = request.header("if-modified-since")
    if since is None:
        return False
    try:
        return int(doc.modified) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError):
        return False


def _tampered(token: str) -> str:
    """The token with its payload changed (another recipient) and the old signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["recipient"] = {"type": "email", "hashed": False, "identity": DEFAULT_EMAIL}
    changed = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{changed}.{signature}"


def _json(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, indent=2).encode()
