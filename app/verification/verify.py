"""Verify one credential: detect what it is by its content, then check it with its issuer.

`format` vocabulary of the results:
- "ob2-hosted": an Open Badges 2.0 hosted assertion (fetched from its own address)
- "ob2-signed": an Open Badges 2.0 signed assertion (compact JWS)
- "ob1-hosted": an Open Badges 1.0/1.1 hosted assertion, read as 2.0
- "ob05": an Open Badges 0.5 assertion (unsupported: nothing to check it against)
- "ob3": a W3C Verifiable Credential (Open Badges 3.0, CLR 2.0), checked by app.verification.ob3
- "image": an image with no readable badge baked in
- "html": a web page that does not map to a machine-readable badge
- "issuer-page": a course certificate page (Coursera, edX, ...), low-assurance evidence, never
  `verified` (app.verification.issuer_page_check)
- "unknown": anything else
A badge baked into a PNG or SVG keeps the format of its payload; a "baked" check says so.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from app.verification import issuer_pages, jws, profiles, providers
from app.verification.detect import JsonError, Kind, describe_file, parse_json, sniff
from app.verification.fetcher import Fetcher, FetchResponse
from app.verification.limits import Cancelled
from app.verification.ob2 import hosted, legacy, signed
from app.verification.ob2.documents import fetch, is_web_url
from app.verification.ob2.model import is_vc, ob_version, types_of
from app.verification.ob2.session import Halt, Session
from app.verification.prefetch import Prefetching, prefetch
from app.verification.result import Verdict, VerificationResult
from app.verification.source import Source

if TYPE_CHECKING:
    from app.verification.baked import Baked

BAKED = "the badge baked in this image"
NOT_A_BADGE = "Skillproof reads Open Badges as JSON, signed tokens (JWS/JWT), or PNG/SVG images"
NOT_A_CREDENTIAL = "not a digital badge or credential"


def verify(
    source: Source,
    *,
    fetcher: Fetcher,
    now: datetime,
    emails: Sequence[str] = (),
    names: Sequence[str] = (),
) -> VerificationResult:
    """Verify a credential given as a URL or as bytes; never raises for bad input.

    `names` are the candidate's names, compared with the holder a certificate page names
    (empty: that recipient check is skipped).
    """
    started = time.perf_counter()
    with Prefetching(fetcher) as ahead:
        session = Session(
            source.target,
            ahead,
            now,
            tuple(e for e in emails if e.strip()),
            tuple(n.strip() for n in names if n.strip()),
        )
        result = _checked(session, source)
    return replace(result, elapsed_ms=(time.perf_counter() - started) * 1000)


def _checked(session: Session, source: Source) -> VerificationResult:
    try:
        return _dispatch(session, source)
    except Halt:
        return session.result()
    except Cancelled:
        session.fail("time-limit", "the caller stopped waiting for this check", Verdict.UNREACHABLE)
        return session.result()
    except Exception:  # the boundary: a bug must not take a worker down with one bad badge
        import logging  # only now: a clean run never needs it

        logging.getLogger(__name__).exception("unexpected error verifying %r", source.target[:200])
        session.fail(
            "read", "the credential could not be read (an unexpected error)", Verdict.INVALID
        )
        return session.result()


def _dispatch(session: Session, source: Source) -> VerificationResult:
    if source.url is not None:
        return _from_url(session, source.url.strip())
    return _from_bytes(session, source.data or b"", where="the file")


def _from_url(session: Session, url: str) -> VerificationResult:
    if not is_web_url(url):
        session.halt(
            "fetch", "not a web address Skillproof can fetch (only http and https)", Verdict.INVALID
        )
    page = issuer_pages.recognise(url)
    if page is not None:
        # Only a certificate page needs the HTML reader (html.parser and its patterns).
        from app.verification.issuer_page_check import check_page

        return check_page(session, page)
    profile = profiles.match(url)
    if profile is not None:
        session.format = "profile"
        session.halt(
            "format",
            f"{url} is a {profile.label}: it holds many badges, not one. Add it to a candidate, "
            "where each public badge becomes a credential of its own, or verify its badge links",
            Verdict.UNSUPPORTED,
        )
    mapped = providers.match(url)
    if mapped and mapped.url != url:
        session.passed(
            "provider", f"a {mapped.provider} badge: reading its Open Badges data at {mapped.url}"
        )
    target = mapped.url if mapped else url
    response = fetch(
        session, target, check_id="fetch", what="the badge", credential=True, revalidate=True
    )
    return _from_response(
        session, response, target, mapped.aliases if mapped else (), mapped is None
    )


def _from_response(
    session: Session, response: FetchResponse, requested: str, aliases: Sequence[str], may_map: bool
) -> VerificationResult:
    kind = sniff(response.content)
    if kind is Kind.HTML:
        mapped = providers.match(response.url) if may_map else None
        if mapped is None:
            return _web_page(session, response.url)
        session.passed(
            "provider",
            f"a {mapped.provider} badge page: reading its Open Badges data at {mapped.url}",
        )
        again = fetch(
            session,
            mapped.url,
            check_id="fetch",
            what="the badge",
            credential=True,
            revalidate=True,
        )
        return _from_response(session, again, mapped.url, mapped.aliases, False)
    session.passed("fetch", f"fetched {response.url} (HTTP {response.status})")
    if kind is Kind.JSON:
        fetched = (response, requested, tuple(aliases))
        return _from_json(session, _parse(session, response.content, "fetch"), fetched=fetched)
    if kind is Kind.JWS:
        return _from_token(
            session, response.content.decode("ascii").strip(), origin_url=response.url
        )
    if kind in (Kind.PNG, Kind.SVG):
        return _from_image(session, response.content, kind)
    if kind is Kind.EMPTY:
        session.halt(
            "format", f"{response.url} is empty: there is nothing to verify", Verdict.INVALID
        )
    _not_a_credential(session, response.content, f"{response.url} is")


def _web_page(session: Session, url: str) -> VerificationResult:
    session.format = "html"
    provider = providers.provider_name(url)
    hint = (
        f" ({provider} page of a kind Skillproof cannot map to its badge data)" if provider else ""
    )
    session.halt(
        "format", f"{url} is a web page, not a badge Skillproof can read{hint}", Verdict.UNSUPPORTED
    )


def _from_bytes(session: Session, data: bytes, *, where: str) -> VerificationResult:
    kind = sniff(data)
    if kind is Kind.JSON:
        return _from_json(session, _parse(session, data, "format"), where=where)
    if kind is Kind.JWS:
        return _from_token(session, data.decode("ascii").strip(), origin_url=None)
    if kind in (Kind.PNG, Kind.SVG):
        return _from_image(session, data, kind)
    if kind is Kind.HTML:
        session.format = "html"
        session.halt(
            "format",
            "this is a web page, not a badge: give the badge's link instead",
            Verdict.UNSUPPORTED,
        )
    if kind is Kind.EMPTY:
        session.halt("format", "empty: there is nothing to verify", Verdict.INVALID)
    _not_a_credential(session, data, "this is")


_SD_JWT = re.compile(rb"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*~[A-Za-z0-9_~.-]*")


def _not_a_credential(session: Session, data: bytes, subject: str) -> NoReturn:
    """A PDF, a photo or a text file: nothing Skillproof could ever verify (it can be removed)."""
    if _SD_JWT.fullmatch(data.strip()):
        detail = "an SD-JWT (selective disclosure) credential: Skillproof does not handle these yet"
        session.halt("format", detail, Verdict.UNSUPPORTED)
    session.halt(
        "format",
        f"{NOT_A_CREDENTIAL}: {subject} {describe_file(data)}. {NOT_A_BADGE}",
        Verdict.UNSUPPORTED,
    )


def _parse(session: Session, data: bytes | str, check_id: str, what: str = "the badge") -> Any:
    try:
        return parse_json(data)
    except JsonError as exc:
        session.halt(check_id, f"{what} is {exc}", Verdict.INVALID)


def _from_json(
    session: Session,
    doc: Any,
    *,
    fetched: tuple[FetchResponse, str, tuple[str, ...]] | None = None,
    where: str = "the file",
) -> VerificationResult:
    if not isinstance(doc, Mapping):
        session.halt(
            "format", "a JSON document, but not an object, so not a badge", Verdict.INVALID
        )
    origin = fetched[0].url if fetched else None
    if is_vc(doc):
        return _ob3(session, doc, origin)
    if legacy.is_ob05(doc):
        session.format = "ob05"
        session.halt("format", legacy.OB05_DETAIL, Verdict.UNSUPPORTED)
    if not _looks_like_assertion(doc):
        session.halt(
            "format",
            f"a JSON document, but not an Open Badges assertion. {NOT_A_BADGE}",
            Verdict.INVALID,
        )
    if fetched:
        hosted.verify_fetched(session, doc, *fetched)
    elif legacy.verification_type(doc) == "signed":
        session.format = "ob2-signed"
        session.halt(
            "signature",
            "a signed badge must be given as its signed token (JWS); this is only its content",
            Verdict.INVALID,
        )
    else:
        hosted.verify_copy(session, doc, source=where)
    return session.result()


def _looks_like_assertion(doc: Mapping[str, Any]) -> bool:
    if legacy.is_legacy(doc) or "Assertion" in types_of(doc):
        return True
    return ob_version(doc) is not None and ("recipient" in doc or "revoked" in doc)


def _from_token(session: Session, text: str, *, origin_url: str | None) -> VerificationResult:
    try:
        peeked = jws.parse(text, check_alg=False)
        if isinstance(peeked.payload, Mapping) and (
            is_vc(peeked.payload) or "vc" in peeked.payload or "vp" in peeked.payload
        ):
            return _ob3(session, text, origin_url)
        token = jws.parse(text)
    except jws.JwsError as exc:
        session.format = "ob2-signed"
        verdict = Verdict.UNSUPPORTED if isinstance(exc, jws.JwsUnsupported) else Verdict.INVALID
        session.halt("signature", str(exc), verdict)
    signed.verify_token(session, token)
    return session.result()


def _from_image(session: Session, data: bytes, kind: Kind) -> VerificationResult:
    # Imported here: reading images brings in the XML parser, which JSON and links never need.
    from app.verification.baked import BakedError, read_png, read_svg

    session.format = "image"
    name = "PNG" if kind is Kind.PNG else "SVG"
    try:
        baked = read_png(data) if kind is Kind.PNG else read_svg(data)
    except BakedError as exc:
        session.halt("baked", str(exc), Verdict.INVALID)
    if baked.empty:
        detail = f"{NOT_A_CREDENTIAL}: an image with no badge baked in"
        session.halt("baked", detail, Verdict.UNSUPPORTED)
    return _from_baked(session, baked, name)


def _from_baked(session: Session, baked: Baked, name: str) -> VerificationResult:
    found = f"an Open Badges assertion is baked into this {name} image"
    if baked.ob3 is not None:
        payload = baked.ob3.strip()
        is_json = sniff(payload.encode()) is Kind.JSON
        credential = _parse(session, payload, "baked", BAKED) if is_json else payload
        session.passed("baked", f"an Open Badges 3.0 credential is baked into this {name} image")
        return _ob3(session, credential, None)
    text = (baked.ob2 or "").strip()
    kind = sniff(text.encode())
    if is_web_url(text):
        session.passed("baked", f"{found}: a link to {text}")
        return _baked_link(session, text)
    if kind is Kind.JSON:
        doc = _parse(session, text, "baked", BAKED)
        session.passed("baked", found)
        return _from_json(session, doc, where="the image")
    if kind is Kind.JWS:
        session.passed("baked", f"{found} as a signed token")
        return _from_token(session, text, origin_url=None)
    detail = f"{BAKED} is not a web address, JSON or a signed token"
    session.halt("baked", detail, Verdict.INVALID)


def _baked_link(session: Session, url: str) -> VerificationResult:
    response = fetch(
        session, url, check_id="fetch", what="the badge", credential=True, revalidate=True
    )
    if sniff(response.content) is not Kind.JSON:
        session.halt("fetch", f"{response.url} does not serve a badge", Verdict.INVALID)
    session.passed("fetch", f"fetched {response.url} (HTTP {response.status})")
    doc = _parse(session, response.content, "fetch")
    return _from_json(session, doc, fetched=(response, url, ()))


def _ob3(
    session: Session, payload: Mapping[str, Any] | str, origin_url: str | None
) -> VerificationResult:
    # Imported on first use: the OB 3.0 stack (pyld, jsonschema, its keys and suites) costs more
    # to import than verifying a whole batch of OB 2.0 badges; its status list is on its way
    # meanwhile, and while the proof is checked.
    _prefetch_status_lists(session, payload)
    from app.verification.ob3 import verify_vc

    session.format = "ob3"
    result = verify_vc(
        payload,
        target=session.target,
        fetcher=session.fetcher,
        now=session.now,
        emails=session.emails,
        origin_url=origin_url,
    )
    return session.merge(result)


STATUS_LIST_LIMIT = 2 * 1024 * 1024  # ob3.status.LIST_LIMIT, without importing the OB 3.0 stack


def _prefetch_status_lists(session: Session, payload: Mapping[str, Any] | str) -> None:
    """Start fetching the status lists a JSON-LD credential names, as ob3.status will ask."""
    entries = payload.get("credentialStatus") if isinstance(payload, Mapping) else None
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, Mapping):
            url = entry.get("statusListCredential")
            prefetch(session.fetcher, url, max_bytes=STATUS_LIST_LIMIT, revalidate=True)
