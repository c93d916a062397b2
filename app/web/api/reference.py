"""The OpenAPI description and the reference page rendered from it; both public."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Response, jsonify, render_template

from app.web.api import bp, openapi
from app.web.api.prose import HELPERS

METHODS = ("get", "post", "patch", "put", "delete")


@cache
def _document() -> dict[str, Any]:
    return openapi.document()


def _groups(document: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, Any]]]]:
    """Operations by tag, in the order the description lists its tags."""
    groups: dict[str, list[tuple[str, str, Any]]] = {t["name"]: [] for t in document["tags"]}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                tag = item[method]["tags"][0]
                groups.setdefault(tag, []).append((method, path, item[method]))
    return [(tag, operations) for tag, operations in groups.items() if operations]


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(_document())


@bp.get("/docs")
def reference() -> str:
    """The API reference: every operation, object and webhook, from the same description."""
    document = _document()
    return render_template("api/reference.html", doc=document, groups=_groups(document), **HELPERS)
