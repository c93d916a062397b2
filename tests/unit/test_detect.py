"""Content detection, strict JSON parsing and Open Badges dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.verification.dates import DateError, parse_date
from app.verification.detect import JsonError, Kind, parse_json, sniff
from tests.support.ob2_builders import png


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        pytest.param(b'{"a": 1}', Kind.JSON, id="json-object"),
        pytest.param(b"\xef\xbb\xbf  [1]", Kind.JSON, id="json-bom-list"),
        pytest.param(b"eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln\n", Kind.JWS, id="jws"),
        pytest.param(png(), Kind.PNG, id="png"),
        pytest.param(
            b'<?xml version="1.0"?>\n<!-- made by hand --><svg xmlns="x"/>', Kind.SVG, id="svg"
        ),
        pytest.param(
            b"<svg:svg xmlns:svg='http://www.w3.org/2000/svg'/>", Kind.SVG, id="svg-prefixed"
        ),
        pytest.param(b"<!DOCTYPE html><html><svg></svg></html>", Kind.HTML, id="html-with-svg"),
        pytest.param(b"<html><head><title>x</title></head></html>", Kind.HTML, id="html"),
        pytest.param(b"   \n ", Kind.EMPTY, id="whitespace"),
        pytest.param(b"", Kind.EMPTY, id="empty"),
        pytest.param(b"GIF89a....", Kind.UNKNOWN, id="gif"),
        pytest.param(b"<note>hi</note>", Kind.UNKNOWN, id="other-xml"),
        pytest.param(b"a.b", Kind.UNKNOWN, id="two-part-token"),
    ],
)
def test_kind_is_judged_by_content(data: bytes, kind: Kind) -> None:
    assert sniff(data) is kind


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param('{"a": 1, "a": 2}', "same field twice", id="duplicate-keys"),
        pytest.param('{"a": NaN}', "NaN", id="nan"),
        pytest.param("[" * 100_000, "nested too deeply", id="deep-brackets"),
        pytest.param("[" * 100 + "]" * 100, "nested too deeply", id="deep-but-closed"),
        pytest.param('{"n": ' + "9" * 5000 + "}", "number is too long", id="huge-number"),
        pytest.param('{"a": }', "not valid JSON", id="syntax"),
    ],
)
def test_strict_json_refuses_ambiguous_or_abusive_documents(text: str, words: str) -> None:
    with pytest.raises(JsonError, match=words):
        parse_json(text)


def test_json_is_parsed_from_bytes_with_a_bom() -> None:
    assert parse_json(b'\xef\xbb\xbf{"a": [1, 2]}') == {"a": [1, 2]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            "2016-12-31T23:59:59Z", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC), id="zulu"
        ),
        pytest.param(
            "2016-12-31T23:59:59",
            datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC),
            id="no-zone-is-utc",
        ),
        pytest.param(
            "2017-01-01T01:00:00+02:00", datetime(2016, 12, 31, 23, tzinfo=UTC), id="offset"
        ),
        pytest.param(
            "2013-02-21T15:18-0500", datetime(2013, 2, 21, 20, 18, tzinfo=UTC), id="compact-offset"
        ),
        pytest.param("2015-04-30", datetime(2015, 4, 30, tzinfo=UTC), id="date-only"),
        pytest.param("20130221", datetime(2013, 2, 21, tzinfo=UTC), id="basic-date"),
        pytest.param("2013-02", datetime(2013, 2, 1, tzinfo=UTC), id="year-month"),
    ],
)
def test_iso_dates(value: str, expected: datetime) -> None:
    assert parse_date(value) == expected


def test_unix_timestamps_only_where_allowed() -> None:
    assert parse_date(1361561067, allow_timestamp=True) == datetime(
        2013, 2, 22, 19, 24, 27, tzinfo=UTC
    )
    assert parse_date("1361561067", allow_timestamp=True).year == 2013
    with pytest.raises(DateError):
        parse_date(1361561067)


@pytest.mark.parametrize(
    "value",
    [
        "2015-04-31",
        "January 12th",
        "901d1",
        "000000000000000000000",
        "",
        None,
        True,
        1e300,
        "2" * 100,
        ["2015"],
    ],
)
def test_unparsable_dates_are_refused(value: object) -> None:
    with pytest.raises(DateError):
        parse_date(value, allow_timestamp=True)
