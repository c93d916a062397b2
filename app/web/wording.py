"""Plain words for recruiters: check names, check details without parser jargon, verdict reasons.

The verifier's details stay exact (receipts and the API keep them); screens show the plain
sentence first and the exact detail one click away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.verification.ob2.documents import NOT_FOUND
from app.verification.verify import NOT_A_BADGE

CHECK_TITLES = {
    "format": "Badge file",
    "baked": "Badge inside the image",
    "fetch": "Fetching from the issuer",
    "id": "Badge address",
    "hosted-origin": "Served by the issuer's website",
    "badgeclass": "Badge description",
    "issuer": "Issuer",
    "key": "Signing key",
    "key-owner": "Owner of the signing key",
    "signature": "Signature",
    "suite": "Signature method",
    "canonicalization": "Signed content",
    "json-ld": "Badge vocabulary",
    "context": "Badge vocabulary",
    "schema": "Open Badges format",
    "type": "Kind of credential",
    "nested": "Credential inside the token",
    "dates": "Dates",
    "issued-on": "Issue date",
    "expiry": "Expiry",
    "revocation": "Revocation",
    "status": "Revocation status",
    "recipient": "Recipient",
    "image": "Badge image",
    "endorsement": "Endorsements",
    "issuer-page": "Certificate page on the issuer's site",
}

# (pattern in the verifier's detail, what a recruiter reads instead)
_PLAIN = (
    (
        re.compile(r"not (valid )?JSON|is not a JSON (object|document)|which is not JSON"),
        "The file or page is not a readable badge: it may be damaged, cut short or not a badge.",
    ),
    (
        re.compile(r"JSON-LD|contexts do not define"),
        "The badge uses words outside the Open Badges vocabulary: its content cannot be checked.",
    ),
    (
        re.compile(r"canonical|too complex"),
        "The badge is too complex or malformed for its signature to be checked.",
    ),
    (
        re.compile(r"payload|base64|compact (JWS|JWT)|the token's"),
        "The signed badge is damaged: its signed part cannot be read.",
    ),
)
_POSITION = re.compile(r"\s*\((line \d+, column \d+|char \d+)\)")


@dataclass(frozen=True)
class PlainCheck:
    """One check as a recruiter reads it."""

    id: str
    outcome: str
    title: str
    text: str
    technical: str  # the verifier's own words when `text` differs, else ""


def check_title(check_id: str) -> str:
    return CHECK_TITLES.get(check_id, check_id.replace("-", " ").capitalize())


def plain_detail(detail: str) -> tuple[str, str]:
    """(what to show, the exact detail to keep one click away, or "" when nothing was hidden)."""
    if NOT_FOUND in detail:
        return (
            "Not found at the issuer: the link may be mistyped, or the badge deleted or made "
            "private. This does not mean it is forged.",
            detail if detail.strip() != NOT_FOUND else "",
        )
    if NOT_A_BADGE in detail or "not a digital badge" in detail:
        return "This file is not a digital badge or credential.", detail
    for pattern, plain in _PLAIN:
        if pattern.search(detail):
            return plain, detail
    shorter = _POSITION.sub("", detail)
    return (shorter, detail) if shorter != detail else (detail, "")


def plain_checks(checks: list[dict[str, Any]]) -> list[PlainCheck]:
    found = []
    for check in checks:
        detail = str(check.get("detail", ""))
        text, technical = plain_detail(detail)
        check_id = str(check.get("id", ""))
        outcome = str(check.get("outcome", "skip"))
        found.append(PlainCheck(check_id, outcome, check_title(check_id), text, technical))
    return found


def verdict_reason(verdict: str | None, checks: list[dict[str, Any]]) -> str:
    """A short label that says more than the verdict, where the verdict word would mislead."""
    failed = [str(c.get("detail", "")) for c in checks if c.get("outcome") == "fail"]
    if verdict == "invalid" and any(NOT_FOUND in detail for detail in failed):
        return "not_found"
    if verdict == "unsupported" and any(
        NOT_A_BADGE in detail or "not a digital badge" in detail for detail in failed
    ):
        return "not_a_badge"
    if verdict == "unsupported" and any(
        c.get("id") == "issuer-page" and c.get("outcome") == "pass" for c in checks
    ):
        return "issuer_page"
    return ""
