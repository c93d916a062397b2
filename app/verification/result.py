"""The verdict vocabulary and the result every verification returns (ARCHITECTURE.md)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.verification.recipient import AwardedEmail


class Verdict(enum.StrEnum):
    VERIFIED = "verified"
    RECIPIENT_MISMATCH = "recipient_mismatch"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    INVALID = "invalid"
    UNREACHABLE = "unreachable"
    UNSUPPORTED = "unsupported"


# When several verdicts apply, the first in this order wins.
PRECEDENCE: tuple[Verdict, ...] = (
    Verdict.INVALID,
    Verdict.UNSUPPORTED,
    Verdict.RECIPIENT_MISMATCH,
    Verdict.REVOKED,
    Verdict.EXPIRED,
    Verdict.NOT_YET_VALID,
    Verdict.UNREACHABLE,
    Verdict.VERIFIED,
)


def strongest(verdicts: Iterable[Verdict]) -> Verdict:
    """The verdict that wins among several; `verified` when there are none."""
    present = set(verdicts)
    return next((v for v in PRECEDENCE if v in present), Verdict.VERIFIED)


# The checks that can show a credential is authentic: a proof or JWS that verified with the
# issuer's key, or a hosted badge served from an origin its issuer allows. Nothing else can.
AUTHENTICITY_CHECKS = frozenset({"signature", "hosted-origin"})
NOT_AUTHENTICATED = "nothing showed who issued it: no signature or issuer-hosted copy was verified"


class Outcome(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"


class RecipientStatus(enum.StrEnum):
    MATCHED = "matched"
    MISMATCH = "mismatch"
    NOT_CHECKABLE = "not_checkable"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Check:
    """One step of a verification. A failed check names the verdict it leads to."""

    id: str
    outcome: Outcome
    detail: str
    verdict: Verdict | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "outcome": str(self.outcome), "detail": self.detail}
        if self.verdict is not None:
            data["verdict"] = str(self.verdict)
        return data


def authenticated(checks: Iterable[Check]) -> bool:
    """An authenticity check passed and none failed."""
    found = [c for c in checks if c.id in AUTHENTICITY_CHECKS]
    return any(c.outcome is Outcome.PASS for c in found) and not any(
        c.outcome is Outcome.FAIL for c in found
    )


def decide(checks: Iterable[Check]) -> Verdict:
    """The verdict of a list of checks, failing closed.

    A failed check leads to its verdict (`invalid` when it names none); with no failure, the
    result is `verified` only when an authenticity check passed, else `invalid`.
    """
    checks = tuple(checks)
    failed = [_failed_verdict(c) for c in checks if c.outcome is Outcome.FAIL]
    verdict = strongest(failed)
    if verdict is Verdict.VERIFIED and not authenticated(checks):
        return Verdict.INVALID
    return verdict


def _failed_verdict(check: Check) -> Verdict:
    """What a failed check leads to; one naming no verdict (or `verified`) is `invalid`."""
    return check.verdict if check.verdict not in (None, Verdict.VERIFIED) else Verdict.INVALID


def not_authenticated_check() -> Check:
    return Check("authenticity", Outcome.FAIL, NOT_AUTHENTICATED, Verdict.INVALID)


def conclude(checks: Iterable[Check]) -> tuple[tuple[Check, ...], Verdict]:
    """The checks, with a failed "authenticity" check added when nothing else decided, and
    their verdict: what every verifier path ends with."""
    checks = tuple(checks)
    if decide(checks) is Verdict.INVALID and not any(c.outcome is Outcome.FAIL for c in checks):
        checks = (*checks, not_authenticated_check())
    return checks, decide(checks)


@dataclass(frozen=True, slots=True)
class Issuer:
    id: str | None = None
    name: str | None = None
    url: str | None = None
    email: str | None = None
    image: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("id", "name", "url", "email", "image")}


@dataclass(frozen=True, slots=True)
class Achievement:
    id: str | None = None
    name: str | None = None
    type: str | None = None
    description: str | None = None
    criteria: str | None = None
    image: str | None = None
    tags: tuple[str, ...] = ()
    credits: float | None = None  # OB 3.0 creditsEarned (or creditsAvailable)
    results: tuple[str, ...] = ()  # OB 3.0 results, e.g. "Final grade: A"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            k: getattr(self, k) for k in ("id", "name", "type", "description", "criteria", "image")
        }
        data["tags"] = list(self.tags)
        data["credits"] = self.credits
        data["results"] = list(self.results)
        return data


@dataclass(frozen=True, slots=True)
class Skill:
    """An alignment of the achievement to a skill or competency framework entry."""

    name: str
    framework: str | None = None
    code: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "framework": self.framework, "code": self.code, "url": self.url}


@dataclass(frozen=True, slots=True)
class Document:
    """A document fetched while verifying, kept as evidence (hash always, body when small)."""

    url: str
    status: int
    sha256: str
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class VerificationResult:
    target: str
    verdict: Verdict
    format: str
    checks: tuple[Check, ...]
    recipient: RecipientStatus = RecipientStatus.SKIPPED
    recipient_detail: str | None = None
    # The candidate address the recipient check matched, and who the credential says it was
    # awarded to (a subject DID or URL, and a display name) where it says so.
    recipient_identity: str | None = None
    subject_id: str | None = None
    subject_name: str | None = None
    # The e-mail identities (plain, or hashed with their salt) the credential is awarded to: a
    # candidate may later prove one of them by a one-time code.
    awarded_to: tuple[AwardedEmail, ...] = ()
    issuer: Issuer | None = None
    achievement: Achievement | None = None
    skills: tuple[Skill, ...] = ()
    issued_on: datetime | None = None
    expires: datetime | None = None
    checked_at: datetime | None = None
    credential_id: str | None = None
    documents: tuple[Document, ...] = ()
    nested: tuple[VerificationResult, ...] = field(default=())
    elapsed_ms: float = 0.0

    def __post_init__(self) -> None:
        # Fail closed whoever builds the result: `verified` must be earned by the checks.
        if self.verdict is Verdict.VERIFIED and decide(self.checks) is not Verdict.VERIFIED:
            checks, verdict = conclude(self.checks)
            object.__setattr__(self, "checks", checks)
            object.__setattr__(self, "verdict", verdict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "verdict": str(self.verdict),
            "format": self.format,
            "checks": [c.to_dict() for c in self.checks],
            "recipient": str(self.recipient),
            "recipient_detail": self.recipient_detail,
            "recipient_identity": self.recipient_identity,
            "subject_id": self.subject_id,
            "subject_name": self.subject_name,
            "awarded_to": [a.to_dict() for a in self.awarded_to],
            "issuer": self.issuer.to_dict() if self.issuer else None,
            "achievement": self.achievement.to_dict() if self.achievement else None,
            "skills": [s.to_dict() for s in self.skills],
            "issued_on": _iso(self.issued_on),
            "expires": _iso(self.expires),
            "checked_at": _iso(self.checked_at),
            "credential_id": self.credential_id,
            "documents": [
                {
                    "url": d.url,
                    "status": d.status,
                    "sha256": d.sha256,
                    "content_type": d.content_type,
                }
                for d in self.documents
            ],
            "nested": [n.to_dict() for n in self.nested],
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
