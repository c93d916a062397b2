"""Human words for verdicts and credential formats: the one table every screen and message uses.

The values (`verified`, `ob3-jwt`, …) stay the machine vocabulary of results, the API and the
command line's JSON; people only ever see the words below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.verification.issuer_pages import ASSURANCE_LABEL
from app.verification.issuer_pages import FORMAT as ISSUER_PAGE
from app.verification.result import Verdict


class Format(StrEnum):
    """What kind of credential a result came from (`VerificationResult.format`)."""

    OB2_HOSTED = "ob2-hosted"
    OB2_SIGNED = "ob2-signed"
    OB1_HOSTED = "ob1-hosted"
    OB05 = "ob05"
    OB3 = "ob3"
    OB3_JWT = "ob3-jwt"
    CLR2 = "clr2"
    CLR2_JWT = "clr2-jwt"
    IMAGE = "image"
    HTML = "html"
    PROFILE = "profile"
    ISSUER_PAGE = ISSUER_PAGE
    UNKNOWN = "unknown"


FORMAT_LABELS: Mapping[Format, str] = {
    Format.OB2_HOSTED: "Open Badges 2.0, hosted",
    Format.OB2_SIGNED: "Open Badges 2.0, signed",
    Format.OB1_HOSTED: "Open Badges 1.x, hosted",
    Format.OB05: "Open Badges 0.5",
    Format.OB3: "Open Badges 3.0 / Verifiable Credential",
    Format.OB3_JWT: "Open Badges 3.0 / Verifiable Credential, as a JWT",
    Format.CLR2: "Comprehensive Learner Record 2.0",
    Format.CLR2_JWT: "Comprehensive Learner Record 2.0, as a JWT",
    Format.IMAGE: "badge image",
    Format.HTML: "web page",
    Format.PROFILE: "profile of many badges",
    Format.ISSUER_PAGE: "course certificate page on the issuer's site",
    Format.UNKNOWN: "unknown format",
}


@dataclass(frozen=True)
class VerdictWords:
    label: str  # on its own, as on a badge: "Not this candidate's"
    phrase: str  # inside a sentence: "… is now awarded to someone else"


VERDICT_WORDS: Mapping[Verdict, VerdictWords] = {
    Verdict.VERIFIED: VerdictWords("Verified", "verified"),
    Verdict.RECIPIENT_MISMATCH: VerdictWords("Not this candidate's", "awarded to someone else"),
    Verdict.REVOKED: VerdictWords("Revoked", "revoked by the issuer"),
    Verdict.EXPIRED: VerdictWords("Expired", "expired"),
    Verdict.NOT_YET_VALID: VerdictWords("Not yet valid", "not valid yet"),
    Verdict.INVALID: VerdictWords("Invalid", "no longer valid (it failed a check)"),
    Verdict.UNREACHABLE: VerdictWords(
        "Issuer unreachable", "not checkable: the issuer does not answer"
    ),
    Verdict.UNSUPPORTED: VerdictWords("Unsupported format", "in a format Skillproof cannot check"),
}


def format_label(value: str | None) -> str:
    """The format in words; a value this table does not know is an unknown format, never raw."""
    try:
        return FORMAT_LABELS[Format(value or "unknown")]
    except ValueError:
        return FORMAT_LABELS[Format.UNKNOWN]


def verdict_words(value: str | None) -> VerdictWords | None:
    try:
        return VERDICT_WORDS[Verdict(value or "")]
    except ValueError:
        return None


def verdict_label(value: str | None) -> str:
    found = verdict_words(value)
    return found.label if found else "Not checked"


def verdict_phrase(value: str | None) -> str:
    found = verdict_words(value)
    return found.phrase if found else "not checked"


def assurance_label(value: str | None, verdict: str | None, holder: str, course: str) -> str | None:
    """What a result can and cannot show, where its verdict word would mislead: an issuer's
    certificate page that named a holder and a course is "unsupported" as a credential, yet
    its site vouched for something. A page that named nobody, or someone else, gets none."""
    readable = verdict == Verdict.UNSUPPORTED and bool(holder.strip()) and bool(course.strip())
    return ASSURANCE_LABEL if value == Format.ISSUER_PAGE and readable else None
