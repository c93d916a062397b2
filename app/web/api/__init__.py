"""The JSON API for applicant-tracking systems: token auth, rate limits, audit, JSON errors."""

from __future__ import annotations

import logging

import peewee
from flask import Blueprint, Response, current_app, g, request
from flask_limiter.util import get_remote_address

from app.db import unavailable
from app.models import ApiToken
from app.services import api_tokens
from app.web.api.errors import ApiError, error_response
from app.web.auth import limiter

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC_ENDPOINTS = {"api.openapi_document", "api.reference"}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_BODY_BYTES = 4 * 1024 * 1024  # a 2 MiB credential file, base64-encoded, with room to spare


def _bearer() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def _token() -> ApiToken | None:
    """The request's valid token, looked up once: the rate limit needs it before the gate does."""
    if "api_token_found" not in g:
        secret = _bearer()
        g.api_token_found = api_tokens.authenticate(secret) if secret else None
    return g.get("api_token_found")


def _rate_key() -> str:
    """Each valid token has its own budget; other requests share their address's."""
    # Keyed by the bearer text alone, every made-up token would get a fresh budget.
    found = _token()
    return f"api-token:{found.id}" if found else f"api-ip:{get_remote_address()}"


def _rate_limit() -> str:
    return str(current_app.extensions["skillproof.settings"].api_rate_limit)


limiter.limit(_rate_limit, key_func=_rate_key)(bp)


@bp.before_request
def _authenticate() -> Response | None:
    request.max_content_length = MAX_BODY_BYTES
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    token = _token()
    if token is None:
        return error_response(ApiError(401))
    g.api_token = token
    if request.method not in READ_METHODS and not token.can_write:
        return error_response(
            ApiError(403, "This token is read-only; ask an admin for a write token.")
        )
    return None


@bp.after_request
def _audit(response: Response) -> Response:
    """Audit what the write views did not (reads, refusals); a busy or full database loses
    this entry, not the answer (a write's own entry commits with the write, see writes)."""
    token = g.get("api_token")
    if token is not None and not g.get("api_audited"):
        try:
            api_tokens.record_request(token, request.method, request.path, response.status_code)
        except (peewee.OperationalError, peewee.InterfaceError) as error:
            if unavailable(error) is None:
                raise
            log.warning("API request not audited, the database is unavailable: %s", error)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return error_response(error)


from app.web.api import (  # noqa: E402  (the views register themselves on bp)
    alerts,
    candidates,
    credentials,
    reference,
    roles,
    verify,
)

__all__ = ["alerts", "bp", "candidates", "credentials", "reference", "roles", "verify"]
