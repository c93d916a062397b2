"""The verdict vocabulary and the result every verification returns (ARCHITECTURE.md)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Verdict(enum.StrEnum):
    VERIFIED = "verified"
    RECIPIENT_MISMATCH = "recipient_mismatch"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    INVALID = "invalid"
    UNREACHABLE = "unreachable"
    UNSUPPORTED = "unsupported"

    @property
    def counts_as_evidence(self) -> bool:
        return self is Verdict.VERIFIED


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "verdict": str(self.verdict),
            "format": self.format,
            "checks": [c.to_dict() for c in self.checks],
            "recipient": str(self.recipient),
            "recipient_detail": self.recipient_detail,
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
