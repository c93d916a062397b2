"""Roles: this area arrives with role skill profiles and ranking."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import login_required

from app.web.htmx import render

bp = Blueprint("roles", __name__, url_prefix="/roles")


@bp.get("/")
@login_required
def index() -> Response:
    """Placeholder page while role skill profiles and ranking is being built."""
    return render(
        "coming_soon.html", "content", title="Roles", feature="role skill profiles and ranking"
    )
