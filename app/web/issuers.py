"""Issuer trust: the organisation's tier for each issuer, and what each tier is worth."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, Response, redirect, request, url_for
from flask_login import current_user, login_required

from app.ranking import Tier
from app.services import roles as role_service
from app.services.roles import RoleError
from app.web.auth import admin_only
from app.web.htmx import render
from app.web.tenancy import org_id

bp = Blueprint("issuers", __name__, url_prefix="/issuers")
UNPROVEN_CHOICES = (1.0, 0.75, 0.5, 0.25, 0.0)


def _context(error: str = "") -> dict[str, object]:
    return {
        "issuers": role_service.issuers(org_id()),
        "factors": role_service.tier_factors(org_id()),
        "tiers": list(Tier),
        "unproven": role_service.unproven_factor(org_id()),
        "unproven_choices": UNPROVEN_CHOICES,
        "error": error,
    }


@bp.get("/")
@login_required
def index() -> Response:
    """Issuers seen in credentials with their trust tier; admins change tiers and factors."""
    return render("roles/issuers.html", "content", **_context())


@bp.post("/")
@admin_only
def update() -> Response:
    """Put one issuer in a tier."""
    try:
        tier = Tier(request.form.get("tier", ""))
        role_service.set_tier(
            current_user.organization,
            current_user,
            request.form.get("issuer", ""),
            request.form.get("name", ""),
            tier,
        )
    except (ValueError, RoleError) as error:
        message = str(error) if isinstance(error, RoleError) else "Choose a trust tier."
        return render("roles/issuers.html", "content", status=422, **_context(message))
    return cast(Response, redirect(url_for("issuers.index"), code=303))


@bp.post("/factors")
@admin_only
def factors() -> Response:
    """Change what each tier multiplies evidence by."""
    try:
        values = {tier: float(request.form.get(tier.value, "")) for tier in Tier}
        role_service.set_factors(current_user.organization, current_user, values)
    except (ValueError, RoleError) as error:
        message = (
            str(error) if isinstance(error, RoleError) else "Each factor is a number from 0 to 1."
        )
        return render("roles/issuers.html", "content", status=422, **_context(message))
    return cast(Response, redirect(url_for("issuers.index"), code=303))


@bp.post("/ownership")
@admin_only
def ownership() -> Response:
    """Change how much a credential counts while the candidate has not proven it is theirs."""
    try:
        value = float(request.form.get("unproven", ""))
        if value not in UNPROVEN_CHOICES:
            raise ValueError(value)
        role_service.set_unproven(current_user.organization, current_user, value)
    except ValueError:
        message = "Choose one of the shares offered."
        return render("roles/issuers.html", "content", status=422, **_context(message))
    return cast(Response, redirect(url_for("issuers.index"), code=303))
