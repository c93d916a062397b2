"""Candidates: this area arrives with the recruiter dashboard."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import login_required

from app.web.htmx import render

bp = Blueprint("candidates", __name__, url_prefix="/candidates")


@bp.get("/")
@login_required
def index() -> Response:
    """Placeholder page while the recruiter dashboard is being built."""
    return render(
        "coming_soon.html", "content", title="Candidates", feature="the recruiter dashboard"
    )
