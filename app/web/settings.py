"""Organisation settings: users and their roles, API tokens, webhook, ranking policy (admins)."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_login import current_user

from app.models import ApiScope, ApiToken, Role, User
from app.ranking.policy import ISSUER_PAGE_FACTOR
from app.services import accounts, api_tokens, org_webhooks
from app.services import roles as role_service
from app.web.auth import admin_only
from app.web.htmx import htmx, render

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _page(status: int = 200, **extra: object) -> Response:
    users = accounts.users_of(current_user.organization_id)
    context = {
        "users": users,
        "roles": list(Role),
        "errors": {},
        "form": {},
        "created": None,
        "reset": None,
    }
    response = render("settings/users.html", "users_panel", status=status, **{**context, **extra})
    return _no_store(response)


@bp.get("/users")
@admin_only
def index() -> Response:
    """Users of the organisation."""
    return _page()


@bp.post("/users")
@admin_only
def create() -> Response:
    """Invite a user with a generated password, shown once."""
    form = {key: request.form.get(key, "").strip() for key in ("email", "name", "role")}
    try:
        role = Role(form["role"])
        new = accounts.create_user(
            current_user.organization, form["email"], role, name=form["name"], actor=current_user
        )
    except ValueError as error:
        message = str(error) if isinstance(error, accounts.AccountError) else "Choose a role."
        return _page(status=422, errors={"create": message}, form=form)
    return _page(status=201, created=new)


@bp.post("/users/<int:user_id>")
@admin_only
def update(user_id: int) -> Response:
    """Change a user's role or active state."""
    user = User.get_in(current_user.organization_id, user_id) or abort(404)
    try:
        role = Role(request.form.get("role", user.role))
        accounts.change_user(current_user, user, role=role, active="active" in request.form)
    except ValueError as error:
        message = str(error) if isinstance(error, accounts.AccountError) else "Choose a role."
        return _page(status=422, errors={user.id: message})
    if htmx:
        return _page()
    return cast(Response, redirect(url_for("settings.index")))


@bp.post("/users/<int:user_id>/password")
@admin_only
def reset_password(user_id: int) -> Response:
    """Give a user a new random password, shown once, and sign them out everywhere."""
    user = User.get_in(current_user.organization_id, user_id) or abort(404)
    if user.id == current_user.id:
        message = "Change your own password under Password, with your current one."
        return _page(status=422, errors={user.id: message})
    password = accounts.reset_password(current_user, user)
    return _page(reset={"email": user.email, "password": password})


def _tokens_page(status: int = 200, **extra: object) -> Response:
    context = {
        "tokens": api_tokens.tokens_of(current_user.organization_id),
        "scopes": list(ApiScope),
        "errors": {},
        "form": {},
        "created": None,
    }
    response = render("settings/tokens.html", "tokens_panel", status=status, **{**context, **extra})
    return _no_store(response)


def _no_store(response: Response) -> Response:
    """A new password or token secret is shown once: no browser cache keeps a copy."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/tokens")
@admin_only
def tokens() -> Response:
    """API tokens of the organisation, for applicant-tracking systems."""
    return _tokens_page()


@bp.post("/tokens")
@admin_only
def create_token() -> Response:
    """Create a named, scoped API token; its secret is shown once."""
    form = {key: request.form.get(key, "").strip() for key in ("name", "scope")}
    try:
        new = api_tokens.create(
            current_user.organization_id, form["name"], form["scope"], actor=current_user
        )
    except api_tokens.TokenError as error:
        return _tokens_page(status=422, errors={"create": str(error)}, form=form)
    return _tokens_page(status=201, created=new)


@bp.post("/tokens/<int:token_id>/revoke")
@admin_only
def revoke_token(token_id: int) -> Response:
    """Revoke a token: it is refused from the next request on."""
    token = ApiToken.get_in(current_user.organization_id, token_id) or abort(404)
    api_tokens.revoke(token, current_user)
    if htmx:
        return _tokens_page()
    return cast(Response, redirect(url_for("settings.tokens"), code=303))


def _webhook_page(status: int = 200, **extra: object) -> Response:
    org = current_user.organization_id
    hook = org_webhooks.of(org)
    context = {
        "hook": hook,
        "deliveries": org_webhooks.deliveries(org),
        "operator_url": bool(current_app.extensions["skillproof.settings"].webhook_url),
        "error": None,
        "form": {"url": hook.url if hook else ""},
        "saved": None,
        **extra,
    }
    response = render("settings/webhook.html", "webhook_panel", status=status, **context)
    return _no_store(response)


@bp.get("/webhook")
@admin_only
def webhook() -> Response:
    """The organisation's webhook: where alerts are sent, and the log of deliveries."""
    return _webhook_page()


@bp.post("/webhook")
@admin_only
def save_webhook() -> Response:
    """Set the webhook's URL and secret (a generated secret is shown once)."""
    form = {key: request.form.get(key, "") for key in ("url", "secret")}
    try:
        saved = org_webhooks.save(current_user.organization, current_user, **form)
    except org_webhooks.WebhookError as error:
        return _webhook_page(status=422, error=str(error), form={"url": form["url"]})
    return _webhook_page(saved=saved)


@bp.post("/webhook/remove")
@admin_only
def remove_webhook() -> Response:
    """Stop sending alerts to the webhook."""
    org_webhooks.remove(current_user.organization, current_user)
    if htmx:
        return _webhook_page()
    return cast(Response, redirect(url_for("settings.webhook"), code=303))


def _ranking_page(saved: bool | None = None) -> Response:
    organization = current_user.organization
    return render(
        "settings/ranking.html",
        "ranking_panel",
        counted=bool(organization.count_issuer_pages),
        factor=ISSUER_PAGE_FACTOR,
        saved=saved,
    )


@bp.get("/ranking")
@admin_only
def ranking() -> Response:
    """The organisation's ranking policy: whether issuers' certificate pages count."""
    return _ranking_page()


@bp.post("/ranking")
@admin_only
def save_ranking() -> Response:
    """Count issuers' certificate pages in rankings, or stop counting them (audited)."""
    counted = request.form.get("count_issuer_pages") == "1"
    changed = role_service.set_issuer_pages(current_user.organization, current_user, counted)
    if htmx:
        return _ranking_page(saved=changed)
    return cast(Response, redirect(url_for("settings.ranking"), code=303))
