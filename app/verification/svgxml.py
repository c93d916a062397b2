"""Reading SVG safely: a DOCTYPE is accepted, a DTD is never processed.

Illustrator and Inkscape write `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "…svg11.dtd">`.
expat reads past it without loading the external DTD (parameter entities are never parsed),
and defusedxml refuses every entity declaration (billion laughs) and every external reference,
so nothing named in a DOCTYPE is fetched, expanded or trusted.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException


class SvgError(ValueError):
    """An SVG that cannot be read safely; the message is plain words."""


def parse_svg(data: bytes) -> Element:
    """The SVG's root element (any root: the caller checks it is <svg>)."""
    try:
        root: Element = SafeET.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise SvgError(
            "the SVG declares entities or refers to outside documents, which Skillproof "
            "refuses to read"
        ) from None
    except (ParseError, ValueError, UnicodeDecodeError):
        raise SvgError("the SVG image is not well-formed XML") from None
    return root


def local_name(tag: object) -> str:
    """`{namespace}name` -> `name`."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
