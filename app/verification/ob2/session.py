"""The state of one verification: checks and documents gathered so far, and the evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import NoReturn

from app.verification.fetcher import Fetcher
from app.verification.recipient import RecipientOutcome
from app.verification.result import (
    Achievement,
    Check,
    Document,
    Issuer,
    Outcome,
    RecipientStatus,
    Skill,
    Verdict,
    VerificationResult,
    conclude,
    decide,
)


class Halt(Exception):
    """Stop checking: a failure was recorded after which further checks mean nothing."""


@dataclass
class Session:
    target: str
    fetcher: Fetcher
    now: datetime
    emails: Sequence[str] = ()
    names: Sequence[str] = ()  # the candidate's names, for pages that name their holder
    format: str = "unknown"
    checks: list[Check] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    recipient: RecipientOutcome | None = None
    subject_name: str | None = None
    issuer: Issuer | None = None
    achievement: Achievement | None = None
    skills: tuple[Skill, ...] = ()
    issued_on: datetime | None = None
    expires: datetime | None = None
    credential_id: str | None = None

    def passed(self, check_id: str, detail: str) -> None:
        self.checks.append(Check(check_id, Outcome.PASS, detail))

    def warn(self, check_id: str, detail: str) -> None:
        self.checks.append(Check(check_id, Outcome.WARN, detail))

    def skip(self, check_id: str, detail: str) -> None:
        self.checks.append(Check(check_id, Outcome.SKIP, detail))

    def fail(self, check_id: str, detail: str, verdict: Verdict) -> None:
        self.checks.append(Check(check_id, Outcome.FAIL, detail, verdict))

    def halt(self, check_id: str, detail: str, verdict: Verdict) -> NoReturn:
        self.fail(check_id, detail, verdict)
        raise Halt(detail)

    def verdict(self) -> Verdict:
        return decide(self.checks)

    def result(self) -> VerificationResult:
        recipient = self.recipient
        checks, verdict = conclude(self.checks)
        return VerificationResult(
            target=self.target,
            verdict=verdict,
            format=self.format,
            checks=checks,
            recipient=recipient.status if recipient else RecipientStatus.SKIPPED,
            recipient_detail=recipient.detail if recipient else None,
            recipient_identity=recipient.matched if recipient else None,
            awarded_to=recipient.awarded if recipient else (),
            subject_name=self.subject_name,
            issuer=self.issuer,
            achievement=self.achievement,
            skills=self.skills,
            issued_on=self.issued_on,
            expires=self.expires,
            checked_at=self.now,
            credential_id=self.credential_id,
            documents=tuple(self.documents),
        )

    def merge(self, other: VerificationResult) -> VerificationResult:
        """Another verifier's result with this session's earlier checks and documents in front."""
        checks, verdict = conclude((*self.checks, *other.checks))
        if verdict is Verdict.VERIFIED:
            verdict = other.verdict
        return replace(
            other,
            target=self.target,
            checks=checks,
            documents=(*self.documents, *other.documents),
            verdict=verdict,
        )
