"""Reading a certificate page's holder and course out of its HTML, safely.

The page is attacker-written text: it is parsed with the standard library's tokenizer (no
script runs, nothing is fetched), only its first MAX_PAGE_BYTES are read, and every value kept
is capped. Where a page names its holder, in order of trust:
- an element whose class says so (edX `accomplishment-recipient`, Coursera `learner-name`, …);
- Coursera's embedded state (`"AccomplishmentsSignatureTrackProfile","firstName":…,"lastName":…`);
- a JSON-LD `Person` (or a credential's `recipient` / `credentialSubject`);
- a sentence: "completed by Ada Lovelace", "awarded to …", "Ada Lovelace's account is verified".
The course comes from a course-name element, Coursera's `Course_Course` state, JSON-LD, or the
page's title (`og:title`, then `<title>`) without the issuer's own words around it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from app.verification.detect import JsonError, parse_json

MAX_PAGE_BYTES = 1024 * 1024
MAX_TEXT_CHARS = 200_000
# The tokenizer is pure Python (tens of microseconds a tag on a busy machine): past this many
# tags, opening and closing, it stops, so a megabyte of markup cannot hold a worker for seconds
# (bench/issuer_pages.py). Certificate pages name their holder well before; Coursera's embedded
# state is matched on the raw text, not parsed.
MAX_TAGS = 12_000
MAX_VALUE_CHARS = 300
MAX_JSON_LD = 8

HOLDER_CLASSES = frozenset(
    {
        "accomplishment-recipient",
        "learner-name",
        "recipient-name",
        "certificate-recipient",
        "certificate__name",
        "certify-name",
        "holder-name",
    }
)
COURSE_CLASSES = frozenset(
    {"accomplishment-course-name", "course-name", "certificate-course-name", "certificate__title"}
)
_PERSON_TYPES = {"Person"}
_COURSE_TYPES = {"Course", "EducationalOccupationalCredential", "EducationalOccupationalProgram"}

_WORD = r"[^\W\d_][\w'’.-]*"
_NAME = rf"{_WORD}(?:[ \u00a0]{_WORD}){{0,5}}"
_AFTER_MARKER = re.compile(
    r"(?:completed by|awarded to|issued to|earned by|(?:certify|certifies|verifies) that)"
    rf"\s+(?P<name>{_NAME})",
    re.IGNORECASE,
)
_BEFORE_MARKER = re.compile(rf"^(?P<name>{_NAME})['’]s account is verified", re.IGNORECASE)
_CONNECTORS = re.compile(r"\s+(?:has|have|for|on|in|who|successfully)\b.*$", re.IGNORECASE)
_COURSERA_HOLDER = re.compile(
    r'"AccomplishmentsSignatureTrackProfile","firstName":("(?:[^"\\]|\\.){0,200}"),'
    r'"lastName":("(?:[^"\\]|\\.){0,200}")'
)
_COURSERA_COURSE = re.compile(
    r'"Course_Course","id":"[^"]{1,100}","slug":"[^"]{1,200}","name":("(?:[^"\\]|\\.){1,400}")'
)
_TITLE_PREFIXES = re.compile(
    r"^(?:completion certificate for|certificate of completion|course certificate|"
    r"certificate for|certificate)\s*[:–—-]?\s+",
    re.IGNORECASE,
)
_TITLE_SUFFIXES = re.compile(
    r"\s*(?:[|–—-]\s*(?:coursera|edx|linkedin learning|linkedin|microsoft learn)\b.*"
    r"|\bcertificate\s*$)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PageReading:
    """What a certificate page says: its holders (as written) and its course, when readable."""

    holders: tuple[str, ...]
    course: str | None
    title: str | None


def read_page(content: bytes) -> PageReading:
    """The holder and course a certificate page names; never raises for bad input."""
    parser = _Reader()
    text = content[:MAX_PAGE_BYTES].decode("utf-8", errors="replace")
    try:
        parser.feed(text)
        parser.close()
    except _Enough:
        pass
    except (AssertionError, ValueError):  # the tokenizer's own complaints: keep what was read
        pass
    title = _clean(parser.meta.get("og:title") or parser.title)
    course = next(iter(_unique(_courses(parser, text, title))), None)
    return PageReading(holders=_holders(parser, text), course=course, title=title)


def _holders(reader: _Reader, text: str) -> tuple[str, ...]:
    """The holders of the most trusted source that names any: a name in a testimonial's
    "awarded to …" must not outvote the page's own holder field."""
    for source in (_marked_holders, _coursera_holders, _json_ld_people, _sentences):
        found = _unique(source(reader, text))
        if found:
            return found
    return ()


def _marked_holders(reader: _Reader, text: str) -> Iterator[str]:
    return iter(reader.holder_texts)


def _coursera_holders(reader: _Reader, text: str) -> Iterator[str]:
    for first, last in _COURSERA_HOLDER.findall(text):
        yield f"{_json_string(first)} {_json_string(last)}"


def _json_ld_people(reader: _Reader, text: str) -> Iterator[str]:
    for doc in reader.json_ld():
        yield from _json_ld_names(doc, _PERSON_TYPES, people=True)


