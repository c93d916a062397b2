"""Badge images: only known raster formats, or SVG rebuilt from an allowlist. Never executed."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, tostring

from app.verification.svgxml import SvgError, parse_svg

MAX_IMAGE_BYTES = 1024 * 1024
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
RASTER_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
SVG_ELEMENTS = {
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "defs",
    "lineargradient",
    "radialgradient",
    "stop",
    "clippath",
    "mask",
    "title",
    "desc",
    "symbol",
    "use",
    "pattern",
    "style",
}
SVG_ATTRIBUTES = {
    "id",
    "x",
    "y",
    "x1",
    "x2",
    "y1",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "d",
    "points",
    "width",
    "height",
    "viewbox",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-opacity",
    "stroke-dasharray",
    "opacity",
    "transform",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientunits",
    "gradienttransform",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "clip-path",
    "mask",
    "preserveaspectratio",
    "clip-rule",
    "fx",
    "fy",
    "dx",
    "dy",
    "patternunits",
    "xmlns",
    "version",
    "href",
    "style",
    "class",
    "spreadmethod",
    "fr",
    "clippathunits",
    "maskunits",
    "maskcontentunits",
    "patterncontentunits",
    "patterntransform",
    "font-style",
    "letter-spacing",
    "visibility",
    "display",
}
# url() may only point inside the image (#id), in attributes and in CSS alike
URL_REFERENCE = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
# CSS that could reach outside the image or hide a reference from the check above
UNSAFE_CSS = re.compile(r"@|\\|expression|javascript|behavior|binding|<", re.IGNORECASE)


class ImageRejected(ValueError):
    """Not an image we will show; the message says why."""


def clean(data: bytes) -> tuple[str, bytes]:
    """(content type, bytes) safe to serve from our origin, or ImageRejected."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRejected("the image is larger than 1 MiB")
    if data[:12].startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp", data
    for magic, content_type in RASTER_MAGIC:
        if data.startswith(magic):
            return content_type, data
    if b"<svg" in data[:4096].lower():
        return "image/svg+xml", sanitise_svg(data)
    raise ImageRejected("not a PNG, JPEG, GIF, WebP or SVG image")


def sanitise_svg(data: bytes) -> bytes:
    """The SVG rebuilt from allowlisted elements and attributes: no script, events or links out.

    Gradients, clip paths, masks and patterns are kept (SVG names them in camelCase), so are
    `style` attributes and `<style>` sheets whose CSS has no at-rule, escape or outside url().
    """
    try:
        root = parse_svg(data)
    except SvgError as error:
        raise ImageRejected(f"the SVG image could not be read safely: {error}") from error
    if _local(root.tag) != "svg":
        raise ImageRejected("the SVG image has no <svg> root")
    cleaned = _copy(root, depth=0)
    assert cleaned is not None
    cleaned.set("xmlns", SVG_NS)
    return tostring(cleaned, encoding="utf-8", xml_declaration=False)


def _copy(node: Element, depth: int) -> Element | None:
    name = _local(node.tag)
    if depth > 64 or name.lower() not in SVG_ELEMENTS:
        return None
    if name == "style" and not _safe_css(node.text or ""):
        return None
    copy = Element(name)
    for key, value in node.attrib.items():
        attribute = _local(key).lower()
        if attribute not in SVG_ATTRIBUTES or URL_REFERENCE.search(value):
            continue
        if attribute == "style" and not _safe_css(value):
            continue
        if attribute == "href" and not value.startswith("#"):
            continue
        copy.set("href" if attribute == "href" else _local(key), value)
    copy.text = node.text if name in {"text", "tspan", "title", "desc", "style"} else None
    for child in node:
        cleaned = _copy(child, depth + 1)
        if cleaned is not None:
            cleaned.tail = child.tail if name in {"text", "tspan"} else None
            copy.append(cleaned)
    return copy


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _safe_css(value: str) -> bool:
    return not URL_REFERENCE.search(value) and not UNSAFE_CSS.search(value)
