"""Badges baked into images: PNG iTXt/tEXt/zTXt chunks and SVG openbadges elements."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from app.verification.detect import PNG_MAGIC
from app.verification.svgxml import SvgError, parse_svg

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_PAYLOAD_BYTES = 1024 * 1024
MAX_CHUNKS = 10_000
OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"
_TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt")


class BakedError(ValueError):
    """An image that cannot be read; the message is plain words."""


@dataclass(frozen=True, slots=True)
class Baked:
    """The payload found in an image: OB 2.0 (`ob2`, a URL, JSON or JWS) or OB 3.0 (`ob3`)."""

    image: str  # "png" or "svg"
    ob2: str | None = None
    ob3: str | None = None

    @property
    def empty(self) -> bool:
        return self.ob2 is None and self.ob3 is None


def read_png(data: bytes) -> Baked:
    """Walk the PNG chunks up to IEND and take the first openbadges / openbadgecredential text."""
    if len(data) > MAX_IMAGE_BYTES:
        raise BakedError("the image is too large")
    if not data.startswith(PNG_MAGIC):
        raise BakedError("not a PNG image")
    found: dict[str, str] = {}
    for kind, body in _chunks(data):
        if kind in _TEXT_CHUNKS:
            keyword, text = _text_chunk(kind, body)
            if keyword in (OB2_KEYWORD, OB3_KEYWORD):
                found.setdefault(keyword, text)
    return Baked("png", found.get(OB2_KEYWORD), found.get(OB3_KEYWORD))


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks: list[tuple[bytes, bytes]] = []
    pos = len(PNG_MAGIC)
    while len(chunks) < MAX_CHUNKS:
        if pos + 12 > len(data):
            raise BakedError("the image is cut short (no end marker)")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if length > len(data) - pos - 12:  # a declared length is never trusted for an allocation
            raise BakedError(
                "the image is cut short or corrupt (a part claims to be longer than the file)"
            )
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise BakedError("the image is corrupt (a checksum does not match)")
        if kind == b"IEND":
            return chunks
        chunks.append((kind, body))
        pos += 12 + length
    raise BakedError("the image has too many parts")


def _text_chunk(kind: bytes, body: bytes) -> tuple[str, str]:
    keyword, sep, rest = body.partition(b"\0")
    if not sep:
        raise BakedError("the image has a malformed text part")
    name = keyword.decode("latin-1")
    if kind == b"tEXt":
        return name, rest.decode("latin-1")
    if kind == b"zTXt":
        return name, _inflate(rest[1:]).decode("latin-1")
    return name, _itxt(rest)


def _itxt(rest: bytes) -> str:
    if len(rest) < 2:
        raise BakedError("the image has a malformed text part")
    compressed, text = rest[0], rest[2:]
    for _ in range(2):  # skip the language tag and the translated keyword
        _, sep, text = text.partition(b"\0")
        if not sep:
            raise BakedError("the image has a malformed text part")
    raw = _inflate(text) if compressed else text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BakedError("the badge baked in this image is not UTF-8 text") from None


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_PAYLOAD_BYTES + 1)
    except zlib.error:
        raise BakedError("the badge baked in this image cannot be decompressed") from None
    if len(out) > MAX_PAYLOAD_BYTES or inflater.unconsumed_tail:
        raise BakedError("the badge baked in this image is too large")
    return out


def read_svg(data: bytes) -> Baked:
    """Find openbadges:assertion and openbadges:credential: each its text, else its `verify`
    attribute (a URL for OB 2.0, the compact VC-JWT for OB 3.0)."""
    if len(data) > MAX_IMAGE_BYTES:
        raise BakedError("the image is too large")
    try:
        root = parse_svg(data)
    except SvgError as error:
        raise BakedError(str(error)) from None
    if _local(root.tag) != "svg":
        raise BakedError("not an SVG image")
    assertion = _first(root, "assertion")
    credential = _first(root, "credential")
    return Baked("svg", _assertion_payload(assertion), _assertion_payload(credential))


def _first(root: Element, name: str) -> Element | None:
    return next(
        (e for e in root.iter() if _local(e.tag) == name and _is_badge_namespace(e.tag)),
        None,
    )


def _is_badge_namespace(tag: str) -> bool:
    """OB 2.0's http://openbadges.org, or OB 3.0's https://purl.imsglobal.org/ob/v3p0."""
    namespace = _namespace(tag)
    return "openbadges" in namespace or "purl.imsglobal.org/ob/" in namespace


def _assertion_payload(element: Element | None) -> str | None:
    if element is None:
        return None
    return _element_text(element) or element.get("verify", "").strip() or None


def _element_text(element: Element | None) -> str | None:
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    if len(text) > MAX_PAYLOAD_BYTES:
        raise BakedError("the badge baked in this image is too large")
    return text or None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0].lower() if isinstance(tag, str) and tag.startswith("{") else ""
