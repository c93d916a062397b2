"""Roles: skill profiles, the explained ranking of candidates, shortlists and CSV export."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from app.models import Candidate, Credential, RoleProfile
from app.ranking import CandidateScore, Importance
from app.services import ranking as ranking_service
from app.services import roles as role_service
from app.services import skills as skill_service
from app.services.roles import RequirementInput, RoleError
from app.web.auth import admin_only, can_change
from app.web.htmx import htmx, is_partial, render, see_other
from app.web.tenancy import get_or_404, org_id

bp = Blueprint("roles", __name__, url_prefix="/roles")
PAGE_SIZE = 50
CHART_WIDTH = 160


@bp.get("/")
@login_required
def index() -> Response:
    """Every role profile of the organisation; admins create new ones here."""
    return render("roles/index.html", "new_role", **_index_context())


def _index_context(form: dict[str, str] | None = None, error: str = "") -> dict[str, Any]:
    roles = role_service.with_requirement_counts(org_id())
    return {"roles": roles, "form": form or {}, "error": error}


@bp.post("/")
@admin_only
def create() -> Response:
    """Create a role profile, then add its skills on the edit page."""
    form = {k: request.form.get(k, "") for k in ("title", "description")}
    try:
        role = role_service.create(
            current_user.organization, current_user, form["title"], form["description"]
        )
    except RoleError as error:
        return render(
            "roles/index.html", "new_role", status=422, **_index_context(form, str(error))
        )
    return see_other(url_for("roles.edit", role_id=role.id))


@bp.get("/<int:role_id>")
@login_required
def show(role_id: int) -> Response:
    """The ranked candidates for a role, filtered; refreshes itself when a verification ends."""
    role = get_or_404(RoleProfile, role_id)
    return render("roles/show.html", "ranking", **_ranking_context(role))


def _filters() -> dict[str, Any]:
    args = request.args
    minimum = max(0, min(100, args.get("min", 0, type=int) or 0))
    return {
        "meets": args.get("meets") == "1",
        "min": minimum,
        "page": max(1, args.get("page", 1, type=int) or 1),
    }


def _ranking_context(role: RoleProfile) -> dict[str, Any]:
    ranking = ranking_service.ranking_for(role)
    filters = _filters()
    chosen = ranking.filtered(filters["meets"], filters["min"])
    start = (filters["page"] - 1) * PAGE_SIZE
    return {
        "role": role,
        "ranking": ranking,
        "rows": chosen[start : start + PAGE_SIZE],
        "total": len(chosen),
        "pages": max(1, -(-len(chosen) // PAGE_SIZE)),
        "filters": filters,
        "charts": {
            score.candidate_id: coverage_chart(score)
            for _, score in chosen[start : start + PAGE_SIZE]
        },
        "shortlisted": role_service.shortlisted_ids(role),
        "requirements": ranking.profile.requirements,
    }


@bp.get("/<int:role_id>/changes")
@login_required
def changes(role_id: int) -> Response:
    """Answers `credential-verified` when verifications moved on since the page's `token`."""
    get_or_404(RoleProfile, role_id)
    response = Response("", status=200)
    if request.args.get("token", "") != ranking_service.token(org_id()):
        response.headers["HX-Trigger"] = "credential-verified"
    return response


@bp.get("/<int:role_id>/candidates/<int:candidate_id>")
@login_required
def explain(role_id: int, candidate_id: int) -> Response:
    """Why a candidate scored what they did, skill by skill, and what would raise the score."""
    role = get_or_404(RoleProfile, role_id)
    candidate = get_or_404(Candidate, candidate_id)
    ranking = ranking_service.ranking_for(role)
    score = ranking.of(candidate.id)
    if score is None:
        abort(404)
    return render(
        "roles/explain.html",
        "content",
        role=role,
        candidate=candidate,
        score=score,
        place=ranking.place_of(candidate.id),
        total=len(ranking.scores),
        ranking=ranking,
        chart=coverage_chart(score),
        sources={
            row.requirement.skill_id: skill_service.source_of(row.claim)
            for row in score.rows
            if row.claim
        },
        red_flags=list(
            Credential.of(org_id())
            .where(
                (Credential.candidate == candidate)
                & Credential.verdict.in_(["revoked", "recipient_mismatch"])
            )
            .order_by(Credential.id)
        ),
        stack_members={
            e.credential_id: [ranking.credential_names.get(m, "") for m in e.members]
            for e in score.stacks
        },
    )


