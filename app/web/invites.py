"""The recruiter's side of invite links: create (copy or e-mail), follow and revoke them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, flash, request, url_for
from flask_login import current_user

from app.models import Candidate, CandidateInvite, utcnow
from app.services import invites
from app.services.candidates import CandidateError
from app.web.auth import can_change
from app.web.htmx import is_partial, render, see_other, trigger
from app.web.tenancy import get_or_404

bp = Blueprint("invites", __name__, url_prefix="/candidates/<int:candidate_id>/invites")
SHOWN = 5  # the newest invites listed; older ones stay in the audit trail


def panel_context(candidate: Candidate, **extra: Any) -> dict[str, Any]:
    """What the candidate page's invite panel shows."""
    now = utcnow()
    listed = invites.invites_of(candidate)[:SHOWN]
    settings = current_app.extensions["skillproof.settings"]
    return {
        "invites": listed,
        "now_utc": now,
        "invite_states": {invite.id: invites.state_of(invite, now) for invite in listed},
        # Only the newest invite can be active: a new one revokes the one before.
        "invite_active": any(invite.active(now) for invite in listed),
        "invite_mail": invites.mail_enabled(settings),
        "invite_days": invites.DEFAULT_DAYS,
        "invite_url": "",
        "invite_error": "",
        "invite_sent": "",
        **extra,
    }


@bp.post("/")
@can_change
def create(candidate_id: int) -> Response:
    """A new invite link (the old one is revoked): shown once, and e-mailed where SMTP is set."""
    candidate = get_or_404(Candidate, candidate_id)
    email = request.form.get("email", "").strip()
    try:
        invite, secret = invites.create(
            candidate, current_user, request.form.get("days", 0, type=int) or 0, email
        )
    except CandidateError as error:
        return _panel(candidate, status=422, invite_error=str(error), invite_email=email)
    link = _link(secret)
    settings = current_app.extensions["skillproof.settings"]
    if not invite.sent_to or not invites.mail_enabled(settings):
        return _panel(candidate, invite_url=link)
    try:
        invites.send(invite, settings, link, current_user)
    except CandidateError as error:
        return _panel(candidate, invite_url=link, invite_error=str(error))
    return _panel(candidate, invite_url=link, invite_sent=f"E-mailed to {invite.sent_to}.")


@bp.post("/<int:invite_id>/revoke")
@can_change
def revoke(candidate_id: int, invite_id: int) -> Response:
    """End an invite at once: the link then only says it is no longer active."""
    candidate = get_or_404(Candidate, candidate_id)
    invite = get_or_404(CandidateInvite, invite_id)
    if invite.candidate_id != candidate.id:
        return _panel(candidate, status=404)
    invites.revoke(invite, current_user)
    return _panel(candidate)


def _link(secret: str) -> str:
    base = current_app.extensions["skillproof.settings"].base_url
    path = url_for("portal.open_link", token=secret)
    return (
        base.rstrip("/") + path
        if base
        else url_for("portal.open_link", token=secret, _external=True)
    )


def _panel(candidate: Candidate, status: int = 200, **extra: Any) -> Response:
    if is_partial():
        context = {"candidate": candidate, **panel_context(candidate, **extra)}
        response = render("candidates/show.html", "invite_panel", status=status, **context)
        return trigger(response, "invite-changed") if status == 200 else response
    if extra.get("invite_error"):
        flash(str(extra["invite_error"]), "error")
    if extra.get("invite_url"):
        flash(f"Invite link (shown once, copy it now): {extra['invite_url']}", "notice")
    return see_other(url_for("candidates.show", candidate_id=candidate.id))
