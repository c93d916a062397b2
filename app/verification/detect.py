"""What a blob of bytes is, judged by its content (never by a file name or URL)."""

from __future__ import annotations

import enum
import json
import re
from itertools import accumulate
from typing import Any

MAX_JSON_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
# Commas bound the number of values: counted at memchr speed before parsing, so a megabyte of
# tiny values is refused without building it (a badge holds a few hundred values).
MAX_JSON_ITEMS = 20_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

_JWS = re.compile(rb"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_FIRST_TAG = re.compile(rb"<(?![!?])([A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)")
_HTML_DOCTYPE = re.compile(rb"<!doctype\s+html", re.IGNORECASE)
_HTML_TAGS = {b"html", b"head", b"body", b"meta", b"title", b"div", b"p", b"script"}


class Kind(enum.StrEnum):
    JSON = "json"
    JWS = "jws"
    PNG = "png"
    SVG = "svg"
    HTML = "html"
    EMPTY = "empty"
    UNKNOWN = "unknown"


class JsonError(ValueError):
    """Bytes that are not a usable JSON document; the message is plain words."""


def sniff(data: bytes) -> Kind:
    """The kind of document these bytes hold."""
    if data.startswith(PNG_MAGIC):
        return Kind.PNG
    head = _text_head(data)
    if not head:
        return Kind.EMPTY
    if head[:1] in (b"{", b"["):
        return Kind.JSON
    if _JWS.fullmatch(data.strip()):
        return Kind.JWS
    if head.startswith(b"<"):
        return _markup_kind(head)
    return Kind.UNKNOWN


def _text_head(data: bytes) -> bytes:
    return data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()


def _markup_kind(head: bytes) -> Kind:
    if _HTML_DOCTYPE.search(head):
        return Kind.HTML
    first = _FIRST_TAG.search(head)
    tag = first.group(2).lower() if first else b""
    if tag == b"svg":
        return Kind.SVG
    return Kind.HTML if tag in _HTML_TAGS else Kind.UNKNOWN


def parse_json(data: bytes | str) -> Any:
    """Parse JSON strictly: size and depth capped, duplicate names and NaN refused."""
    if len(data) > MAX_JSON_BYTES:
        raise JsonError("the document is too large to be a badge")
    if _commas(data) > MAX_JSON_ITEMS:
        raise JsonError("made of too many separate values to be a badge")
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except RecursionError:
        raise JsonError("the document is nested too deeply") from None
    except UnicodeDecodeError:
        raise JsonError("the document is not UTF-8 text") from None
    except ValueError as exc:  # JSONDecodeError, over-long integers, our own hooks
        raise JsonError(_json_message(exc)) from None
    _check_depth(text)
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise JsonError("the document names the same field twice, so its meaning is ambiguous")
    return result


def _no_constant(name: str) -> Any:
    raise JsonError(f"the document contains {name}, which is not JSON")


def _json_message(exc: ValueError) -> str:
    if isinstance(exc, JsonError):
        return str(exc)
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON (line {exc.lineno}, column {exc.colno})"
    return "not valid JSON (a number is too long)"


def _commas(data: bytes | str) -> int:
    return data.count(b",") if isinstance(data, bytes) else data.count(",")


def _check_depth(text: str) -> None:
    """Nesting depth read from the text (valid JSON by now) with C-speed string operations:
    a Python walk over a megabyte of tiny values would hold the GIL for a second."""
    unescaped = text.replace("\\\\", "").replace('\\"', "")
    structure = "".join(unescaped.split('"')[::2])  # what lies outside the strings
    brackets = _NOT_A_BRACKET.sub("", structure)
    if max(accumulate(map(_NESTING.__getitem__, brackets), initial=0)) >= MAX_DEPTH:
        raise JsonError("the document is nested too deeply")


_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_NESTING = {"[": 1, "{": 1, "]": -1, "}": -1}


_DESCRIPTIONS = {
    Kind.JSON: "a JSON document",
    Kind.JWS: "a signed token (JWS)",
    Kind.PNG: "a PNG image",
    Kind.SVG: "an SVG image",
    Kind.HTML: "a web page",
    Kind.EMPTY: "empty",
    Kind.UNKNOWN: "in a format Skillproof does not recognise",
}


def describe(kind: Kind) -> str:
    """A kind in plain words: 'a web page'."""
    return _DESCRIPTIONS[kind]


_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
)


def describe_file(data: bytes) -> str:
    """What a file that is no badge is, in plain words: 'a PDF document', 'a text file'."""
    found = next((words for magic, words in _MAGIC if data.startswith(magic)), None)
    if found:
        return found
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "a file in a format Skillproof does not recognise"
    return "a text file"
