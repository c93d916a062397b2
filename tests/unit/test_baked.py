"""Badges baked into PNG and SVG images: reading the payload, and verifying what it names."""

from __future__ import annotations

import json
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.verification import ob3 as ob3_module
from app.verification.baked import BakedError, read_png, read_svg
from app.verification.result import Check, Outcome, Verdict, VerificationResult
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.fakes import FakeFetcher
from tests.support.ob2_builders import (
    DEFAULT_EMAIL,
    IssuerKit,
    baked_png,
    baked_svg,
    png,
    png_chunk,
    text_chunk,
)

NOW = datetime(2025, 1, 1, tzinfo=UTC)
KIT = IssuerKit()
URL = KIT.assertion_id()
ASSERTION = json.dumps(KIT.hosted_assertion())
CORPUS = (Path(__file__).parents[2] / ".." / "shared" / "corpus").resolve()


def ztxt(keyword: str, text: str) -> bytes:
    return png_chunk(b"zTXt", keyword.encode() + b"\0\0" + zlib.compress(text.encode()))


def run(data: bytes, fetcher: FakeFetcher | None = None) -> VerificationResult:
    fetcher = fetcher if fetcher is not None else FakeFetcher(KIT.hosted())
    return verify(
        Source.from_bytes(data, "badge"), fetcher=fetcher, now=NOW, emails=(DEFAULT_EMAIL,)
    )


def detail(result: VerificationResult, check_id: str) -> str:
    return next(c.detail for c in result.checks if c.id == check_id)


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        pytest.param(baked_png(ASSERTION), ASSERTION, id="itxt"),
        pytest.param(baked_png(ASSERTION, compressed=True), ASSERTION, id="itxt-compressed"),
        pytest.param(png(text_chunk("openbadges", URL)), URL, id="text"),
        pytest.param(png(ztxt("openbadges", URL)), URL, id="ztxt"),
        pytest.param(
            png(text_chunk("Comment", "hi"), text_chunk("openbadges", URL)),
            URL,
            id="after-other-text",
        ),
    ],
)
def test_png_payload_is_read(image: bytes, expected: str) -> None:
    assert read_png(image).ob2 == expected


def test_png_credential_keyword_is_ob3() -> None:
    baked = read_png(baked_png('{"type": ["VerifiableCredential"]}', keyword="openbadgecredential"))
    assert (baked.ob2, baked.ob3) == (None, '{"type": ["VerifiableCredential"]}')


@pytest.mark.parametrize(
    "image",
    [
        pytest.param(png()[:-6], id="truncated"),
        pytest.param(png()[:40], id="no-iend"),
        pytest.param(
            png()[:8] + struct.pack(">I", 0x7FFFFFFF) + b"IHDR" + b"\0" * 20, id="huge-length"
        ),
        pytest.param(png()[:20] + b"\xff" + png()[21:], id="bad-crc"),
        pytest.param(png(png_chunk(b"zTXt", b"openbadges\0\0not-zlib")), id="bad-zlib"),
        pytest.param(png(png_chunk(b"iTXt", b"openbadges")), id="itxt-without-fields"),
        pytest.param(b"GIF89a", id="not-png"),
    ],
)
def test_broken_png_is_refused(image: bytes) -> None:
    with pytest.raises(BakedError):
        read_png(image)


def test_png_decompression_is_capped() -> None:
    bomb = zlib.compress(b"a" * (3 * 1024 * 1024))
    image = png(png_chunk(b"iTXt", b"openbadges\0\x01\0\0\0" + bomb))
    with pytest.raises(BakedError, match="too large"):
        read_png(image)


@pytest.mark.parametrize(
    ("svg", "expected"),
    [
        pytest.param(baked_svg(verify=URL), URL, id="verify-attribute"),
        pytest.param(baked_svg(ASSERTION, verify=URL), ASSERTION, id="cdata-json-wins"),
        pytest.param(baked_svg(ASSERTION), ASSERTION, id="cdata-only"),
    ],
)
def test_svg_payload_is_read(svg: str, expected: str) -> None:
    assert read_svg(svg.encode()).ob2 == expected


@pytest.mark.parametrize(
    "svg",
    [
        pytest.param(
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            id="entity",
        ),
        pytest.param(
            '<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&e;</svg>',
            id="external-entity",
        ),
        pytest.param("<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", id="malformed"),
        pytest.param("<html xmlns='http://www.w3.org/1999/xhtml'/>", id="not-svg-root"),
    ],
)
def test_unsafe_or_broken_svg_is_refused(svg: str) -> None:
    with pytest.raises(BakedError):
        read_svg(svg.encode())


