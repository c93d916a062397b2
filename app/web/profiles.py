"""Profile links on a candidate's page: import a Credly profile or Badgr collection again, or
remove it."""

from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_login import current_user

from app.models import Candidate, ProfileImport
from app.services import intake, profile_import
from app.web.auth import can_change
from app.web.candidates import _after_intake as after_intake
from app.web.tenancy import get_or_404

bp = Blueprint("profiles", __name__, url_prefix="/candidates")


def _row(candidate: Candidate, profile_id: int) -> ProfileImport:
    row = get_or_404(ProfileImport, profile_id)
    if row.candidate_id != candidate.id:
        abort(404)
    return row


@bp.post("/<int:candidate_id>/profiles/<int:profile_id>/retry")
@can_change
def retry(candidate_id: int, profile_id: int) -> Response:
    """Read the profile again: badges the candidate does not have yet are added."""
    candidate = get_or_404(Candidate, candidate_id)
    row = _row(candidate, profile_id)
    if not row.pending:
        intake.requeue_profile(row, current_user._get_current_object())
    return after_intake(candidate, f"Reading {row.label} again.")


@bp.post("/<int:candidate_id>/profiles/<int:profile_id>/delete")
@can_change
def delete(candidate_id: int, profile_id: int) -> Response:
    """Forget the profile link; the credentials it added stay."""
    candidate = get_or_404(Candidate, candidate_id)
    row = _row(candidate, profile_id)
    profile_import.remove(row)
    return after_intake(candidate, f"Removed {row.label}.")
