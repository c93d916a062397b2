"""A small typed layer over flask-htmx: partial-or-page rendering and response helpers."""

from __future__ import annotations

import json
from typing import Any, cast

from flask import Response, make_response, redirect, render_template
from flask_htmx import HTMX
from flask_htmx.constants import HTMX_STOP_POLLING
from flask_htmx.responses import HTMXResponseClientRedirect
from jinja2_fragments.flask import render_block

htmx = HTMX()
STOP_POLLING = HTMX_STOP_POLLING


def is_partial() -> bool:
    """True when the response should be a fragment: an htmx request that is not a boosted page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template: str, block: str, status: int = 200, **context: Any) -> Response:
    """The whole page, or just `block` of the same template for a partial htmx request."""
    body = (
        render_block(template, block, **context)
        if is_partial()
        else render_template(template, **context)
    )
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def client_redirect(location: str) -> Response:
    """Tell htmx to navigate the whole page (used instead of a 302 that htmx would swap in)."""
    return HTMXResponseClientRedirect(location)


def see_other(location: str) -> Response:
    """After a successful POST: 303 for plain forms and boosted ones (Post/Redirect/Get);
    HX-Redirect for an htmx request aimed at a region, so a whole page is never swapped into it.
    """
    if htmx and not htmx.boosted:
        return client_redirect(location)
    return cast(Response, redirect(location, code=303))


def trigger(response: Response, event: str, detail: Any = None) -> Response:
    """Add an `HX-Trigger` event to `response`, merging with any already set."""
    existing = response.headers.get("HX-Trigger", "")
    events: dict[str, Any] = {}
    if existing.startswith("{"):
        events = json.loads(existing)
    elif existing:
        events = {name.strip(): None for name in existing.split(",")}
    events[event] = detail
    response.headers["HX-Trigger"] = json.dumps(events)
    return response
