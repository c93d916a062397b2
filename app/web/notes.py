"""Notes: dated, attributed notes on a candidate."""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for
from flask_login import current_user

from app.models import Candidate
from app.services import notes
from app.services.candidates import CandidateError
from app.web.auth import can_change
from app.web.candidates import _show_context as show_context
from app.web.htmx import is_partial, render, see_other
from app.web.tenancy import get_or_404

bp = Blueprint("notes", __name__, url_prefix="/candidates")


@bp.post("/<int:candidate_id>/notes")
@can_change
def create(candidate_id: int) -> Response:
    """Add a note signed by the current user; the notes section comes back with it on top."""
    candidate = get_or_404(Candidate, candidate_id)
    text = request.form.get("body", "")
    try:
        notes.add(candidate, current_user, text)
    except CandidateError as error:
        context = {"errors": {"note": str(error)}, "note_text": text}
        return _notes(candidate, status=422, **context)
    if is_partial():
        return _notes(candidate)
    return see_other(url_for("candidates.show", candidate_id=candidate.id) + "#notes")


def _notes(candidate: Candidate, status: int = 200, **extra: object) -> Response:
    context = {**show_context(candidate), **extra}
    return render("candidates/show.html", "notes", status=status, **context)
