"""Uploads that cannot hold a credential are named for what they are, before anything is stored."""

from __future__ import annotations

import json

import pytest

from app.services.intake import not_a_badge
from tests.support.ob2_builders import baked_png

PNG_WITHOUT_BADGE = baked_png("holiday photo", keyword="Comment")  # a PNG, nothing baked


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n...", "PDF document"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG photo"),
        (b"PK\x03\x04\x14\x00", "Word, Excel or ZIP"),
        (b"Dear hiring manager, please find my badges attached.", "plain text"),
        (b'{"name": "Ada",, }', "damaged or cut short"),
        (b"[1, 2, 3]", "JSON, but not a badge"),
        (b"<!doctype html><html><body>My badges</body></html>", "saved web page"),
        (PNG_WITHOUT_BADGE, "no badge baked"),
    ],
)
def test_files_that_cannot_hold_a_credential_are_named(data: bytes, reason: str) -> None:
    assert reason in not_a_badge(data)


def test_possible_credentials_are_left_to_verification() -> None:
    assert not_a_badge(json.dumps({"@context": "x", "type": "Assertion"}).encode()) == ""
    assert not_a_badge(b"eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln") == ""
    assert not_a_badge(baked_png("https://issuer.example/assertions/1.json")) == ""
