"""Skills: search the taxonomy, autocomplete, and the crosswalk admins confirm or reject."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, Response, abort, redirect, request, url_for
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block

from app.models import Skill
from app.models.accounts import MAX_ID
from app.services import custom_skills
from app.services import skills as skill_service
from app.services.custom_skills import SkillError, SkillInput
from app.web.auth import admin_only
from app.web.htmx import is_partial, render, see_other
from app.web.tenancy import org_id

bp = Blueprint("skills", __name__, url_prefix="/skills")


@bp.get("/")
@login_required
def index() -> Response:
    """Search the skills taxonomy (and skills added from evidence) as you type."""
    text = request.args.get("q", "")
    results = skill_service.search(org_id(), text) if text.strip() else []
    return render("skills/index.html", "results", **_index_context(text, results))


def _index_context(
    text: str = "", results: list[Skill] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "q": text,
        "results": results or [],
        "own_skills": list(custom_skills.own(org_id())),
        "editing": None,
        "skill_form": {},
        "skill_error": "",
        "new_form": {},
        "new_error": "",
        **extra,
    }


def _skill_input(form: Any) -> SkillInput:
    return SkillInput(form.get("name", ""), form.get("aliases", ""), form.get("description", ""))


@bp.post("/")
@admin_only
def create() -> Response:
    """Add a skill of the organisation's own, beyond the shipped taxonomy."""
    try:
        skill = custom_skills.create(
            current_user.organization, current_user, _skill_input(request.form)
        )
    except SkillError as error:
        context = _index_context(new_form=request.form.to_dict(), new_error=str(error))
        return render("skills/index.html", "new_skill", status=422, **context)
    return see_other(url_for("skills.index", q=skill.name))


@bp.get("/<int:skill_id>/edit")
@admin_only
def edit(skill_id: int) -> Response:
    """The skill's row as a form, in place."""
    skill = _own(skill_id)
    context = _index_context(skill.name, [skill], editing=skill.id, skill=skill)
    return render("skills/index.html", "skill_row", **context)


@bp.post("/<int:skill_id>")
@admin_only
def update(skill_id: int) -> Response:
    """Save a skill's name, aliases and description; the row comes back as text."""
    skill = _own(skill_id)
    try:
        custom_skills.update(skill, current_user, _skill_input(request.form))
    except SkillError as error:
        context = _index_context(
            skill.name,
            [skill],
            editing=skill.id,
            skill=skill,
            skill_form=request.form.to_dict(),
            skill_error=str(error),
        )
        return render("skills/index.html", "skill_row", status=422, **context)
    if is_partial():
        return render("skills/index.html", "skill_row", **_index_context(skill=skill))
    return see_other(url_for("skills.index", q=skill.name))


def _own(skill_id: int) -> Skill:
    """One of the organisation's own skills (the shared taxonomy is not edited here)."""
    skill = (
        Skill.get_or_none((Skill.id == skill_id) & (Skill.organization == org_id()))
        if 0 < skill_id <= MAX_ID
        else None
    )
    if skill is None:
        abort(404)
    return skill


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
