"""Our own expected verdict and reason for every file of the shared corpus, and what it carries.

The pins (tests/unit/corpus_pins_ob2.json, corpus_pins_ob3.json) hold, per corpus case, the
verdict Skillproof gives and its reason: the first failing check as "id: detail" ("" when
verified). The corpus tests compare each run with its pin, so a crash, a changed verdict or a
changed reason fails, whatever the upstream verdict is. After a deliberate change, re-pin with

    SKILLPROOF_REPIN=1 .venv/bin/pytest tests/unit/test_corpus_ob2.py tests/unit/test_corpus_ob3.py

review the diff, then regenerate docs/conformance.md with
`.venv/bin/python -m tests.support.conformance_doc`: every valid signed file we do not call
verified must be listed with the ARCHITECTURE.md rule that makes it so (tests check the page).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.verification.baked import BakedError, read_png, read_svg
from app.verification.detect import Kind, sniff
from app.verification.result import Outcome, VerificationResult

ROOT = Path(__file__).resolve().parents[2]
PINS = ROOT / "tests" / "unit"
CONFORMANCE = ROOT / "docs" / "conformance.md"
ARCHITECTURE = ROOT.parent / "shared" / "ARCHITECTURE.md"
REPIN = os.environ.get("SKILLPROOF_REPIN") == "1"
UNEXPECTED = "unexpected error"
VALID = ("valid", "valid-with-warnings")

SIGNED, HOSTED, UNSIGNED, NO_BADGE = "signed", "hosted", "unsigned", "no badge"


@dataclass(frozen=True)
class Pin:
    verdict: str
    reason: str


def reason_of(result: VerificationResult) -> str:
    """The check that decided the verdict as "id: detail" (the first failing one that leads to
    it, else the first failing one), or "" when nothing failed."""
    failing = [c for c in result.checks if c.outcome is Outcome.FAIL]
    deciding = [c for c in failing if c.verdict is result.verdict] or failing
    return f"{deciding[0].id}: {deciding[0].detail}" if deciding else ""


def pin_of(result: VerificationResult) -> Pin:
    return Pin(str(result.verdict), reason_of(result))


class PinBook:
    """The pins of one corpus test module; under SKILLPROOF_REPIN=1 it records and rewrites."""

    def __init__(self, name: str) -> None:
        self.path = PINS / f"corpus_pins_{name}.json"
        raw = json.loads(self.path.read_text(encoding="utf-8")) if self.path.is_file() else {}
        self.pins = {key: Pin(**value) for key, value in raw.items()}
        self.recorded: dict[str, Pin] = {}

    def __getitem__(self, case_id: str) -> Pin:
        return self.pins[case_id]

    def __contains__(self, case_id: object) -> bool:
        return case_id in self.pins

    def record(self, case_id: str, pin: Pin) -> None:
        self.recorded[case_id] = pin

    def write(self) -> None:
        if not REPIN or not self.recorded:
            return
        merged = {**self.pins, **self.recorded}
        data = {key: asdict(merged[key]) for key in sorted(merged)}
        self.path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")


def carries(data: bytes) -> str:
    """What a corpus file carries: a proof (SIGNED), a hosted link, neither, or no badge."""
    if sniff(data) in (Kind.PNG, Kind.SVG):
        try:
            baked = read_png(data) if sniff(data) is Kind.PNG else read_svg(data)
        except BakedError:
            return NO_BADGE
        payload = baked.ob3 or baked.ob2
        return carries(payload.strip().encode()) if payload else NO_BADGE
    text = data.decode("utf-8", "replace").strip()
    if sniff(data) is Kind.JWS:
        return SIGNED
    if text.startswith(("http://", "https://")):
        return HOSTED
    try:
        document = json.loads(text)
    except ValueError:
        return UNSIGNED
    return _carried_by(document)


def _carried_by(document: Any) -> str:
    if not isinstance(document, Mapping):
        return UNSIGNED
    if document.get("proof") is not None:
        return SIGNED
    if "recipient" not in document and "badge" not in document:
        return UNSIGNED  # a BadgeClass, an issuer profile, an unsigned VC example
    verification = document.get("verification") or document.get("verify") or {}
    kind = verification.get("type", "") if isinstance(verification, Mapping) else ""
    if str(kind).lower() in ("signed", "signedbadge"):
        return UNSIGNED  # a signed badge's content without its signature
    links = [
        document.get("id"),
        verification.get("url") if isinstance(verification, Mapping) else None,
    ]
    return HOSTED if any(_is_web(link) for link in links) else UNSIGNED


def _is_web(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Summary:
    """Agreement with the upstream verdicts, counted over files with a proof or a hosted link."""

    corpus: str
    counted: int
    agree: int
    unsigned: int
    unsigned_agree: int
    no_badge: int

    def row(self) -> str:
        return (
            f"| {self.corpus} | {self.counted} | {self.agree} | {self.unsigned} "
            f"({self.unsigned_agree} agree) | {self.no_badge} |"
        )


def summarise(corpus: str, rows: Iterator[tuple[str, bool]]) -> Summary:
    """`rows`: (what the file carries, whether our pinned verdict agrees with upstream)."""
    counted = agree = unsigned = unsigned_agree = no_badge = 0
    for carried, agreeing in rows:
        if carried in (SIGNED, HOSTED):
            counted, agree = counted + 1, agree + agreeing
        elif carried == UNSIGNED:
            unsigned, unsigned_agree = unsigned + 1, unsigned_agree + agreeing
        else:
            no_badge += 1
    return Summary(corpus, counted, agree, unsigned, unsigned_agree, no_badge)


def quoted_rules(rule: str) -> list[str]:
    """The ARCHITECTURE.md wording a rule cell quotes ("…")."""
    return re.findall(r"“([^”]+)”", rule)


def architecture_text() -> str:
    return " ".join(ARCHITECTURE.read_text(encoding="utf-8").split())
