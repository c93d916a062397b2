"""Names that look alike: an issuer imitating a trusted one, a badge holder who is someone else.

Both comparisons read names that attackers write, so they fail towards silence: an issuer name is
a lookalike only when it is equal, confusable or nearly equal to the trusted name; a person's
name is "different" only when the two names share nothing, never when they cannot be compared
(two alphabets, initials alone, nothing written).
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from urllib.parse import unquote, urlsplit

MAX_NAME_CHARS = 300  # longer text is cut before comparing: the work stays bounded

# Letters of other alphabets that render like Latin ones (after casefolding), from Unicode's
# confusables list: enough to catch "Аmazon" with a Cyrillic А or "Gοogle" with a Greek ο.
HOMOGLYPHS = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "һ": "h",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ӏ": "l",
        "ɡ": "g",
        # Greek
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ζ": "z",
        # Latin look-alikes
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ß": "ss",
    }
)
# Shapes that pass for others once the text is lower case: l, 1 and I; 0 and o; rn and m.
VISUAL = (("rn", "m"), ("vv", "w"), ("1", "l"), ("i", "l"), ("0", "o"), ("5", "s"))
# Words that dress a name up without changing whose it is ("Example Inc." is "Example").
NOISE_WORDS = frozenset(
    [
        "the",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "bv",
        "nv",
        "co",
        "corp",
        "corporation",
        "company",
        "org",
    ]
)
WORD = re.compile(r"[^\W_]+")


class Resemblance(enum.StrEnum):
    """How an issuer's name resembles a trusted issuer's."""

    SAME = "same"  # the same name, give or take case, spacing and punctuation
    CONFUSABLE = "confusable"  # the same once accents, look-alike letters and "Inc." go
    NEAR = "near"  # one or two letters apart on a long name


def fold(text: str) -> str:
    """Case, compatibility forms and accents folded: "Ｃafé" -> "cafe"."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_NAME_CHARS].casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def skeleton(name: str) -> str:
    """What a name looks like on screen: folded, look-alike letters merged, dressing dropped."""
    words = [w for w in WORD.findall(fold(name).translate(HOMOGLYPHS)) if w not in NOISE_WORDS]
    text = "".join(words)
    for shape, seen_as in VISUAL:
        text = text.replace(shape, seen_as)
    return text


def _plain(name: str) -> str:
    return " ".join(WORD.findall(unicodedata.normalize("NFKC", name[:MAX_NAME_CHARS]).casefold()))


def resemblance(name: str, trusted: str) -> Resemblance | None:
    """How `name` resembles the `trusted` name, or None when it does not."""
    shape, trusted_shape = skeleton(name), skeleton(trusted)
    if not shape or not trusted_shape:
        return None
    if _plain(name) == _plain(trusted):
        return Resemblance.SAME
    if shape == trusted_shape:
        return Resemblance.CONFUSABLE
    shorter = min(len(shape), len(trusted_shape))
    allowed = 2 if shorter >= 10 else 1 if shorter >= 6 else 0
    if allowed and edit_distance(shape, trusted_shape, allowed) <= allowed:
        return Resemblance.NEAR
    return None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from a to b; limit + 1 if more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char != other),
            )
            if before is not None and i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def issuer_origin(issuer_id: str) -> str:
    """What an issuer identifier is bound to: a web origin's host (and port), a did:web's
    domain, or the DID itself ("did:key:z6Mk..."); two issuers with one origin are one issuer."""
    issuer_id = issuer_id.strip()
    if issuer_id.startswith("did:web:"):
        host = issuer_id[len("did:web:") :].split(":")[0].split("#")[0]
        return unquote(host).casefold()
    if issuer_id.startswith("did:"):
        return issuer_id.split("#")[0]
    try:
        parts = urlsplit(issuer_id)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return issuer_id.casefold()
    if not host:
        return issuer_id.casefold()
    default = {"https": 443, "http": 80}.get(parts.scheme)
    return host if port in (None, default) else f"{host}:{port}"


class NameMatch(enum.StrEnum):
    """Whether the name on a credential is the candidate's."""

    SAME = "same"
    DIFFERENT = "different"  # the two names share no word at all
    UNCLEAR = "unclear"  # partly alike, two alphabets, initials only, or a name missing


TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "dame",
        "phd",
        "msc",
        "bsc",
        "ba",
        "ma",
        "mba",
        "jr",
        "sr",
        "ii",
        "iii",
    ]
)
# Scripts written without spaces between family and given name.
UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")


@functools.lru_cache(maxsize=4096)  # a page compares the same few names again and again
def compare_names(on_credential: str, candidate: str) -> NameMatch:
    """Accent-, case- and order-blind: "Lovelace, Ada", "A. Lovelace" and "Ada King Lovelace"
    are all Ada Lovelace; "Grace Hopper" is not; "Bob Smith" against "Robert Smith" is unclear."""
    scripts = _script(on_credential), _script(candidate)
    if None in scripts:
        return NameMatch.UNCLEAR
    if scripts[0] != scripts[1]:
        return NameMatch.UNCLEAR  # no transliteration: "Иван" and "Ivan" cannot be compared
    if scripts[0] == "CJK":
        return _compare_unspaced(on_credential, candidate)
    return _compare_words(_words(on_credential), _words(candidate))


def _script(name: str) -> str | None:
    """The alphabet most of the name's letters come from (LATIN, CYRILLIC, CJK...)."""
    counts: dict[str, int] = {}
    for char in name[:MAX_NAME_CHARS]:
        if char.isalpha():
            script = unicodedata.name(char, "UNKNOWN").split(" ")[0]
            script = "CJK" if script in UNSPACED else script  # kanji and kana mix in one name
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda s: counts[s]) if counts else None


def _words(name: str) -> list[str]:
    text = fold(name).replace("'", "").replace("’", "")
    if text.count(",") == 1:  # "Lovelace, Ada"; order is ignored anyway, the comma is not a word
        text = text.replace(",", " ")
    return [w for w in WORD.findall(text) if w not in TITLES]


def _compare_words(mine: list[str], theirs: list[str]) -> NameMatch:
    shorter, longer = sorted((mine, theirs), key=len)
    if not shorter or all(len(w) == 1 for w in shorter + longer):
        return NameMatch.UNCLEAR
    free = list(longer)
    whole = matched = 0
    for word in sorted(shorter, key=len, reverse=True):  # whole words first, initials last
        partner = next((w for w in free if _same_word(word, w)), None)
        if partner is None:
            continue
        free.remove(partner)
        matched += 1
        whole += min(len(word), len(partner)) > 1
    if matched == len(shorter) and whole:
        return NameMatch.SAME
    return NameMatch.DIFFERENT if matched == 0 else NameMatch.UNCLEAR


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:  # an initial
        return a[0] == b[0]
    return min(len(a), len(b)) >= 5 and edit_distance(a, b, 1) <= 1  # a typo in a long name


def _compare_unspaced(on_credential: str, candidate: str) -> NameMatch:
    mine = "".join(WORD.findall(fold(on_credential)))
    theirs = "".join(WORD.findall(fold(candidate)))
    if mine == theirs:
        return NameMatch.SAME
    return NameMatch.DIFFERENT if not set(mine) & set(theirs) else NameMatch.UNCLEAR
