"""The web layer: extensions, security headers, error pages and one blueprint per area."""

from __future__ import annotations

import logging

import peewee
from flask import Flask, Response, current_app, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from app.db import unavailable
from app.services import accounts, rate_limits  # noqa: F401  (registers database:// for limits)
from app.verification.issuer_pages import ASSURANCE_LABEL
from app.verification.labels import VERDICT_WORDS, format_label, verdict_label
from app.web import inputs
from app.web.api import errors as api_errors
from app.web.auth import limiter, login_manager
from app.web.htmx import htmx, render

csrf = CSRFProtect()
log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_web(app: Flask) -> None:
    """Wire extensions, headers, error pages and blueprints into `app`."""
    settings = app.extensions["skillproof.settings"]
    accounts.HASHING.resize(settings.password_hash_slots)
    hops = settings.proxy_hops
    if hops:  # only then is X-Forwarded-For the client's address rather than anyone's claim
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    htmx.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    inputs.init_app(app)
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(peewee.OperationalError, _database_error)
    app.register_error_handler(peewee.InterfaceError, _database_error)
    _register_words(app)
    _register_blueprints(app)


def _register_words(app: Flask) -> None:
    """Verdicts and formats in words, from the one table (app/verification/labels.py)."""
    app.jinja_env.globals["verdict_text"] = {v.value: w.label for v, w in VERDICT_WORDS.items()}
    app.jinja_env.globals["issuer_page_label"] = ASSURANCE_LABEL
    app.jinja_env.filters["verdict_label"] = verdict_label
    app.jinja_env.filters["format_label"] = format_label


def _register_blueprints(app: Flask) -> None:
    from app.web import (
        account,
        alerts,
        audit,
        auth,
        bulk,
        candidates,
        credentials,
        dashboard,
        exchanges,
        identities,
        imports,
        invites,
        issuers,
        notes,
        operations,
        portal,
        profiles,
        proofs,
        reports,
        roles,
        settings,
        skills,
        stacks,
        wallet,
    )

    blueprints = (auth, dashboard, candidates, credentials, imports, roles, alerts, operations)
    recruiting = (bulk, notes, profiles, identities, reports, audit, invites, portal, proofs)
    for module in (*blueprints, *recruiting, wallet, skills, issuers, stacks, settings, account):
        app.register_blueprint(module.bp)
    from app.web import api

    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # token-authenticated, no cookies: nothing for CSRF to forge
    app.register_blueprint(exchanges.bp)
    csrf.exempt(exchanges.bp)  # the exchange id is the key; no cookie is read
    if app.extensions["skillproof.settings"].demo_mode:
        from app.web import demo_issuer

        app.register_blueprint(demo_issuer.bp)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # No shared proxy or back/forward cache keeps another person's page. Error pages hold no
    # data, and a 503 must not ask a busy database who is signed in.
    if response.status_code < 500 and _personal():
        headers.setdefault("Cache-Control", "no-store")  # badge images say "private" themselves
    return response


UNAVAILABLE_MESSAGES = {
    "busy": "The database is busy with other work. Nothing was lost; please try again in a "
    "few seconds.",
    "full": "The server has run out of storage space, so changes cannot be saved right now. "
    "Nothing you saved before is lost; please try again later.",
}
FALLBACK_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Temporarily unavailable</title>"
    "<h1>Temporarily unavailable</h1><p>{message}</p></html>"
)


def _database_error(error: Exception) -> Response:
    """Busy or full: a 503 with Retry-After and a page that says so; anything else: a 500."""
    found = unavailable(error)
    if found is None:
        log.error("database error", exc_info=error)
        return _http_error(InternalServerError(original_exception=error))
    log.warning("database %s: %s", found.reason, error)
    message = UNAVAILABLE_MESSAGES[found.reason]
    if api_errors.is_api_request():
        response = api_errors.error_response(
            api_errors.ApiError(503, message, code=f"database_{found.reason}")
        )
    else:
        response = _unavailable_page(message)
    response.headers["Retry-After"] = str(found.retry_after)
    return response


def _unavailable_page(message: str) -> Response:
    title = ERROR_TITLES[503]
    try:
        return render("errors/error.html", "content", status=503, title=title, message=message)
    except Exception:  # the page itself needs the database (the signed-in user): plain HTML
        return Response(FALLBACK_PAGE.format(message=message), status=503, mimetype="text/html")


def _personal() -> bool:
    """Whether the response may hold an organisation's data: the signed-in pages and the API."""
    if request.endpoint == "static" or request.blueprint == "demo_issuer":
        return False
    return api_errors.is_api_request() or bool(current_user.is_authenticated)


ERROR_TITLES = {
    400: "That request could not be understood",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "That action is not allowed here",
    429: "Too many attempts",
    500: "Something went wrong on our side",
    503: "Temporarily unavailable",
}


def _http_error(error: HTTPException) -> Response:
    if api_errors.is_api_request():
        return api_errors.http_error(error)
    status = error.code or 500
    title = ERROR_TITLES.get(status, error.name)
    message = _error_message(status, error)
    return render("errors/error.html", "content", status=status, title=title, message=message)


def _csrf_error(error: CSRFError) -> Response:
    if api_errors.is_api_request():  # only an unknown address or method gets here
        return api_errors.http_error(api_errors.routing_error() or error)
    message = "Your form expired or came from another site. Reload the page and try again."
    return render(
        "errors/error.html", "content", status=400, title=ERROR_TITLES[400], message=message
    )


def _error_message(status: int, error: HTTPException) -> str:
    if status == 429:
        return "Please wait a minute before trying again."
    if status == 404:
        return "It may have been removed, or the link is mistyped."
    if status == 403:
        return "Ask an administrator of your organisation if you need this."
    if status >= 500:
        return "The error has been logged. Please try again in a moment."
    return error.description or ""
