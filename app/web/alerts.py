"""Alerts: this area arrives with scheduled re-verification and alerts."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import login_required

from app.web.htmx import render

bp = Blueprint("alerts", __name__, url_prefix="/alerts")


@bp.get("/")
@login_required
def index() -> Response:
    """Placeholder page while scheduled re-verification and alerts is being built."""
    return render(
        "coming_soon.html",
        "content",
        title="Alerts",
        feature="scheduled re-verification and alerts",
    )
