"""Course certificate pages: recognised by host and path only, read safely, never `verified`."""

from __future__ import annotations

import pytest

from app.verification.issuer_page_html import MAX_PAGE_BYTES, MAX_TAGS, read_page
from app.verification.issuer_pages import (
    HOSTS,
    fold,
    matching_name,
    mentions,
    recognise,
    same_person,
    served_by_issuer,
)
from tests.support import issuer_pages as pages


@pytest.mark.parametrize(
    ("url", "issuer", "fetched"),
    [
        pytest.param(
            "https://www.coursera.org/account/accomplishments/verify/ABCD1234EFGH",
            "Coursera",
            "https://www.coursera.org/account/accomplishments/verify/ABCD1234EFGH",
            id="coursera-verify",
        ),
        pytest.param(
            "http://coursera.org/verify/ABCD1234EFGH",
            "Coursera",
            "https://coursera.org/verify/ABCD1234EFGH",
            id="coursera-short-http-read-over-https",
        ),
        pytest.param(
            "https://www.coursera.org/account/accomplishments/certificate/ABCD1234EFGH",
            "Coursera",
            None,
            id="coursera-certificate",
        ),
        pytest.param(
            "https://www.coursera.org/account/accomplishments/specialization/ABCD1234EFGH",
            "Coursera",
            None,
            id="coursera-specialization",
        ),
        pytest.param(
            "https://credentials.edx.org/credentials/0123456789abcdef0123456789abcdef/",
            "edX",
            None,
            id="edx-credentials",
        ),
        pytest.param(
            "https://courses.edx.org/certificates/0123456789abcdef0123456789abcdef",
            "edX",
            None,
            id="edx-courses",
        ),
        pytest.param(
            "https://www.linkedin.com/learning/certificates/9f2c4e6a8b0d1f3e5a7c9b1d",
            "LinkedIn Learning",
            None,
            id="linkedin-learning",
        ),
        pytest.param(
            "https://learn.microsoft.com/api/credentials/share/en-us/AdaLovelace-1234/ABC123DEF456?sharingId=XYZ987",
            "Microsoft Learn",
            "https://learn.microsoft.com/api/credentials/share/en-us/AdaLovelace-1234/ABC123DEF456?sharingId=XYZ987",
            id="microsoft-learn-share",
        ),
        pytest.param(
            "https://learn.microsoft.com/en-us/users/adalovelace-1234/credentials/ABC123DEF456",
            "Microsoft Learn",
            None,
            id="microsoft-learn-profile",
        ),
    ],
)
def test_certificate_pages_are_recognised(url: str, issuer: str, fetched: str | None) -> None:
    page = recognise(url)
    assert page is not None
    assert page.issuer == issuer
    if fetched:
        assert page.url == fetched


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(
            "https://www.coursera.org.evil.example/account/accomplishments/verify/ABCD1234",
            id="lookalike-suffix",
        ),
        pytest.param("https://evilcoursera.org/verify/ABCD1234EFGH", id="lookalike-prefix"),
        pytest.param("https://coursera.org.evil.example/verify/ABCD1234EFGH", id="bare-suffix"),
        pytest.param(
            "https://www.coursera.org@evil.example/verify/ABCD1234EFGH", id="login-in-url"
        ),
        pytest.param(
            "https://user@www.coursera.org/verify/ABCD1234EFGH", id="userinfo-on-real-host"
        ),
        pytest.param("https://www.coursera.org:8443/verify/ABCD1234EFGH", id="other-port"),
        pytest.param("ftp://www.coursera.org/verify/ABCD1234EFGH", id="not-http"),
        pytest.param("https://www.coursera.org/learn/machine-learning", id="course-not-cert"),
        pytest.param("https://www.coursera.org/verify/AB", id="code-too-short"),
        pytest.param("https://credentials.edx.org/credentials/not-a-hex-id/", id="edx-not-hex"),
        pytest.param("https://www.linkedin.com/in/ada-lovelace", id="linkedin-profile"),
        pytest.param(
            "https://learn.microsoft.com.evil.example/en-us/users/ada/credentials/ABC123DEF",
            id="learn-lookalike",
        ),
        pytest.param("not a url at all", id="garbage"),
        pytest.param("https://[::1/verify/ABCD1234EFGH", id="unparsable"),
    ],
)
def test_lookalikes_and_other_paths_are_not_recognised(url: str) -> None:
    assert recognise(url) is None


def test_a_redirect_counts_only_when_it_stays_on_the_issuers_own_hosts_over_https() -> None:
    page = recognise("https://coursera.org/verify/ABCD1234EFGH")
    assert page is not None
    own = "https://www.coursera.org/account/accomplishments/verify/ABCD1234EFGH"
    assert served_by_issuer(page, own)
    assert not served_by_issuer(page, own.replace("https:", "http:"))
    assert not served_by_issuer(page, "https://www.coursera.org.evil.example/x")
    assert not served_by_issuer(page, "https://www.linkedin.com/learning/certificates/ab")
    assert not served_by_issuer(page, "https://www.coursera.org:8443/x")


