"""Bulk actions on the ticked candidates: archive, restore, shortlist, re-verify, export."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_login import current_user

from app.models import Candidate, Credential, RoleProfile
from app.services import candidates as candidate_service
from app.services import roles as role_service
from app.services import verification
from app.services.accounts import audit
from app.web.auth import can_change
from app.web.candidates import BULK_ACTIONS, csv_response
from app.web.tenancy import org_id

bp = Blueprint("bulk", __name__, url_prefix="/candidates/bulk")
ACTIONS = BULK_ACTIONS


@bp.post("/")
@can_change
def apply() -> Response:
    """Run the chosen action on every ticked candidate; come back to the list with the outcome."""
    action = request.form.get("action", "")
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()][:1000]
    chosen = Candidate.of(org_id()).where(Candidate.id.in_(ids))
    back = redirect(_back(), code=303)
    if action not in ACTIONS:
        flash("Choose what to do with the ticked candidates.", "error")
        return back
    candidates = list(chosen)
    if not candidates:
        flash("Tick at least one candidate first.", "error")
        return back
    if action == "export":
        return csv_response([c.id for c in candidates])
    if action == "shortlist":
        role = RoleProfile.get_in(org_id(), request.form.get("role_id", 0, type=int) or 0)
        if role is None:
            flash("Choose the role whose shortlist they should join.", "error")
            return back
        for candidate in candidates:
            role_service.add_to_shortlist(role, candidate, current_user)
        flash(f"Added {_count(candidates)} to the shortlist of {role.title}.", "notice")
        return back
    if action == "reverify":
        credentials = Credential.of(org_id()).where(Credential.candidate.in_(candidates))
        for credential in credentials:
            verification.requeue(credential, user=current_user)
        flash(f"Verifying the credentials of {_count(candidates)} again.", "notice")
    else:
        for candidate in candidates:
            candidate_service.set_archived(candidate, action == "archive")
        flash(
            f"{'Archived' if action == 'archive' else 'Restored'} {_count(candidates)}.", "notice"
        )
    audit(org_id(), current_user, f"candidate.bulk.{action}", "candidates", str(len(candidates)))
    return back


def _count(candidates: list[Candidate]) -> str:
    return f"{len(candidates)} candidate{'s' if len(candidates) != 1 else ''}"


def _back() -> str:
    """The list the form came from (its filters kept), never another site."""
    target = request.form.get("back", "")
    return target if target.startswith("/candidates") else url_for("candidates.index")
