"""Reports: a printable evidence report per candidate and per shortlist, and the signed,
expiring, revocable links that let a hiring manager without an account read one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, request, url_for
from flask_login import current_user, login_required

from app.models import Candidate, Organization, RoleProfile, ShareLink, utcnow
from app.services import identity, sharing
from app.services import ranking as ranking_service
from app.services import roles as role_service
from app.services.candidates import CandidateError
from app.services.candidates import emails_of as candidate_emails
from app.web.auth import can_change
from app.web.htmx import is_partial, render, see_other
from app.web.tenancy import get_or_404, org_id

bp = Blueprint("reports", __name__)


def _candidate_context(candidate: Candidate, shared: bool = False) -> dict[str, Any]:
    return {
        "candidate": candidate,
        "organization": Organization.get_by_id(candidate.organization_id),
        "emails": candidate_emails(candidate),
        "evidence": sharing.evidence_of(candidate),
        "scores": sharing.scores_of(candidate),
        "conflicts": identity.conflicts(candidate.organization_id, candidate.id),
        "generated_at": utcnow(),
        "shared": shared,
        "layout": "reports/public.html" if shared else "base.html",
    }


def _shortlist_context(role: RoleProfile, shared: bool = False) -> dict[str, Any]:
    ranking = ranking_service.ranking_for(role)
    entries = role_service.shortlist(role)
    members = [
        {
            "candidate": entry.candidate,
            "entry": entry,
            "score": ranking.of(entry.candidate_id),
            "position": ranking.position(entry.candidate_id),
            "evidence": sharing.evidence_of(entry.candidate),
            "conflicts": identity.conflicts(role.organization_id, entry.candidate_id),
        }
        for entry in entries
    ]
    return {
        "role": role,
        "organization": Organization.get_by_id(role.organization_id),
        "members": members,
        "total": len(ranking.scores),
        "generated_at": utcnow(),
        "shared": shared,
        "layout": "reports/public.html" if shared else "base.html",
    }


def _links_context(**subject: Any) -> dict[str, Any]:
    return {"links": sharing.links_of(org_id(), **subject), "now": utcnow(), "new_url": ""}


@bp.get("/candidates/<int:candidate_id>/report")
@login_required
def candidate(candidate_id: int) -> Response:
    """Everything checked about one candidate, ready to print or share."""
    found = get_or_404(Candidate, candidate_id)
    context = {**_candidate_context(found), **_links_context(candidate=found)}
    return render("reports/candidate.html", "content", **context)


@bp.get("/roles/<int:role_id>/shortlist/report")
@login_required
def shortlist(role_id: int) -> Response:
    """The shortlist of a role with each candidate's evidence and explanation."""
    role = get_or_404(RoleProfile, role_id)
    context = {**_shortlist_context(role), **_links_context(role=role)}
    return render("reports/shortlist.html", "content", **context)


@bp.post("/reports/links")
@can_change
def create_link() -> Response:
    """A new share link for a candidate's report or a shortlist's; its address is shown once."""
    candidate, role = _subject_of(request.form)
    try:
        _, token = sharing.create_link(
            current_user.organization,
            current_user,
            request.form.get("days", 0, type=int) or 0,
            current_app.secret_key or "",
            candidate=candidate,
            role=role,
        )
    except CandidateError as error:
        return _after_link_change(candidate, role, error=str(error))
    return _after_link_change(
        candidate, role, new_url=url_for("reports.shared", token=token, _external=True)
    )


@bp.post("/reports/links/<int:link_id>/revoke")
@can_change
def revoke_link(link_id: int) -> Response:
    """Revoke a share link at once; opening it afterwards says it is no longer valid."""
    link = get_or_404(ShareLink, link_id)
    sharing.revoke(link, current_user)
    candidate = Candidate.get_by_id(link.candidate_id) if link.candidate_id else None
    role = RoleProfile.get_by_id(link.role_id) if link.role_id else None
    return _after_link_change(candidate, role)


def _subject_of(form: Any) -> tuple[Candidate | None, RoleProfile | None]:
    if form.get("candidate_id"):
        return get_or_404(Candidate, form.get("candidate_id", 0, type=int) or 0), None
    if form.get("role_id"):
        return None, get_or_404(RoleProfile, form.get("role_id", 0, type=int) or 0)
    abort(400, "Say which candidate or shortlist to share.")


def _after_link_change(
    candidate: Candidate | None, role: RoleProfile | None, new_url: str = "", error: str = ""
) -> Response:
    subject: dict[str, Any] = {"candidate": candidate} if candidate else {"role": role}
    if is_partial():
        context = {**_links_context(**subject), **subject, "new_url": new_url, "error": error}
        template = "reports/candidate.html" if candidate else "reports/shortlist.html"
        return render(template, "share_links", status=422 if error else 200, **context)
    if error:
        flash(error, "error")
    elif new_url:
        flash(f"Share link (shown once, copy it now): {new_url}", "notice")
    if candidate:
        return see_other(url_for("reports.candidate", candidate_id=candidate.id))
    assert role is not None
    return see_other(url_for("reports.shortlist", role_id=role.id))


@bp.get("/shared/<token>")
def shared(token: str) -> Response:
    """A report opened through a share link: no account, nothing else reachable, audited."""
    link = sharing.open_link(token[:512], current_app.secret_key or "")
    if link is None:
        response = render(
            "reports/public_error.html", "content", status=410, layout="reports/public.html"
        )
    elif link.candidate_id:
        found = Candidate.get_by_id(link.candidate_id)
        context = _candidate_context(found, shared=True)
        response = render(
            "reports/candidate.html", "content", expires_at=link.expires_at, **context
        )
    else:
        role = RoleProfile.get_by_id(link.role_id)
        context = _shortlist_context(role, shared=True)
        response = render(
            "reports/shortlist.html", "content", expires_at=link.expires_at, **context
        )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
