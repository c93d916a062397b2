"""Hostile form input stops at the door: text too long, NUL bytes, invalid Unicode."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import Flask, Response, request

from app.db import UNSTORABLE
from app.services import intake
from app.verification.ob3 import presentation
from app.web.api import errors as api_errors
from app.web.htmx import render

# As the API's text fields (app/web/api/common.py: Fields.string).
MAX_FIELD_CHARS = 10_000
# Fields that carry bulk input by design, each with its own cap (checked again by its service).
BULK_FIELDS = {
    "links": intake.MAX_CSV_BYTES,
    "csv_text": intake.MAX_CSV_BYTES,
    "presentation": presentation.MAX_BYTES,  # a wallet's presentation, pasted
}
FIELD_LABELS = {"csv_text": "CSV", "links": "Links", "q": "Search", "presentation": "Presentation"}


class InputError(ValueError):
    """A request field that cannot be accepted; the message says which and why."""


def init_app(app: Flask) -> None:
    app.before_request(_check_input)


def _check_input() -> Response | None:
    if api_errors.is_api_request():  # the API checks its JSON body field by field
        return None
    try:
        check_fields(_fields())
    except InputError as error:
        return render(
            "errors/error.html",
            "content",
            status=422,
            title="That input cannot be accepted",
            message=str(error),
        )
    return None


def _fields() -> Iterator[tuple[str, str]]:
    yield from request.args.items(multi=True)
    yield from ((name, str(value)) for name, value in (request.view_args or {}).items())
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        yield from request.form.items(multi=True)
        for name, upload in request.files.items(multi=True):
            yield name, upload.filename or ""


def check_fields(fields: Iterable[tuple[str, str]]) -> None:
    """Raise InputError for the first field too long or holding text no database can store."""
    for name, value in fields:
        label = FIELD_LABELS.get(name, UNSTORABLE.sub("?", name).replace("_", " ").capitalize())
        if UNSTORABLE.search(name) or UNSTORABLE.search(value):
            raise InputError(
                f"“{label}” contains a NUL character or invalid Unicode. Remove it and try again."
            )
        limit = BULK_FIELDS.get(name, MAX_FIELD_CHARS)
        if len(value) > limit:
            raise InputError(f"“{label}” is too long: at most {limit:,} characters.")
