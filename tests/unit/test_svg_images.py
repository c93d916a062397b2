"""SVG as design tools write it: a DOCTYPE is read (never processed); gradients survive cleaning."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree.ElementTree import fromstring

import pytest

from app.services.images import ImageRejected, clean, sanitise_svg
from app.verification.baked import BakedError, read_svg
from app.verification.result import Verdict
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.fakes import FakeFetcher
from tests.support.ob2_builders import baked_svg

ASSERTION = '{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"}'
SVG11_DOCTYPE = (
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
)
ILLUSTRATOR_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    "<!-- Generator: Adobe Illustrator 27.0.0, SVG Export Plug-In . SVG Version: 6.00 "
    "Build 0)  -->\n"
    f"{SVG11_DOCTYPE}\n"
)
INKSCAPE_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    "<!-- Created with Inkscape (http://www.inkscape.org/) -->\n"
    f"{SVG11_DOCTYPE}\n"
)
NOW = datetime(2026, 1, 1, tzinfo=UTC)
SVG_NS = "{http://www.w3.org/2000/svg}"
ILLUSTRATOR_ARTWORK = f"""{ILLUSTRATOR_HEAD}<svg version="1.1" id="Layer_1"
 xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
 x="0px" y="0px" viewBox="0 0 100 100" style="enable-background:new 0 0 100 100;"
 xml:space="preserve">
<style type="text/css">.st0{{fill:url(#SVGID_1_);}}</style>
<linearGradient id="SVGID_1_" gradientUnits="userSpaceOnUse" x1="0" y1="0" x2="100" y2="100">
 <stop offset="0" style="stop-color:#1D4ED8"/><stop offset="1" style="stop-color:#9333EA"/>
</linearGradient>
<radialGradient id="glow" cx="50" cy="50" r="50" spreadMethod="pad">
 <stop offset="0" stop-color="#fff"/></radialGradient>
<clipPath id="badge-shape" clipPathUnits="userSpaceOnUse">
 <circle cx="50" cy="50" r="40"/></clipPath>
<g clip-path="url(#badge-shape)"><rect class="st0" width="100" height="100"/>
<rect fill="url(#glow)" width="100" height="100"/><use xlink:href="#badge-shape"/></g>
</svg>"""


def _with_head(head: str, svg: str) -> bytes:
    return (head + svg).encode()


@pytest.mark.parametrize(
    "head",
    [pytest.param(ILLUSTRATOR_HEAD, id="illustrator"), pytest.param(INKSCAPE_HEAD, id="inkscape")],
)
def test_a_baked_svg_with_a_standard_doctype_is_read(head: str) -> None:
    assert read_svg(_with_head(head, baked_svg(ASSERTION))).ob2 == ASSERTION


def test_a_baked_svg_with_a_doctype_gets_its_badges_verdict_not_a_refusal() -> None:
    data = _with_head(ILLUSTRATOR_HEAD, baked_svg(verify="https://issuer.example/a/1"))

    result = verify(Source.from_bytes(data, "badge.svg"), fetcher=FakeFetcher(), now=NOW)

    baked = next(c for c in result.checks if c.id == "baked")
    assert baked.outcome == "pass"
    assert result.verdict is Verdict.INVALID  # the link answers 404 in this fake network


@pytest.mark.parametrize(
    ("doctype", "message"),
    [
        pytest.param('<!DOCTYPE svg [<!ENTITY x "y">]>', "declares entities", id="entity"),
        pytest.param(
            '<!DOCTYPE svg [<!ENTITY x SYSTEM "http://169.254.169.254/">]>',
            "declares entities",
            id="external-entity",
        ),
        pytest.param(
            '<!DOCTYPE svg SYSTEM "http://169.254.169.254/e.dtd" [<!ENTITY % p SYSTEM "x"> %p;]>',
            "declares entities",
            id="parameter-entity",
        ),
    ],
)
def test_a_doctype_that_declares_entities_is_refused(doctype: str, message: str) -> None:
    with pytest.raises(BakedError, match=message):
        read_svg(_with_head(doctype, baked_svg(ASSERTION)))
    with pytest.raises(ImageRejected, match=message):
        sanitise_svg(_with_head(doctype, baked_svg(ASSERTION)))


def test_the_sanitiser_keeps_gradients_clip_paths_and_their_styles() -> None:
    content_type, cleaned = clean(ILLUSTRATOR_ARTWORK.encode())

    root = fromstring(cleaned)
    names = {element.tag.removeprefix(SVG_NS) for element in root.iter()}
    assert content_type == "image/svg+xml"
    assert {"linearGradient", "radialGradient", "stop", "clipPath", "style", "use"} <= names
    stops = root.findall(f".//{SVG_NS}linearGradient/{SVG_NS}stop")
    assert [stop.get("style") for stop in stops] == ["stop-color:#1D4ED8", "stop-color:#9333EA"]
    assert root.find(f".//{SVG_NS}clipPath").get("clipPathUnits") == "userSpaceOnUse"
    assert root.find(f".//{SVG_NS}g").get("clip-path") == "url(#badge-shape)"
    assert root.find(f".//{SVG_NS}style").text == ".st0{fill:url(#SVGID_1_);}"
    assert root.find(f".//{SVG_NS}use").get("href") == "#badge-shape"


@pytest.mark.parametrize(
    ("svg", "absent"),
    [
        pytest.param(
            '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);'
            "</style></svg>",
            "evil.example",
            id="css-import",
        ),
        pytest.param(
            '<svg xmlns="http://www.w3.org/2000/svg"><style>rect{fill:url(https://evil.example/)}'
            "</style></svg>",
            "evil.example",
            id="css-url-out",
        ),
        pytest.param(
            '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:u\\72l(https://evil.example/)"/>'
            "</svg>",
            "evil.example",
            id="css-escape",
        ),
        pytest.param(
            '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
            '<a href="javascript:alert(3)"><rect/></a></svg>',
            "alert",
            id="script-and-events",
        ),
        pytest.param(
            '<svg xmlns="http://www.w3.org/2000/svg"><linearGradient id="g" '
            'href="https://evil.example/g.svg#x"/></svg>',
            "evil.example",
            id="gradient-linking-out",
        ),
    ],
)
def test_the_sanitiser_still_removes_what_could_run_or_reach_out(svg: str, absent: str) -> None:
    assert absent not in sanitise_svg(svg.encode()).decode()


@pytest.mark.parametrize(
    ("element", "payload"),
    [
        pytest.param(
            "<openbadges:credential><![CDATA[{}]]></openbadges:credential>", "{}", id="json"
        ),
        pytest.param('<openbadges:credential verify="e30.e30.c2ln"/>', "e30.e30.c2ln", id="jwt"),
    ],
)
def test_an_ob3_credential_is_read_from_the_ob3_namespace_text_or_verify_attribute(
    element: str, payload: str
) -> None:
    svg = (
        f'{SVG11_DOCTYPE}<svg xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">{element}</svg>'
    )
    assert read_svg(svg.encode()).ob3 == payload