@bp.get("/<int:role_id>/edit")
@admin_only
def edit(role_id: int) -> Response:
    """Edit the role: title, the requirement gate, and its skills."""
    role = get_or_404(RoleProfile, role_id)
    return render("roles/edit.html", "requirements", **_edit_context(role))


def _edit_context(
    role: RoleProfile, error: str = "", form: dict[str, str] | None = None, focus: str = ""
) -> dict[str, Any]:
    """The edit page; `focus` names what an htmx swap moves focus to (the error, the form)."""
    return {
        "role": role,
        "requirements": role_service.requirements_of(role),
        "error": error,
        "form": form or {},
        "importances": [i.value for i in Importance],
        "conflict": None,
        "focus": focus if is_partial() else "",
    }


@bp.post("/<int:role_id>/edit")
@admin_only
def update(role_id: int) -> Response:
    """Save the title, description and whether missing a required skill ranks a candidate last."""
    role = get_or_404(RoleProfile, role_id)
    try:
        role_service.update(
            role,
            current_user,
            request.form.get("title", ""),
            request.form.get("description", ""),
            request.form.get("gate") == "1",
        )
    except RoleError as error:
        return render("roles/edit.html", "content", status=422, **_edit_context(role, str(error)))
    return see_other(url_for("roles.edit", role_id=role.id))


@bp.post("/<int:role_id>/skills")
@admin_only
def add_skill(role_id: int) -> Response:
    """Add a skill to the role (or change its importance, weight, level or recency)."""
    role = get_or_404(RoleProfile, role_id)
    form = {
        k: request.form.get(k, "")
        for k in ("skill", "importance", "weight", "min_level", "recency_months")
    }
    try:
        wanted = _requirement(form)
        existing = role_service.requirement_of(role, wanted.skill)
        if existing is not None and request.form.get("replace") != "1":
            context = _edit_context(role, form=form, focus="error")
            context["conflict"] = existing
            return render("roles/edit.html", "requirements", status=409, **context)
        role_service.set_requirement(role, current_user, wanted)
    except RoleError as error:
        context = _edit_context(role, str(error), form, focus="error")
        return render("roles/edit.html", "requirements", status=422, **context)
    if htmx and not htmx.boosted:
        return render("roles/edit.html", "requirements", **_edit_context(role, focus="add"))
    return see_other(url_for("roles.edit", role_id=role.id))


def _requirement(form: dict[str, str]) -> RequirementInput:
    skill = skill_service.find(org_id(), form["skill"])
    if skill is None:
        raise RoleError(
            f"No skill called “{form['skill'].strip()}”. Pick one from the suggestions."
        )
    try:
        importance = Importance(form["importance"] or "preferred")
        weight = int(form["weight"] or 3)
        recency = int(form["recency_months"]) if form["recency_months"].strip() else None
    except ValueError as error:
        raise RoleError(
            "Importance is required or preferred; weight and recency are whole numbers."
        ) from error
    return RequirementInput(skill, importance, weight, form["min_level"], recency)


@bp.post("/<int:role_id>/skills/remove")
@admin_only
def remove_skill(role_id: int) -> Response:
    """Take a skill off the role."""
    role = get_or_404(RoleProfile, role_id)
    role_service.remove_requirement(
        role, current_user, request.form.get("skill_id", 0, type=int) or 0
    )
    if htmx and not htmx.boosted:
        return render("roles/edit.html", "requirements", **_edit_context(role, focus="skills"))
    return see_other(url_for("roles.edit", role_id=role.id))


