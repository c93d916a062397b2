"""VC API exchanges: a candidate's wallet asks what to present, then presents it (JSON, no login).

`POST /exchanges/<id>` with `{}` answers the verifiablePresentationRequest (challenge, domain);
with `{"verifiablePresentation": ...}` it answers `{}` once the presentation is accepted, or an
error whose message says why. The exchange id is the only key: it reaches one challenge of one
candidate, nothing else. No cookies are read, so CSRF has nothing to forge; rate-limited per
client address and per exchange.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from app.config import Settings
from app.services import presentations
from app.services.checking import build_fetcher
from app.services.presentations import PresentationError
from app.verification.fetcher import Fetcher
from app.verification.ob3.presentation import MAX_BYTES
from app.web.auth import limiter

bp = Blueprint("exchanges", __name__)
FETCHER_FACTORY = "skillproof.exchange_fetcher"  # app.extensions key; tests may put one there
PER_CLIENT = "60 per minute"
PER_EXCHANGE = "20 per minute"


def _exchange_key() -> str:
    return "exchange:" + str((request.view_args or {}).get("exchange_id", ""))[:64]


@bp.post("/exchanges/<exchange_id>")
@limiter.limit(PER_CLIENT)
@limiter.limit(PER_EXCHANGE, key_func=_exchange_key)
def exchange(exchange_id: str) -> Response:
    """One step of a wallet's exchange: the request for a presentation, or the presentation."""
    challenge = presentations.by_exchange(exchange_id)
    if challenge is None:
        return error(404, "No such exchange: the link is mistyped, or it was never made.")
    data = request.get_data(cache=False)  # Werkzeug stops at MAX_CONTENT_LENGTH (16 MiB)
    if len(data) > MAX_BYTES:  # a chunked body names no length up front: count what came
        return error(413, f"The presentation is larger than {MAX_BYTES // 2**20} MiB.")
    body = _json_of(data)
    if not isinstance(body, dict):
        return error(400, "Send a JSON object: {} to start, then the verifiablePresentation.")
    if "verifiablePresentation" not in body:
        reason = presentations.usable(challenge)
        return error(410, reason) if reason else _json(presentations.request_of(challenge))
    try:
        with safe_fetcher() as fetcher:
            presentations.receive(challenge, body, fetcher=fetcher)
    except PresentationError as refused:
        return error(refused.status, str(refused))
    return _json({})


def _json_of(data: bytes) -> Any:
    try:
        return json.loads(data or b"null")
    except (ValueError, RecursionError):
        return None


@contextmanager
def safe_fetcher() -> Iterator[Fetcher]:
    """The safe fetcher (for a holder's did:web document), or one a test installed; closed after."""
    settings: Settings = current_app.extensions["skillproof.settings"]
    factory: Callable[[Settings], Fetcher] = current_app.extensions.get(
        FETCHER_FACTORY, build_fetcher
    )
    fetcher = factory(settings)
    try:
        yield fetcher
    finally:
        close = getattr(fetcher, "close", None)
        if callable(close):
            close()


@bp.after_request
def _any_origin(response: Response) -> Response:
    """A wallet running in a web page may call the exchange: no cookie is read or set here, so
    any origin may (the exchange id is the only key)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = "600"
    return response


@bp.errorhandler(429)
def _too_many(failure: HTTPException) -> Response:
    response = error(429, "Too many requests for this exchange; wait a minute and try again.")
    response.headers["Retry-After"] = "60"
    return response


def error(status: int, message: str) -> Response:
    return _json({"error": {"status": status, "message": message}}, status)


def _json(body: dict[str, Any], status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
