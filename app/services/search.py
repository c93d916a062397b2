"""Text folding for search: accents and case never keep a recruiter from finding someone."""

from __future__ import annotations

import unicodedata

# Letters that carry no combining mark to drop but that people type without the accent.
_SPELLED_OUT = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
)


def fold(text: str) -> str:
    """`text` without accents or case ("Chloé Müller" -> "chloe muller"), spacing collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.translate(_SPELLED_OUT).split())
