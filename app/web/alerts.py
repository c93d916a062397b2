"""Alerts: changes found by re-verification, acknowledged by recruiters; the unread count."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, Response, redirect, url_for
from flask_login import current_user, login_required

from app.models import Alert
from app.services import alerts
from app.web.auth import can_change
from app.web.htmx import htmx, render, trigger
from app.web.tenancy import get_or_404, org_id

bp = Blueprint("alerts", __name__, url_prefix="/alerts")
POLL_SECONDS = 15  # how often the navigation's unread count refreshes itself


@bp.app_context_processor
def _unread() -> dict[str, Any]:
    def unread_alert_count() -> int:
        return alerts.unread_count(org_id()) if current_user.is_authenticated else 0

    return {"unread_alert_count": unread_alert_count, "alert_poll_seconds": POLL_SECONDS}


@bp.get("/")
@login_required
def index() -> Response:
    """Every alert of the organisation, unread first."""
    return render(
        "alerts/index.html", "alerts_panel", title="Alerts", alerts=alerts.recent(org_id())
    )


@bp.get("/count")
@login_required
def count() -> Response:
    """The unread count in the navigation (polled by htmx)."""
    return render("alerts/index.html", "alert_count", title="Alerts")


@bp.post("/<int:alert_id>/acknowledge")
@can_change
def acknowledge(alert_id: int) -> Response:
    """Mark one alert read."""
    alerts.acknowledge(get_or_404(Alert, alert_id), current_user)
    return _after_change()


@bp.post("/acknowledge")
@can_change
def acknowledge_all() -> Response:
    """Mark every unread alert read."""
    alerts.acknowledge_all(org_id(), current_user)
    return _after_change()


def _after_change() -> Response:
    if htmx and not htmx.boosted:
        response = render(
            "alerts/index.html", "alerts_panel", title="Alerts", alerts=alerts.recent(org_id())
        )
        return trigger(response, "alerts-changed")
    return cast(Response, redirect(url_for("alerts.index"), code=303))
