"""Open Badges dates: ISO 8601 (no zone means UTC) and, for OB 0.5/1.x, Unix timestamps."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

_DIGITS = re.compile(r"\d+")
_YEAR_MONTH = re.compile(r"(\d{4})-?(\d{2})")
# fromisoformat wants a colon in a zone offset written after a time (-05:00, not -0500).
_COMPACT_ZONE = re.compile(r"([+-]\d{2})(\d{2})$")
_MAX_TIMESTAMP = 253402300799  # 9999-12-31T23:59:59Z


class DateError(ValueError):
    """A date value that is not a date."""


def parse_date(value: Any, *, allow_timestamp: bool = False) -> datetime:
    """An aware UTC datetime from an Open Badges date value; raises DateError."""
    if isinstance(value, bool) or value is None:
        raise DateError(f"not a date: {value!r}")
    if isinstance(value, int | float):
        return _from_timestamp(value, allow_timestamp)
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise DateError(f"not a date: {_short(value)}")
    text = value.strip()
    if allow_timestamp and _DIGITS.fullmatch(text) and 9 <= len(text) <= 11:
        return _from_timestamp(int(text), allow_timestamp)
    return _from_iso(text)


def _from_timestamp(value: float, allowed: bool) -> datetime:
    if not allowed:
        raise DateError(f"a Unix timestamp is not allowed here: {value!r}")
    if not 0 <= value <= _MAX_TIMESTAMP:
        raise DateError(f"timestamp out of range: {value!r}")
    return datetime.fromtimestamp(value, UTC)


def _from_iso(text: str) -> datetime:
    match = _YEAR_MONTH.fullmatch(text)
    if match:
        text = f"{match.group(1)}-{match.group(2)}-01"
    candidate = _COMPACT_ZONE.sub(r"\1:\2", text) if "T" in text else text
    try:
        parsed = datetime.fromisoformat(candidate.replace("z", "Z"))
    except ValueError:
        raise DateError(f"not a date: {_short(text)}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def format_date(value: datetime) -> str:
    """A date as a recruiter reads it: '31 Dec 2016'."""
    return f"{value.day} {value:%b %Y}"
