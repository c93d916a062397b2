"""Course certificate pages (Coursera, edX, LinkedIn Learning, Microsoft Learn): recognised by
host and path, read as low-assurance "issuer page" evidence.

Such a page is no credential: nothing in it is signed. What it can show is that the issuer's own
site, at this address, names a holder and a course. Its verdict is therefore never `verified`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

FORMAT = "issuer-page"
ASSURANCE_LABEL = "Issuer page — not cryptographically verifiable"
NOT_A_CREDENTIAL = "an issuer's certificate page, not a verifiable credential"


@dataclass(frozen=True, slots=True)
class IssuerPage:
    """A recognised certificate page: who publishes it, where to read it, which hosts count."""

    issuer: str
    url: str
    site: str  # the issuer's registrable domain, in words: "coursera.org"
    hosts: frozenset[str]  # the only hosts whose answer counts (a redirect elsewhere fails)


@dataclass(frozen=True, slots=True)
class _Rule:
    issuer: str
    site: str
    hosts: frozenset[str]
    path: re.Pattern[str]


_CODE = r"[A-Za-z0-9]{6,40}"
_HEX32 = r"[0-9a-fA-F]{32}"
_LOCALE = r"[a-zA-Z]{2}(?:-[a-zA-Z]{2,4})?"
_USER = r"[A-Za-z0-9_.-]{1,100}"

RULES: tuple[_Rule, ...] = (
    _Rule(
        "Coursera",
        "coursera.org",
        frozenset({"www.coursera.org", "coursera.org"}),
        re.compile(
            rf"/account/accomplishments/(?:verify|certificate|specialization(?:/certificate)?"
            rf"|professional-cert)/{_CODE}/?|/verify/(?:specialization/)?{_CODE}/?"
        ),
    ),
    _Rule(
        "edX",
        "edx.org",
        frozenset({"credentials.edx.org", "courses.edx.org"}),
        re.compile(rf"/credentials/{_HEX32}/?|/certificates/{_HEX32}/?"),
    ),
    _Rule(
        "LinkedIn Learning",
        "linkedin.com",
        frozenset({"www.linkedin.com", "linkedin.com"}),
        re.compile(r"/learning/certificates/[0-9a-fA-F]{16,128}/?"),
    ),
    _Rule(
        "Microsoft Learn",
        "learn.microsoft.com",
        frozenset({"learn.microsoft.com"}),
        re.compile(
            rf"/api/credentials/share/{_LOCALE}/{_USER}/[A-Za-z0-9]{{6,64}}/?"
            rf"|/{_LOCALE}/users/{_USER}/credentials/[A-Za-z0-9]{{6,64}}/?"
        ),
    ),
)
HOSTS: frozenset[str] = frozenset(host for rule in RULES for host in rule.hosts)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def recognise(url: str) -> IssuerPage | None:
    """The certificate page this URL names, judged by host and path only, or None.

    The page is always read over HTTPS from the host given; a lookalike host
    (coursera.org.evil.example), another port or a login in the URL is not recognised.
    """
    try:
        parts = urlsplit(url.strip())
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or parts.username or parts.password:
        return None
    if port not in (None, _DEFAULT_PORTS[parts.scheme]):
        return None
    for rule in RULES:
        if host in rule.hosts and rule.path.fullmatch(parts.path):
            query = f"?{parts.query}" if parts.query else ""
            url = f"https://{host}{parts.path}{query}"
            return IssuerPage(rule.issuer, url, rule.site, rule.hosts)
    return None


def served_by_issuer(page: IssuerPage, final_url: str) -> bool:
    """The page was finally served over HTTPS by one of the issuer's own hosts."""
    try:
        parts = urlsplit(final_url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return False
    return parts.scheme == "https" and port in (None, 443) and host in page.hosts


def fold(text: str) -> str:
    """Accents, case and punctuation dropped: "Adá  LOVELACE-King" -> "ada lovelace king"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+|_", " ", plain).split())


def same_person(candidate: str, holder: str) -> bool:
    """Whether a page's holder is the candidate: the same words in any order, or one name's
    words (at least two) all within the other's ("Ada Lovelace" and "Ada King Lovelace")."""
    mine, theirs = fold(candidate).split(), fold(holder).split()
    if not mine or not theirs:
        return False
    if set(mine) == set(theirs):
        return True
    shorter, longer = sorted((set(mine), set(theirs)), key=len)
    return len(shorter) >= 2 and shorter <= longer


def matching_name(names: Iterable[str], holders: Sequence[str]) -> str | None:
    """The first of the candidate's names that one of the page's holders matches."""
    for name in names:
        if any(same_person(name, holder) for holder in holders):
            return name
    return None


def mentions(text: str, phrase: str) -> bool:
    """Whether `text` contains `phrase` as whole words, accent-, case- and spacing-insensitive."""
    needle = fold(phrase)
    return bool(needle) and f" {needle} " in f" {fold(text)} "
