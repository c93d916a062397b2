"""API writes: the change, its audit entry and its idempotency record commit together.

A view decorated with `atomic` runs inside one write transaction that also appends the
request's audit entry and, when the client sent an `Idempotency-Key`, stores the response: a
failed audit write rolls the change back (no committed create behind a 500), and a retry with
the same key gets the stored response instead of a second create.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

import peewee
from flask import Response, g, make_response, request

from app.db import write_transaction
from app.models import IdempotencyKey, utcnow
from app.services import api_tokens
from app.web.api.common import token
from app.web.api.errors import ApiError, error_response

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEEP = timedelta(hours=24)
View = TypeVar("View", bound=Callable[..., Any])


class _Rollback(Exception):
    """A view answered with an error: undo whatever it wrote, keep its answer."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def atomic(view: View) -> View:
    """Run a write view, its audit entry and its idempotency record in one transaction."""
    return cast(View, _wrap(view, in_transaction=True))


def recorded(view: View) -> View:
    """For a view that writes nothing but waits on the network (POST /verify): the view runs
    outside any transaction (no lock held while it waits), then audit and idempotency commit."""
    return cast(View, _wrap(view, in_transaction=False))


def _wrap(view: Callable[..., Any], *, in_transaction: bool) -> Callable[..., Response]:
    @wraps(view)
    def wrapper(**kwargs: Any) -> Response:
        key = _key()
        fingerprint = _fingerprint()
        if key and (stored := _replay(key, fingerprint)) is not None:
            return stored
        try:
            if in_transaction:
                with write_transaction():
                    response = _answer(view, kwargs)
                    _record(response, key, fingerprint)
            else:
                response = _answer(view, kwargs)
                with write_transaction():
                    _record(response, key, fingerprint)
        except _Rollback as rolled_back:
            return rolled_back.response
        except peewee.IntegrityError:
            # The same key sent twice at once: the first to commit wins, the other replays it.
            if key and (stored := _replay(key, fingerprint)) is not None:
                return stored
            raise
        return response

    return wrapper


def _answer(view: Callable[..., Any], kwargs: dict[str, Any]) -> Response:
    try:
        response = make_response(view(**kwargs))
    except ApiError as error:
        raise _Rollback(error_response(error)) from error
    if response.status_code >= 400:
        raise _Rollback(response)
    return response


def _key() -> str | None:
    value = request.headers.get(HEADER)
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > MAX_KEY_LENGTH or not value.isprintable():
        raise ApiError(
            400,
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable characters (a UUID is ideal).",
            code="invalid_idempotency_key",
        )
    return value


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _replay(key: str, fingerprint: str) -> Response | None:
    """The stored response to this key, or None; a different request under it is a 422."""
    found = (
        IdempotencyKey.select()
        .where(
            (IdempotencyKey.token == token().id)
            & (IdempotencyKey.key == key)
            & (IdempotencyKey.created_at > utcnow() - KEEP)
        )
        .first()
    )
    if found is None:
        return None
    if found.request_sha256 != fingerprint:
        raise ApiError(
            422,
            f"This {HEADER} was already used for a different request; send a new key.",
            code="idempotency_key_reused",
        )
    response = Response(found.body, status=found.status, mimetype="application/json")
    if found.location:
        response.headers["Location"] = found.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _record(response: Response, key: str | None, fingerprint: str) -> None:
    api_tokens.record_request(token(), request.method, request.path, response.status_code)
    g.api_audited = True
    if key is None:
        return
    IdempotencyKey.delete().where(
        (IdempotencyKey.token == token().id) & (IdempotencyKey.created_at <= utcnow() - KEEP)
    ).execute()
    IdempotencyKey.create(
        organization=token().organization_id,
        token=token().id,
        key=key,
        method=request.method,
        path=request.path[:300],
        request_sha256=fingerprint,
        status=response.status_code,
        body=response.get_data(as_text=True),
        location=response.headers.get("Location", ""),
    )