@bp.get("/<int:role_id>/delete")
@admin_only
def confirm_delete(role_id: int) -> Response:
    """Ask before deleting: what goes with the role (its skills and shortlist)."""
    role = get_or_404(RoleProfile, role_id)
    return render(
        "roles/delete.html",
        "content",
        role=role,
        skills=len(role_service.requirements_of(role)),
        shortlisted=len(role_service.shortlisted_ids(role)),
    )


@bp.post("/<int:role_id>/delete")
@admin_only
def delete(role_id: int) -> Response:
    """Delete the role profile and its shortlist (after the confirmation page)."""
    role = get_or_404(RoleProfile, role_id)
    role_service.delete(role, current_user)
    return see_other(url_for("roles.index"))


@bp.get("/<int:role_id>/shortlist")
@login_required
def shortlist(role_id: int) -> Response:
    """The candidates shortlisted for this role, with their current score."""
    role = get_or_404(RoleProfile, role_id)
    ranking = ranking_service.ranking_for(role)
    entries = role_service.shortlist(role)
    scores = {e.candidate_id: ranking.of(e.candidate_id) for e in entries}
    return render(
        "roles/shortlist.html",
        "content",
        role=role,
        entries=entries,
        scores=scores,
        ranking=ranking,
    )


@bp.post("/<int:role_id>/shortlist")
@can_change
def shortlist_add(role_id: int) -> Response:
    """Put a candidate on the role's shortlist."""
    return _shortlist_change(role_id, add=True)


@bp.post("/<int:role_id>/shortlist/remove")
@can_change
def shortlist_remove(role_id: int) -> Response:
    """Take a candidate off the role's shortlist."""
    return _shortlist_change(role_id, add=False)


def _shortlist_change(role_id: int, add: bool) -> Response:
    role = get_or_404(RoleProfile, role_id)
    candidate = get_or_404(Candidate, request.form.get("candidate_id", 0, type=int) or 0)
    if add:
        role_service.add_to_shortlist(role, candidate, current_user)
    else:
        role_service.remove_from_shortlist(role, candidate, current_user)
    if htmx and not htmx.boosted:
        context = {
            "role": role,
            "candidate_id": candidate.id,
            "candidate_name": candidate.name,
            "shortlisted": role_service.shortlisted_ids(role),
        }
        return render("roles/show.html", "shortlist_button", **context)
    target = request.form.get("back") == "shortlist"
    return see_other(url_for("roles.shortlist" if target else "roles.show", role_id=role.id))


@bp.get("/<int:role_id>/export.csv")
@login_required
def export(role_id: int) -> Response:
    """The whole ranking with each skill's evidence and factors, and the scoring policy version."""
    role = get_or_404(RoleProfile, role_id)
    text = ranking_service.export_csv(role, current_user)
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=skillproof-role-{role.id}-ranking.csv"
    )
    return response


def coverage_chart(score: CandidateScore) -> Markup:
    """A compact SVG bar per skill, width by weight, filled by evidence strength, with its text."""
    total = sum(row.max_points for row in score.rows) or 1.0
    x, parts = 0.0, []
    for row in score.rows:
        width = max(CHART_WIDTH * row.max_points / total - 1, 1)
        kind = "bar-bg bar-required" if row.requirement.required else "bar-bg"
        parts.append(f'<rect class="{kind}" x="{x:.1f}" y="1" width="{width:.1f}" height="12"/>')
        if row.strength > 0:
            filled = width * row.strength
            parts.append(
                f'<rect class="bar-fill" x="{x:.1f}" y="1" width="{filled:.1f}" height="12"/>'
            )
        x += width + 1
    met = sum(1 for row in score.rows if row.met)
    missing = ", ".join(r.name for r in score.missing) or "none"
    text = escape(f"{met} of {len(score.rows)} skills evidenced; missing: {missing}")
    return Markup(
        f'<svg class="coverage" role="img" aria-label="{text}" viewBox="0 0 {CHART_WIDTH} 14" '
        f'width="{CHART_WIDTH}" height="14" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{text}</title>{''.join(parts)}</svg>"
    )
