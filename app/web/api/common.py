"""What every API view needs: the token's organisation, owned rows, JSON input, pages."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar, cast

import peewee
from flask import Response, g, jsonify, request

from app.db import UNSTORABLE
from app.models import ApiToken, TenantModel
from app.web.api.errors import ApiError

M = TypeVar("M", bound=TenantModel)
MAX_ID = 2**63 - 1
MAX_PAGE = 100_000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # as an upload on the candidate page
DOCUMENT_PROBLEMS = {
    "document": "a non-empty JSON object or string (JWS, JWT or JSON text)",
    "document_base64": "non-empty standard base64 (a baked PNG or SVG, or any credential file)",
}


def token() -> ApiToken:
    return cast(ApiToken, g.api_token)


def org_id() -> int:
    """The organisation every query is scoped to: the token's, never one from the request."""
    return int(token().organization_id)


def owned(model: type[M], pk: int) -> M:
    """The row with this id in the token's organisation; anything else is a 404."""
    row = model.get_in(org_id(), pk) if 0 < pk <= MAX_ID else None
    if row is None:
        raise ApiError(404)
    return row


def json_body(allowed: Iterable[str]) -> dict[str, Any]:
    """The request body as a JSON object with only the `allowed` members."""
    if not request.is_json:
        raise ApiError(415)
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # deep nesting recurses
        raise ApiError(400, "The body is not valid JSON.", code="invalid_json") from error
    if not isinstance(body, dict):
        raise ApiError(422, "The body must be a JSON object.", details={"fields": {}})
    unstorable = _unstorable(body)
    if unstorable is not None:
        fields = {unstorable: "contains a NUL character or invalid Unicode (a lone surrogate)"}
        raise ApiError(422, "The body has text that cannot be stored.", details={"fields": fields})
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        fields = {name: "not a known field" for name in unknown}
        raise ApiError(
            422, "The body has fields this operation does not take.", details={"fields": fields}
        )
    return body


def _unstorable(body: dict[str, Any]) -> str | None:
    """The path of the first string or key holding NUL or a lone surrogate, if any."""
    # Iterative: a body nested as deep as the JSON parser allows must not overflow the stack.
    pending: list[tuple[str, Any]] = [("", body)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str) and UNSTORABLE.search(value):
            return UNSTORABLE.sub("?", path) or "body"
        if isinstance(value, dict):
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                if UNSTORABLE.search(str(key)):
                    return UNSTORABLE.sub("?", where)
                pending.append((where, item))
        elif isinstance(value, list):
            pending.extend((f"{path}[{n}]", item) for n, item in enumerate(value))
    return None


class Fields:
    """Collects the problems of one request's fields so they are reported together."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.errors: dict[str, str] = {}

    def string(self, name: str, *, required: bool = False, max_length: int = 10_000) -> str | None:
        value = self.body.get(name)
        if value is None:
            if required:
                self.errors[name] = "required"
            return None
        if not isinstance(value, str):
            self.errors[name] = "must be a string"
            return None
        if len(value) > max_length:
            self.errors[name] = f"at most {max_length} characters"
            return None
        return value

    def strings(self, name: str, *, max_items: int = 100) -> list[str] | None:
        value = self.body.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.errors[name] = "must be a list of strings"
            return None
        if len(value) > max_items:
            self.errors[name] = f"at most {max_items} items"
            return None
        return list(value)

    def boolean(self, name: str) -> bool | None:
        value = self.body.get(name)
        if value is not None and not isinstance(value, bool):
            self.errors[name] = "must be true or false"
            return None
        return value

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def check(self) -> None:
        """Raise a 422 naming every field that was wrong."""
        if self.errors:
            raise ApiError(422, "Some fields are not valid.", details={"fields": self.errors})


def decode_document(
    fields: Fields, item: dict[str, Any], prefix: str
) -> tuple[str, str | None, bytes | None]:
    """A credential given as {url} | {document} | {document_base64}: (label, url, bytes)."""
    given = [key for key in ("url", "document", "document_base64") if item.get(key) is not None]
    if len(given) != 1:
        fields.fail(f"{prefix}url", "give exactly one of url, document or document_base64")
        return "", None, None
    filename = item.get("filename") or "document"
    if not isinstance(filename, str) or len(filename) > 255:
        fields.fail(f"{prefix}filename", "a string of at most 255 characters")
        return "", None, None
    key = given[0]
    value = item[key]
    if key == "url":
        if not isinstance(value, str) or not value.lower().startswith(("http://", "https://")):
            fields.fail(f"{prefix}url", "must be an http(s) address")
            return "", None, None
        return value, value[:2000], None
    data = _document_bytes(value) if key == "document" else _base64_bytes(value)
    if not data:
        fields.fail(f"{prefix}{key}", DOCUMENT_PROBLEMS[key])
        return "", None, None
    if len(data) > MAX_DOCUMENT_BYTES:
        fields.fail(f"{prefix}{key}", f"at most {MAX_DOCUMENT_BYTES // 2**20} MiB")
        return "", None, None
    return filename, None, data


def _document_bytes(value: object) -> bytes:
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False).encode()
    return b""


def _base64_bytes(value: object) -> bytes:
    try:
        return base64.b64decode(value, validate=True) if isinstance(value, str) else b""
    except (binascii.Error, ValueError):
        return b""


def page_args() -> tuple[int, int]:
    """`page` and `per_page` from the query string, bounded."""
    errors = {}
    values = {}
    for name, default, top in (("page", 1, MAX_PAGE), ("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)):
        raw = request.args.get(name)
        try:
            value = default if raw is None else int(raw)
        except ValueError:
            value = 0
        if not 1 <= value <= top:
            errors[name] = f"an integer from 1 to {top}"
        values[name] = value
    if errors:
        raise ApiError(422, "Some query parameters are not valid.", details={"fields": errors})
    return values["page"], values["per_page"]


def paginated(
    query: peewee.ModelSelect, serialise: Callable[[list[Any]], list[dict[str, Any]]]
) -> Response:
    """One page of `query` as {"data": [...], "pagination": {...}}."""
    page, per_page = page_args()
    total = query.count()
    items = list(query.paginate(page, per_page))
    pages = max(1, -(-total // per_page))
    return jsonify(
        {
            "data": serialise(items),
            "pagination": {"page": page, "per_page": per_page, "total": total, "pages": pages},
        }
    )


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def created(body: dict[str, Any], location: str) -> Response:
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response
