"""The first screen after sign-in: the worklist of what needs action now."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, current_app
from flask_login import current_user, login_required

from app.models import utcnow
from app.services import worklist
from app.web.htmx import render
from app.web.tenancy import org_id

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index() -> Response:
    """What needs action now, grouped with counts, each item one click from its candidate."""
    settings = current_app.extensions["skillproof.settings"]
    groups = worklist.build(
        org_id(),
        utcnow(),
        unreachable_after=timedelta(days=settings.unreachable_alert_days),
        expiry_warning=timedelta(days=settings.expiry_warning_days),
    )
    return render(
        "dashboard/index.html",
        "content",
        organization=current_user.organization,
        groups=groups,
        open_items=sum(group.total for group in groups),
    )
