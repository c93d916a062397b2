"""CSV import: preview with per-row errors, then import; a re-import creates no duplicates."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from app.models import Candidate, Credential, User
from tests.conftest import AuthActions

GOOD = (
    "name,email,links\n"
    "Ada Lovelace,ada@example.com,https://issuer.example/a/1\n"
    "Grace Hopper,grace@example.com,https://issuer.example/a/2 https://issuer.example/a/3\n"
)


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, recruiter: User) -> FlaskClient:
    auth.login(recruiter.email)
    return client


def _preview(client: FlaskClient, data: bytes, name: str = "people.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        "/imports/preview",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(GOOD.encode(), id="commas"),
        pytest.param(("\ufeff" + GOOD).encode(), id="bom"),
        pytest.param(GOOD.replace(",", ";").encode(), id="semicolons"),
        pytest.param(GOOD.split("\n", 1)[1].encode(), id="no-header"),
    ],
)
def test_preview_reads_the_file_and_writes_nothing(signed_in: FlaskClient, data: bytes) -> None:
    page = _preview(signed_in, data)
    assert page.status_code == 200
    assert "2 candidates with 3 links ready to import" in page.text
    assert Candidate.select().count() == 0


def test_preview_lists_row_errors_and_skips_those_rows(signed_in: FlaskClient) -> None:
    data = (
        GOOD
        + ",nobody@example.com,https://x.example/1\n"
        + "Bad Mail,not-an-email,\nDup,ada@example.com,\nNo Link,n@example.com,ftp://x\n"
    )
    page = _preview(signed_in, data.encode()).text
    assert "the name is missing" in page
    assert "not a valid e-mail address" in page
    assert "ada@example.com is also on line 2" in page
    assert "is not an http(s) link" in page
    assert "4 rows with errors will be skipped" in page


def test_import_then_re_import_creates_no_duplicates(signed_in: FlaskClient) -> None:
    for _ in range(2):
        response = signed_in.post("/imports/", data={"csv_text": GOOD, "filename": "people.csv"})
        assert response.status_code == 303
    assert Candidate.select().count() == 2
    assert Credential.select().count() == 3
    progress = signed_in.get(response.headers["Location"]).text
    assert "0 new candidates, 2 updated" in progress


def test_progress_polls_until_every_link_is_checked(signed_in: FlaskClient) -> None:
    response = signed_in.post("/imports/", data={"csv_text": GOOD, "filename": "people.csv"})
    page = signed_in.get(response.headers["Location"])
    assert "0 of 3 credentials checked" in page.text and "load delay:1s" in page.text
    Credential.update(status="done", verdict="verified").execute()
    fragment = signed_in.get(response.headers["Location"], headers={"HX-Request": "true"})
    assert "100%" in fragment.text and "load delay" not in fragment.text
    assert fragment.text.lstrip().startswith('<section id="import-progress"')


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"\xff\xfe\x00garbage", "not UTF-8", id="not-utf8"),
        pytest.param(b"name,email\n", "No candidates", id="header-only"),
    ],
)
def test_unusable_files_get_a_clear_error(
    signed_in: FlaskClient, data: bytes, message: str
) -> None:
    page = _preview(signed_in, data) if data else signed_in.post("/imports/preview", data={})
    assert page.status_code == 422 and message in page.text