@pytest.mark.parametrize(
    ("candidate", "holder", "same"),
    [
        pytest.param("Ada Lovelace", "Ada Lovelace", True, id="exact"),
        pytest.param("Ada Lovelace", "ADA   lovelace", True, id="case-and-spaces"),
        pytest.param("Zoe Nunez-Garcia", "Zoë Núñez García", True, id="accents-and-hyphen"),
        pytest.param("Lovelace, Ada", "Ada Lovelace", True, id="surname-first"),
        pytest.param("Ada Lovelace", "Ada King Lovelace", True, id="middle-name-on-page"),
        pytest.param("Ada King Lovelace", "Ada Lovelace", True, id="middle-name-on-file"),
        pytest.param("Ada Lovelace", "Grace Hopper", False, id="someone-else"),
        pytest.param("Ada", "Ada Lovelace", False, id="one-word-is-not-enough"),
        pytest.param("Ada Lovelace", "Ada Byron", False, id="same-first-name"),
        pytest.param("Ada Lovelace", "", False, id="empty-holder"),
        pytest.param("", "Ada Lovelace", False, id="empty-candidate"),
    ],
)
def test_name_matching_table(candidate: str, holder: str, same: bool) -> None:
    assert same_person(candidate, holder) is same


def test_the_first_candidate_name_any_holder_matches_is_returned() -> None:
    assert matching_name(["A. Lovelace", "Ada Lovelace"], ["Ada Lovelace"]) == "Ada Lovelace"
    assert matching_name(["Ada Lovelace"], ["Grace Hopper"]) is None


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        pytest.param("Completion Certificate for Machine Learning", "machine learning", True),
        pytest.param("Certificate for MACHINE-LEARNING", "Machine Learning", True),
        pytest.param("Apprentissage automatique", "Apprentissage Automatique", True),
        pytest.param("Machine Learningx", "Machine Learning", False, id="not-whole-words"),
        pytest.param("Deep Learning", "Machine Learning", False),
        pytest.param("anything", "   ", False, id="empty-phrase"),
    ],
)
def test_course_matching_table(text: str, phrase: str, found: bool) -> None:
    assert mentions(text, phrase) is found


def test_fold_drops_accents_case_punctuation_and_spacing() -> None:
    assert fold("  Zoë   NÚÑEZ-García ") == "zoe nunez garcia"
    assert fold("Straße") == "strasse"


@pytest.mark.parametrize(
    ("page", "holder", "course"),
    [
        pytest.param(pages.coursera(), "Ada Lovelace", "Machine Learning", id="coursera"),
        pytest.param(pages.edx(), "Ada Lovelace", "Introduction to Analytics Modeling", id="edx"),
        pytest.param(pages.linkedin(), "Ada Lovelace", "Python Essential Training", id="linkedin"),
        pytest.param(pages.json_ld(), "Ada Lovelace", "Azure Fundamentals", id="json-ld"),
    ],
)
def test_recorded_page_shapes_give_their_holder_and_course(
    page: bytes, holder: str, course: str
) -> None:
    reading = read_page(page)
    assert reading.holders[0] == holder
    assert reading.course == course


def test_a_javascript_shell_names_no_holder() -> None:
    assert read_page(pages.shell()).holders == ()


def test_a_holder_in_a_sentence_stops_before_the_words_after_it() -> None:
    html = b"<p>This certificate verifies that Grace Hopper successfully completed COBOL</p>"
    assert read_page(html).holders == ("Grace Hopper",)


@pytest.mark.parametrize(
    "html",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xfe\x00<html>\x00\x00", id="binary"),
        pytest.param(b"<html><head><title>" + b"A" * 100_000, id="unclosed-title"),
        pytest.param(b"<strong class='accomplishment-recipient'>" * 5000, id="unclosed-marks"),
        pytest.param(b"<script type='application/ld+json'>{{{{</script>", id="bad-json-ld"),
        pytest.param(
            b"<script type='application/ld+json'>" + b"[" * 5000 + b"]" * 5000 + b"</script>",
            id="deep-json-ld",
        ),
        pytest.param(b"<![CDATA[ <!-- <? &#xffffffff; &bogus; </", id="broken-markup"),
        pytest.param(b"<div>" * 100_000, id="deep-nesting"),
    ],
)
def test_hostile_html_never_raises(html: bytes) -> None:
    reading = read_page(html)
    assert isinstance(reading.holders, tuple)


def test_markup_in_the_holder_is_text_and_values_are_capped() -> None:
    name = "<script>alert(1)</script>" + "x" * 5000
    html = f"<strong class='accomplishment-recipient'>{name}</strong>".encode()
    holders = read_page(html.replace(b"<script>", b"&lt;script&gt;")).holders
    assert holders and len(holders[0]) <= 300
    assert holders[0].startswith("<script>")  # kept as text; the templates escape it


def test_tokenizing_stops_after_max_tags_but_coursera_state_is_still_matched() -> None:
    filler = b"<i></i>" * MAX_TAGS
    late_element = filler + b"<strong class='accomplishment-recipient'>Mallory Late</strong>"
    assert read_page(late_element).holders == ()
    late_state = filler + pages.coursera("Ada Lovelace")
    reading = read_page(late_state)
    assert reading.holders == ("Ada Lovelace",) and reading.course == "Machine Learning"


def test_only_the_first_megabyte_is_read() -> None:
    tail = b"<strong class='accomplishment-recipient'>Mallory Tail</strong>"
    assert read_page(tail).holders == ("Mallory Tail",)
    html = b"<p>" + b"a " * (MAX_PAGE_BYTES // 2) + b"</p>" + tail
    assert read_page(html).holders == ()


def test_the_recognised_hosts_are_the_issuers_own() -> None:
    assert {"www.coursera.org", "credentials.edx.org", "learn.microsoft.com"} <= HOSTS
    assert all(not host.endswith(".example") for host in HOSTS)


def test_the_pages_own_holder_field_outranks_a_name_in_a_sentence() -> None:
    html = (
        b"<strong class='accomplishment-recipient'>Grace Hopper</strong>"
        b"<p>Last year this prize was awarded to Ada Lovelace.</p>"
    )
    assert read_page(html).holders == ("Grace Hopper",)
