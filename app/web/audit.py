"""Audit: the organisation's audit trail, as the screens that mention it promise."""

from __future__ import annotations

from flask import Blueprint, Response, request

from app.services import audit_log
from app.web.auth import admin_only
from app.web.htmx import render
from app.web.tenancy import org_id

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@admin_only
def index() -> Response:
    """Every recorded action, newest first, filterable by action."""
    action = request.args.get("action", "")
    found = audit_log.page(org_id(), action, request.args.get("page", 1, type=int) or 1)
    return render(
        "audit/index.html",
        "entries",
        page=found,
        action=action,
        actions=audit_log.actions(org_id()),
        label=audit_log.label,
    )
