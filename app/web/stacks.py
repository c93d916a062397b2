"""Stack rules: any N of these credentials or skills count as a skill or a larger credential."""

from __future__ import annotations

import re
from typing import cast

from flask import Blueprint, Response, abort, redirect, request, url_for
from flask_login import current_user, login_required

from app.models import Skill, StackRule
from app.services import roles as role_service
from app.services import skills as skill_service
from app.services.roles import RoleError
from app.web.auth import admin_only
from app.web.htmx import render
from app.web.tenancy import org_id

bp = Blueprint("stacks", __name__, url_prefix="/stacks")


def _context(error: str = "", form: dict[str, str] | None = None) -> dict[str, object]:
    rules = role_service.stacks_of(org_id())
    skill_ids = {
        i
        for r in rules
        for i in role_service.ids(r.grants_json) + role_service.ids(r.member_skills_json)
    }
    names = {
        s.id: s.name for s in Skill.visible_to(org_id()).where(Skill.id.in_(list(skill_ids) or [0]))
    }
    return {
        "rules": rules,
        "names": names,
        "ids": role_service.ids,
        "members": role_service.stack_member_names,
        "error": error,
        "form": form or {},
    }


@bp.get("/")
@login_required
def index() -> Response:
    """The organisation's stack rules; admins add and delete them."""
    return render("roles/stacks.html", "content", **_context())


@bp.post("/")
@admin_only
def create() -> Response:
    """Add a rule: any N of the listed credentials (one name a line) or skills count as a skill."""
    form = {
        k: request.form.get(k, "") for k in ("name", "count", "credentials", "skills", "grants")
    }
    try:
        rule = _create(form)
    except RoleError as error:
        return render("roles/stacks.html", "content", status=422, **_context(str(error), form))
    return cast(Response, redirect(url_for("stacks.index", _anchor=f"stack-{rule.id}"), code=303))


def _create(form: dict[str, str]) -> StackRule:
    try:
        count = int(form["count"])
    except ValueError as error:
        raise RoleError("Say how many of the members are needed, as a whole number.") from error
    return role_service.create_stack(
        current_user.organization,
        current_user,
        form["name"],
        count,
        [line for line in form["credentials"].splitlines() if line.strip()],
        _skills(form["skills"]),
        _skills(form["grants"]),
    )


def _skills(text: str) -> list[Skill]:
    found = []
    for name in (part.strip() for part in re.split(r"[\n;]", text)):
        if not name:
            continue
        skill = skill_service.find(org_id(), name)
        if skill is None:
            raise RoleError(f"No skill called “{name}”.")
        found.append(skill)
    return found


@bp.post("/delete")
@admin_only
def delete() -> Response:
    """Delete a stack rule."""
    rule = StackRule.get_in(org_id(), request.form.get("stack_id", 0, type=int) or 0)
    if rule is None:
        abort(404)
    role_service.delete_stack(rule, current_user)
    return cast(Response, redirect(url_for("stacks.index"), code=303))
