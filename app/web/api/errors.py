"""One error shape for the whole API: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException

PREFIX = "/api/"
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "server_error",
    503: "service_unavailable",
}
MESSAGES = {
    400: "The request could not be understood.",
    401: "Send a valid API token: Authorization: Bearer <token>.",
    403: "This token may not do that.",
    404: "No such object in your organisation, or no such address.",
    405: "That method is not allowed on this address.",
    413: "The request body is too large.",
    415: "Send the request body as application/json.",
    429: "Too many requests for this token; wait and try again.",
    500: "Something went wrong on our side; the error has been logged.",
}


class ApiError(Exception):
    """An error the API answers with its JSON shape; raise it from any view."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message or MESSAGES.get(status, ""))
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message or MESSAGES.get(status, "")
        self.details = details or {}


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


def error_response(error: ApiError) -> Response:
    body = {"error": {"code": error.code, "message": error.message, "details": error.details}}
    response = jsonify(body)
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="skillproof"'
    return response


def http_error(error: HTTPException) -> Response:
    """An HTTP error raised anywhere under /api/ (routing, limits, abort) as JSON."""
    status = error.code or 500
    message = MESSAGES.get(status) or (error.description or error.name)
    response = error_response(ApiError(status, message))
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods or [])
    if status == 429:
        response.headers["Retry-After"] = str(_retry_after(error))
    return response


def _retry_after(error: HTTPException) -> int:
    limit = getattr(getattr(error, "limit", None), "limit", None)
    return int(limit.get_expiry()) if limit is not None else 60


def routing_error() -> HTTPException | None:
    """The 404/405 that routing found, which other checks (CSRF) must not hide."""
    failure = request.routing_exception
    return failure if isinstance(failure, HTTPException) else None
