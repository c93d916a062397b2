"""The htmx response helpers answer each kind of request the way htmx and browsers expect."""

from __future__ import annotations

import pytest
from flask import Flask

from app.web.htmx import see_other


@pytest.mark.parametrize(
    ("headers", "status", "header"),
    [
        pytest.param({}, 303, "Location", id="plain-form"),
        pytest.param({"HX-Request": "true", "HX-Boosted": "true"}, 303, "Location", id="boosted"),
        pytest.param({"HX-Request": "true"}, 200, "HX-Redirect", id="htmx-region"),
    ],
)
def test_see_other_redirects_without_swapping_a_page_into_a_region(
    app: Flask, headers: dict[str, str], status: int, header: str
) -> None:
    with app.test_request_context("/x", method="POST", headers=headers):
        response = see_other("/candidates/7")
    assert response.status_code == status
    assert response.headers[header] == "/candidates/7"
