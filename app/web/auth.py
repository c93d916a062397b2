"""Sign-in, sign-out, and the guards every other view relies on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, redirect, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from app.models import Role, User
from app.services import accounts, password_reset, sessions
from app.web.htmx import client_redirect, htmx, render, see_other

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.session_protection = "strong"


limiter = Limiter(key_func=get_remote_address, default_limits=[])
F = TypeVar("F", bound=Callable[..., Any])


SESSION_TOKEN = "sid"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    settings = current_app.extensions["skillproof.settings"]
    lifetime = timedelta(hours=settings.session_hours)
    if not sessions.is_live(int(user_id), session.get(SESSION_TOKEN), lifetime):
        return None  # signed out, or a password change ended it: the cookie alone is not enough
    return User.get_or_none((User.id == int(user_id)) & (User.active == True))  # noqa: E712


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    target = url_for("auth.login", next=_safe_next(request.full_path.rstrip("?")))
    if htmx:
        return client_redirect(target)
    return cast(Response, redirect(target))


def role_required(*roles: Role) -> Callable[[F], F]:
    """Only signed-in users holding one of `roles` may call the view (others get 403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if current_user.role_enum not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate


can_change = role_required(Role.ADMIN, Role.RECRUITER)
admin_only = role_required(Role.ADMIN)


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths survive; anything else becomes the dashboard."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _login_rate_limit() -> str:
    return str(current_app.extensions["skillproof.settings"].login_rate_limit)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login() -> Response:
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return cast(Response, redirect(url_for("dashboard.index")))
    forgot = password_reset.enabled(_settings())
    if request.method == "GET":
        notice = NOTICES.get(request.args.get("notice", ""))
        return render(
            "auth/login.html", "login_form", email="", error=None, notice=notice, forgot=forgot
        )
    email = request.form.get("email", "")
    user = accounts.authenticate(email, request.form.get("password", ""))
    if user is None:
        error = "That e-mail address and password do not match an active account."
        return render(
            "auth/login.html", "login_form", status=401, email=email, error=error, forgot=forgot
        )
    session.clear()
    login_user(user)
    session[SESSION_TOKEN] = sessions.open_session(user)
    destination = _safe_next(request.args.get("next")) or url_for("dashboard.index")
    return client_redirect(destination) if htmx else cast(Response, redirect(destination))


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out and return to the sign-in page."""
    sessions.revoke(session.get(SESSION_TOKEN))
    logout_user()
    session.clear()
    return cast(Response, redirect(url_for("auth.login")))


def _settings() -> Any:
    return current_app.extensions["skillproof.settings"]


NOTICES = {
    "reset": "Your password was changed. Sign in with the new one.",
    "sent": "If that address belongs to an account, a link to choose a new password is on its "
    "way. It works once, for an hour.",
}


def _reset_link() -> str:
    path = url_for("auth.reset_password", token="TOKEN")
    base = _settings().base_url
    return (
        base.rstrip("/") + path
        if base
        else url_for("auth.reset_password", token="TOKEN", _external=True)
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def forgot_password() -> Response:
    """Ask for a password reset link by e-mail (where the installation can send e-mail)."""
    if not password_reset.enabled(_settings()):
        abort(404)
    if request.method == "GET":
        return render("auth/forgot.html", "forgot_form", email="", error=None)
    email = request.form.get("email", "").strip()
    if not accounts.EMAIL_PATTERN.match(email.lower()):
        error = "Enter the e-mail address you sign in with."
        return render("auth/forgot.html", "forgot_form", status=422, email=email, error=error)
    password_reset.request_reset(_settings(), current_app.secret_key or "", email, _reset_link())
    return see_other(url_for("auth.login", notice="sent"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def reset_password(token: str) -> Response:
    """Choose a new password from an e-mailed link."""
    user = password_reset.user_for(current_app.secret_key or "", token)
    if user is None:
        error = "This link has expired or was already used. Ask for a new one."
        return render("auth/reset.html", "reset_form", status=410, user=None, error=error)
    if request.method == "GET":
        return render("auth/reset.html", "reset_form", user=user, error=None)
    try:
        password_reset.reset(
            user, request.form.get("password", ""), request.form.get("confirm", "")
        )
    except accounts.AccountError as error:
        return render("auth/reset.html", "reset_form", status=422, user=user, error=str(error))
    return see_other(url_for("auth.login", notice="reset"))
