"""The first screen after sign-in."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import current_user, login_required

from app.models import User
from app.web.htmx import render

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index() -> Response:
    """Overview of the organisation."""
    organization = current_user.organization
    users = User.of(organization).where(User.active == True).count()  # noqa: E712
    return render("dashboard/index.html", "content", organization=organization, user_count=users)
