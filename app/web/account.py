"""The signed-in user's own account: changing their password."""

from __future__ import annotations

from flask import Blueprint, Response, request, session
from flask_login import current_user, login_required

from app.services import accounts
from app.web.auth import SESSION_TOKEN
from app.web.htmx import render

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/password")
@login_required
def password() -> Response:
    """The change-password form."""
    return render("account/password.html", "password_form", error=None, changed=False)


@bp.post("/password")
@login_required
def change_password() -> Response:
    """Change one's own password; every other signed-in browser is signed out."""
    form = request.form
    try:
        accounts.change_password(
            current_user._get_current_object(),
            form.get("current", ""),
            form.get("password", ""),
            form.get("confirm", ""),
            keep=session.get(SESSION_TOKEN),
        )
    except accounts.AccountError as error:
        return render(
            "account/password.html", "password_form", status=422, error=str(error), changed=False
        )
    return render("account/password.html", "password_form", error=None, changed=True)
