"""Fetching the documents a badge refers to, with failures put in a recruiter's words."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from app.verification.detect import JsonError, Kind, describe, parse_json, sniff
from app.verification.fetcher import ACCEPT_JSON, FetchError, FetchFailure, FetchResponse
from app.verification.ob2.session import Session
from app.verification.result import Document, Verdict

NOT_FOUND = "not found at the issuer: deleted, private or mistyped link"


def is_web_url(value: Any) -> bool:
    """An absolute http(s) URL with a host."""
    if not isinstance(value, str) or len(value) > 2048:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def same_host(a: str, b: str) -> bool:
    """Both URLs name the same host (any scheme or port)."""
    try:
        host_a, host_b = urlsplit(a).hostname, urlsplit(b).hostname
    except ValueError:
        return False
    return host_a is not None and host_a == host_b


def fetch(
    session: Session,
    url: str,
    *,
    check_id: str,
    what: str,
    credential: bool = False,
    revalidate: bool = False,
    accept: str = ACCEPT_JSON,
) -> FetchResponse:
    """Fetch and record one document; halts the session on any failure."""
    try:
        response = session.fetcher.fetch(url, accept=accept, revalidate=revalidate)
    except FetchError as exc:
        verdict = Verdict.INVALID if credential and exc.failure is FetchFailure.BAD_URL else None
        session.halt(
            check_id,
            f"could not fetch {what} at {url}: {exc.detail}",
            verdict or Verdict.UNREACHABLE,
        )
    record(session, response)
    if not response.ok:
        _status_failure(session, response, check_id=check_id, what=what, credential=credential)
    return response


def record(session: Session, response: FetchResponse) -> None:
    """Keep a fetched document as evidence."""
    digest = hashlib.sha256(response.content).hexdigest()
    session.documents.append(
        Document(response.url, response.status, digest, response.content_type or None)
    )


def _status_failure(
    session: Session, response: FetchResponse, *, check_id: str, what: str, credential: bool
) -> None:
    status = response.status
    if credential and status == 404:
        session.halt(check_id, NOT_FOUND, Verdict.INVALID)
    if credential and status == 410:
        session.halt("revocation", _gone_detail(response), Verdict.REVOKED)
    session.halt(
        check_id,
        f"could not fetch {what} at {response.url}: {_status_words(status)}",
        Verdict.UNREACHABLE,
    )


def _gone_detail(response: FetchResponse) -> str:
    detail = "the issuer revoked this badge (its address answers HTTP 410 Gone)"
    try:
        body = parse_json(response.content)
    except JsonError:
        return detail
    reason = body.get("revocationReason") if isinstance(body, dict) else None
    return (
        f"{detail}; reason: {str(reason)[:300]}" if isinstance(reason, str) and reason else detail
    )


def _status_words(status: int) -> str:
    if status in (401, 403):
        return f"access refused (HTTP {status}): the badge or the issuer's data may be private"
    if status == 404:
        return "not found (HTTP 404)"
    if status == 429:
        return "the server asked us to slow down (HTTP 429); it will be retried"
    if status >= 500:
        return f"the server failed (HTTP {status}); it will be retried"
    return f"the server answered HTTP {status}"


def json_object(
    session: Session, response: FetchResponse, *, check_id: str, what: str
) -> dict[str, Any]:
    """The JSON object in a response (JSON sent as text/plain or octet-stream is fine)."""
    kind = sniff(response.content)
    if kind is not Kind.JSON:
        session.halt(
            check_id,
            f"{what} at {response.url} is not a JSON document: it is {describe(kind)}",
            Verdict.INVALID,
        )
    try:
        value = parse_json(response.content)
    except JsonError as exc:
        session.halt(check_id, f"{what} at {response.url} is {exc}", Verdict.INVALID)
    if not isinstance(value, dict):
        session.halt(check_id, f"{what} at {response.url} is not a JSON object", Verdict.INVALID)
    return value


def fetch_object(
    session: Session,
    url: str,
    *,
    check_id: str,
    what: str,
    revalidate: bool = False,
    other_origin: bool = False,
) -> tuple[dict[str, Any], FetchResponse]:
    """Fetch a JSON object that is not the credential itself.

    Unless `other_origin` (the caller then judges the document by `response.url`), a redirect
    to another site is `invalid`: only the site that was asked can vouch for its documents.
    """
    if not is_web_url(url):
        session.halt(
            check_id, f"{what} is named by {url!r}, which is not a web address", Verdict.INVALID
        )
    response = fetch(session, url, check_id=check_id, what=what, revalidate=revalidate)
    if not other_origin:
        require_same_site(session, url, response.url, check_id=check_id, what=what)
    return json_object(session, response, check_id=check_id, what=what), response


def site_of(url: str) -> tuple[str, int | None]:
    """Host and port (default ports dropped, so http to https on the same host is one site)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ("", None)
    if port == {"http": 80, "https": 443}.get(parts.scheme):
        port = None
    return ((parts.hostname or "").lower(), port)


def require_same_site(
    session: Session, requested: str, served: str, *, check_id: str, what: str
) -> None:
    """Halt `invalid` when a redirect brought the document from another site."""
    if site_of(served) != site_of(requested):
        session.halt(
            check_id,
            f"{what} at {requested} was redirected to {served[:200]}, another site,"
            " which cannot vouch for it",
            Verdict.INVALID,
        )