def _sentences(reader: _Reader, text: str) -> Iterator[str]:
    for chunk in (*reader.chunks, reader.meta.get("og:description", "")):
        for pattern in (_AFTER_MARKER, _BEFORE_MARKER):
            found = pattern.search(chunk)
            if found:
                yield _CONNECTORS.sub("", found["name"])


def _courses(reader: _Reader, text: str, title: str | None) -> Iterator[str]:
    yield from reader.course_texts
    for name in _COURSERA_COURSE.findall(text):
        yield _json_string(name)
    for doc in reader.json_ld():
        yield from _json_ld_names(doc, _COURSE_TYPES, people=False)
    if title:
        yield _TITLE_SUFFIXES.sub("", _TITLE_PREFIXES.sub("", title))


def _json_ld_names(doc: Any, types: set[str], *, people: bool, depth: int = 0) -> Iterator[str]:
    if depth > 8:
        return
    if isinstance(doc, list):
        for item in doc[:50]:
            yield from _json_ld_names(item, types, people=people, depth=depth + 1)
        return
    if not isinstance(doc, Mapping):
        return
    kinds = doc.get("@type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    if kinds & types and isinstance(doc.get("name"), str):
        yield doc["name"]
    for key, value in list(doc.items())[:100]:
        holder = value.get("name") if isinstance(value, Mapping) else None
        if people and key in ("recipient", "credentialSubject") and isinstance(holder, str):
            yield holder
        if isinstance(value, Mapping | list):
            yield from _json_ld_names(value, types, people=people, depth=depth + 1)


def _json_string(quoted: str) -> str:
    try:
        value = json.loads(quoted)
    except ValueError:
        return ""
    return value if isinstance(value, str) else ""


def _clean(value: str | None) -> str | None:
    text = " ".join((value or "").split())[:MAX_VALUE_CHARS]
    return text or None


def _unique(values: Iterator[str]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for value in values:
        text = _clean(value)
        if text and any(ch.isalpha() for ch in text) and len(found) < 10:
            found.setdefault(text, None)
    return tuple(found)


class _Enough(Exception):
    """The page has more tags than a certificate page needs: stop reading it."""


@dataclass(slots=True, eq=False)  # compared by identity: two marks may hold the same text
class _Mark:
    """An open element whose class names a holder or a course: its text until it closes."""

    tag: str
    into: list[str]
    text: list[str] = field(default_factory=list)
    depth: int = 1  # nested elements of the same tag, so the right end tag closes it


class _Reader(HTMLParser):
    """Collects a page's title, meta tags, JSON-LD, visible text and marked elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self.meta: dict[str, str] = {}
        self.chunks: list[str] = []
        self.holder_texts: list[str] = []
        self.course_texts: list[str] = []
        self._tags = 0
        self._json_ld: list[str] = []
        self._text_chars = 0
        self._in: str | None = None  # "title", "script", "ld", "style" while inside one
        self._buffer: list[str] = []
        self._marks: list[_Mark] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._count_tag()
        values = {name: value or "" for name, value in attrs}
        for mark in self._marks:
            if mark.tag == tag:
                mark.depth += 1
        if tag == "meta":
            self._meta(values)
        elif tag in ("title", "script", "style", "template") and self._in is None:
            ld = tag == "script" and values.get("type", "").lower() == "application/ld+json"
            self._in, self._buffer = ("ld" if ld else tag), []
        classes = set(values.get("class", "").split())
        target = self.holder_texts if classes & HOLDER_CLASSES else None
        if classes & COURSE_CLASSES:
            target = self.course_texts
        if target is not None and len(self._marks) < 20:
            self._marks.append(_Mark(tag, target))

    def _count_tag(self) -> None:
        self._tags += 1
        if self._tags > MAX_TAGS:
            raise _Enough

    def handle_endtag(self, tag: str) -> None:
        self._count_tag()
        if self._in is not None and tag == ("script" if self._in == "ld" else self._in):
            self._close_block()
        mark = next((m for m in reversed(self._marks) if m.tag == tag), None)
        if mark is None:
            return
        mark.depth -= 1
        if mark.depth == 0:
            self._marks.remove(mark)
            if len(mark.into) < 10:
                mark.into.append("".join(mark.text)[: MAX_VALUE_CHARS * 4])

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._buffer.append(data)
            return
        for mark in self._marks:
            mark.text.append(data)
        chunk = data.strip()
        if chunk and self._text_chars < MAX_TEXT_CHARS:
            self.chunks.append(chunk[:2000])
            self._text_chars += len(chunk)

    def _meta(self, values: Mapping[str, str]) -> None:
        key = (values.get("property") or values.get("name") or "").lower()
        if key in ("og:title", "og:description", "twitter:title") and key not in self.meta:
            self.meta[key] = values.get("content", "")[:2000]

    def _close_block(self) -> None:
        body, kind = "".join(self._buffer), self._in
        self._in, self._buffer = None, []
        if kind == "title" and self.title is None:
            self.title = body
        elif kind == "ld" and len(self._json_ld) < MAX_JSON_LD:
            self._json_ld.append(body)

    def json_ld(self) -> Iterator[Any]:
        for body in self._json_ld:
            try:
                yield parse_json(body)
            except JsonError:
                continue