@pytest.mark.parametrize(
    "image",
    [
        pytest.param(baked_png(ASSERTION), id="png-json"),
        pytest.param(baked_png(URL), id="png-url"),
        pytest.param(baked_png(ASSERTION, compressed=True), id="png-compressed"),
        pytest.param(baked_svg(verify=URL).encode(), id="svg-url"),
        pytest.param(baked_svg(ASSERTION).encode(), id="svg-json"),
    ],
)
def test_baked_hosted_badge_is_verified_against_the_issuers_copy(image: bytes) -> None:
    fetcher = FakeFetcher(KIT.hosted())
    result = run(image, fetcher)
    assert result.verdict is Verdict.VERIFIED
    assert result.format == "ob2-hosted"
    assert fetcher.urls[0] == URL
    assert "baked" in detail(result, "baked")


def test_baked_copy_loses_to_the_hosted_copy() -> None:
    fetcher = FakeFetcher(KIT.hosted(revoked=True, revocationReason="Withdrawn"))
    assert run(baked_png(ASSERTION), fetcher).verdict is Verdict.REVOKED


def test_baked_signed_badge_is_verified() -> None:
    result = run(baked_png(KIT.signed_assertion()), FakeFetcher(KIT.documents()))
    assert (result.verdict, result.format) == (Verdict.VERIFIED, "ob2-signed")


@pytest.mark.parametrize(
    "image",
    [
        pytest.param(png(), id="png"),
        pytest.param(png(text_chunk("Software", "paint")), id="png-other-text"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>', id="svg"),
    ],
)
def test_image_without_a_badge_is_unsupported_not_a_credential(image: bytes) -> None:
    result = run(image)
    assert (result.verdict, result.format) == (Verdict.UNSUPPORTED, "image")
    assert detail(result, "baked") == (
        "not a digital badge or credential: an image with no badge baked in"
    )


@pytest.mark.parametrize(
    ("image", "words"),
    [
        pytest.param(baked_png('{"verify": '), "not valid JSON", id="png-bad-json"),
        pytest.param(baked_svg("{verify:{}}").encode(), "not valid JSON", id="svg-bad-json"),
        pytest.param(baked_png("just some words"), "not a web address", id="png-words"),
        pytest.param(png()[:-6], "cut short", id="png-truncated"),
    ],
)
def test_malformed_baked_payload_is_invalid_with_a_reason(image: bytes, words: str) -> None:
    result = run(image)
    assert result.verdict is Verdict.INVALID
    assert words in detail(result, "baked")


def test_baked_ob3_credential_goes_to_the_ob3_verifier(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_verify_vc(payload: Any, **kwargs: Any) -> VerificationResult:
        seen["payload"] = payload
        check = Check("signature", Outcome.PASS, "ok")
        return VerificationResult(
            target=kwargs["target"], verdict=Verdict.VERIFIED, format="ob3", checks=(check,)
        )

    monkeypatch.setattr(ob3_module, "verify_vc", fake_verify_vc)  # imported on first use
    vc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}
    result = run(baked_png(json.dumps(vc), keyword="openbadgecredential"))
    assert seen["payload"] == vc
    assert (result.verdict, result.format) == (Verdict.VERIFIED, "ob3")
    assert [c.id for c in result.checks] == ["baked", "signature"]


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "payload"),
    [
        pytest.param(
            "bakery/concentricsky-openbadges-bakery/baked_heart.png", True, id="heart-png"
        ),
        pytest.param(
            "bakery/concentricsky-openbadges-bakery/baked_example.svg", True, id="example-svg"
        ),
        pytest.param("bakery/mozilla-openbadges-bakery/no-json.svg", True, id="verify-only-svg"),
        pytest.param("bakery/mozilla-openbadges-bakery/unbaked.png", False, id="unbaked-png"),
        pytest.param("bakery/mozilla-openbadges-bakery/unbaked.svg", False, id="unbaked-svg"),
        pytest.param(
            "badgr-server-testfiles/hacked-svg-with-embedded-script-tags.svg",
            False,
            id="script-svg",
        ),
        pytest.param("1edtech-dc-validator/ob20/simple-badge.png", True, id="1edtech-png"),
    ],
)
def test_corpus_images(name: str, payload: bool) -> None:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"conformance corpus file not found: {path}")
    data = path.read_bytes()
    baked = read_png(data) if name.endswith(".png") else read_svg(data)
    assert (baked.ob2 is not None) is payload
