"""Skills: search the taxonomy, autocomplete, and the crosswalk admins confirm or reject."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, Response, abort, redirect, request, url_for
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block

from app.models import Skill
from app.services import skills as skill_service
from app.web.auth import admin_only
from app.web.htmx import render
from app.web.tenancy import org_id

bp = Blueprint("skills", __name__, url_prefix="/skills")


@bp.get("/")
@login_required
def index() -> Response:
    """Search the skills taxonomy (and skills added from evidence) as you type."""
    text = request.args.get("q", "")
    results = skill_service.search(org_id(), text) if text.strip() else []
    return render("skills/index.html", "results", q=text, results=results)


@bp.get("/options")
@login_required
def options() -> Response:
    """`<option>`s for a skill input's datalist, as the user types."""
    text = request.args.get("skill") or request.args.get("q") or ""
    results = skill_service.search(org_id(), text) if text.strip() else []
    response = Response(render_block("skills/index.html", "options", results=results))
    response.vary.add("HX-Request")
    return response


@bp.get("/crosswalk")
@login_required
def crosswalk() -> Response:
    """Labels only credentials use, with fuzzy taxonomy suggestions to confirm or reject."""
    return render(
        "skills/crosswalk.html",
        "content",
        items=skill_service.crosswalk(org_id()),
        decisions=skill_service.decisions(org_id()),
    )


@bp.post("/crosswalk")
@admin_only
def decide() -> Response:
    """Confirm or reject that a label means a taxonomy skill; remembered for the organisation."""
    label = _visible(request.form.get("label_skill_id", 0, type=int) or 0)
    target = _visible(request.form.get("skill_id", 0, type=int) or 0)
    if label.organization_id != org_id() or target.organization_id is not None:
        abort(404)
    confirmed = request.form.get("decision") == "confirm"
    skill_service.decide(current_user.organization, label, target, confirmed, current_user)
    return cast(Response, redirect(url_for("skills.crosswalk"), code=303))


def _visible(skill_id: int) -> Skill:
    skill = Skill.visible_to(org_id()).where(Skill.id == skill_id).first()
    if skill is None:
        abort(404)
    return skill
