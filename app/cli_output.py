"""How `skillproof verify` prints: JSON Lines for scripts, a short summary for people."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from app.verification.result import Outcome, VerificationResult

MARKS = {Outcome.PASS: "ok  ", Outcome.FAIL: "FAIL", Outcome.WARN: "warn", Outcome.SKIP: "skip"}


def parse_as_of(text: str | None) -> datetime:
    """`--as-of` as an aware datetime; a value without a zone is UTC; none means now.
    Raises ValueError saying what is wrong."""
    if not text:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def print_result(result: VerificationResult, *, as_json: bool) -> None:
    """One line of JSON, or the summary; flushed, so a script reads each result as it comes."""
    if as_json:
        text = json.dumps(result.to_dict(), ensure_ascii=False, separators=(",", ":"))
    else:
        text = summary(result)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def summary(result: VerificationResult) -> str:
    """A few lines a recruiter can read."""
    lines = [
        f"{result.verdict.upper():<18} {result.target}"
        f"  ({result.format}, {result.elapsed_ms:.0f} ms)"
    ]
    if result.achievement and result.achievement.name:
        issuer = result.issuer.name if result.issuer and result.issuer.name else "unknown issuer"
        lines.append(f"  {result.achievement.name!r} from {issuer}{_dates(result)}")
    if result.recipient != "skipped":
        lines.append(
            f"  recipient: {result.recipient}"
            + (f" ({result.recipient_detail})" if result.recipient_detail else "")
        )
    shown = [c for c in result.checks if c.outcome in (Outcome.FAIL, Outcome.WARN)]
    for check in shown:
        lines.append(f"  {MARKS[check.outcome]} {check.id}: {check.detail}")
    return "\n".join(lines)


def _dates(result: VerificationResult) -> str:
    parts = []
    if result.issued_on:
        parts.append(f"issued {result.issued_on.date().isoformat()}")
    if result.expires:
        parts.append(f"expires {result.expires.date().isoformat()}")
    return f" - {', '.join(parts)}" if parts else ""
