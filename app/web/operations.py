"""Operations: the scheduler and the verification queue, for admins."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from app.models import Organization
from app.services import operations
from app.web.auth import admin_only
from app.web.htmx import render
from app.web.tenancy import org_id

bp = Blueprint("operations", __name__, url_prefix="/operations")


@bp.get("/")
@admin_only
def index() -> Response:
    """Last and next nightly run, queue depth, claims in flight, failures in the last 24 hours."""
    organization = Organization.get_by_id(org_id())
    cron = current_app.extensions["skillproof.settings"].nightly_cron
    return render(
        "operations/index.html",
        "operations_panel",
        title="Operations",
        cron=cron,
        overview=operations.overview(organization, cron),
        failures=operations.recent_failures(organization),
    )
