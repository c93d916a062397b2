"""Checking a course certificate page: reachable on the issuer's own site, naming whom and what.

Verdicts (never `verified`: nothing on such a page is signed):
- names the candidate (or no candidate name was given) and a course: `unsupported`, with a
  passing `issuer-page` check and "an issuer's certificate page, not a verifiable credential";
- names someone else: `recipient_mismatch`;
- shows no holder or no course we could read (a page drawn by JavaScript): `unsupported`;
- 404 or 410: `invalid`, "not found at the issuer"; no answer, 401/403, 429 or 5xx: `unreachable`;
- redirected off the issuer's own hosts, or to plain HTTP: `invalid`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from app.verification.fetcher import FetchError, FetchFailure, FetchResponse
from app.verification.issuer_page_html import PageReading, read_page
from app.verification.issuer_pages import (
    FORMAT,
    NOT_A_CREDENTIAL,
    IssuerPage,
    matching_name,
    served_by_issuer,
)
from app.verification.ob2.documents import NOT_FOUND, record
from app.verification.ob2.session import Session
from app.verification.recipient import RecipientOutcome
from app.verification.result import (
    Achievement,
    Issuer,
    RecipientStatus,
    Verdict,
    VerificationResult,
)

ACCEPT_HTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
CHECK = "issuer-page"
NOTHING_SIGNED = (
    f"{NOT_A_CREDENTIAL}: nothing on it is signed, so it shows only what the issuer's site"
    " says today"
)


def check_page(session: Session, page: IssuerPage) -> VerificationResult:
    """Read the certificate page from the issuer's own site and judge what it names."""
    session.format = FORMAT
    session.issuer = Issuer(name=page.issuer, url=f"https://{page.site}")
    response = _fetch(session, page)
    host = urlsplit(response.url).hostname or page.site
    reading = read_page(response.content)
    session.achievement = _achievement(reading)
    if not reading.holders:
        detail = (
            f"the page on {host} did not show a holder's name Skillproof could read (it may need"
            " JavaScript to show it), so it cannot tell whose certificate this is"
        )
        session.halt(CHECK, detail, Verdict.UNSUPPORTED)
    holder = reading.holders[0]
    session.subject_name = holder[:200]
    if reading.course is None:
        detail = f"the page on {host} names {holder} but no course Skillproof could read"
        session.halt(CHECK, detail, Verdict.UNSUPPORTED)
    _judge_holder(session, host, reading, holder, reading.course)
    session.fail("format", NOTHING_SIGNED, Verdict.UNSUPPORTED)
    return session.result()


def _judge_holder(
    session: Session, host: str, reading: PageReading, holder: str, course: str
) -> None:
    if not session.names:
        session.passed(CHECK, f"reachable on {host} and names {holder} and '{course}'")
        session.recipient = RecipientOutcome(
            RecipientStatus.SKIPPED, "no name given for the candidate"
        )
        session.skip("recipient", "no name given for the candidate")
        return
    matched = matching_name(session.names, reading.holders)
    if matched is None:
        session.passed(CHECK, f"reachable on {host}; it names {holder} and '{course}'")
        detail = f"the issuer's page names {holder}, not {session.names[0]}"
        session.recipient = RecipientOutcome(RecipientStatus.MISMATCH, detail)
        session.halt("recipient", detail, Verdict.RECIPIENT_MISMATCH)
    session.passed(CHECK, f"reachable on {host} and names {matched} and '{course}'")
    detail = f"the issuer's page names {holder}, the candidate's name"
    session.recipient = RecipientOutcome(RecipientStatus.MATCHED, detail)
    session.passed("recipient", detail)


def _fetch(session: Session, page: IssuerPage) -> FetchResponse:
    try:
        response = session.fetcher.fetch(page.url, accept=ACCEPT_HTML, revalidate=True)
    except FetchError as exc:
        verdict = Verdict.INVALID if exc.failure is FetchFailure.BAD_URL else Verdict.UNREACHABLE
        session.halt("fetch", f"could not fetch the page at {page.url}: {exc.detail}", verdict)
    record(session, response)
    if not served_by_issuer(page, response.url):
        detail = (
            f"{page.url} was redirected to {response.url[:200]}, outside {page.issuer}'s own"
            " site, which cannot vouch for it"
        )
        session.halt(CHECK, detail, Verdict.INVALID)
    if response.status in (404, 410):
        session.halt("fetch", NOT_FOUND, Verdict.INVALID)
    if not response.ok:
        status = response.status
        detail = f"could not fetch the page at {response.url}: the server answered HTTP {status}"
        if response.status in (401, 403):
            detail += " (access refused: the certificate may be private)"
        session.halt("fetch", f"{detail}; it will be retried", Verdict.UNREACHABLE)
    return response  # the `issuer-page` check, first of the result, says it was reachable


def _achievement(reading: PageReading) -> Achievement | None:
    if reading.course is None:
        return None
    # The course's own title doubles as a tag, so a role skill of that name can find it.
    return Achievement(name=reading.course, type="Course certificate", tags=(reading.course,))
