"""Identities: merging two records of the same person."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for
from flask_login import current_user

from app.models import Candidate
from app.services import identity
from app.web.auth import can_change
from app.web.htmx import see_other
from app.web.tenancy import get_or_404

bp = Blueprint("identities", __name__, url_prefix="/candidates")


@bp.post("/<int:candidate_id>/merge")
@can_change
def merge(candidate_id: int) -> Response:
    """Fold another candidate of the organisation into this one (the page offers duplicates)."""
    keep = get_or_404(Candidate, candidate_id)
    other = get_or_404(Candidate, request.form.get("other_id", 0, type=int) or 0)
    if other.id == keep.id:
        abort(400, "A candidate cannot be merged into itself.")
    identity.merge(keep, other, current_user)
    return see_other(url_for("candidates.show", candidate_id=keep.id))
