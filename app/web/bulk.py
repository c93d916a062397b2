"""Bulk actions on the ticked candidates: archive, restore, shortlist, re-verify, export."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, Response, redirect, request, url_for
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
    """Run the chosen action on every ticked candidate; come back to the list with the outcome.

    The outcome travels as a fixed code in the address (see `outcome`), not in the session:
    nothing a concurrent request does to the session can lose or repeat it.
    """
    action = request.form.get("action", "")
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()][:1000]
    candidates = list(Candidate.of(org_id()).where(Candidate.id.in_(ids)))
    if action not in ACTIONS:
        return _back(bulk_error="no-action")
    if not candidates:
        return _back(bulk_error="none-ticked")
    if action == "export":
        return csv_response([c.id for c in candidates])
    role = None
    if action == "shortlist":
        role = RoleProfile.get_in(org_id(), request.form.get("role_id", 0, type=int) or 0)
        if role is None:
            return _back(bulk_error="no-role")
        for candidate in candidates:
            role_service.add_to_shortlist(role, candidate, current_user)
    elif action == "reverify":
        credentials = Credential.of(org_id()).where(Credential.candidate.in_(candidates))
        for credential in credentials:
            verification.requeue(credential, user=current_user)
    else:
        for candidate in candidates:
            candidate_service.set_archived(candidate, action == "archive")
    audit(org_id(), current_user, f"candidate.bulk.{action}", "candidates", str(len(candidates)))
    return _back(bulk=action, n=len(candidates), role=role.id if role else None)


ERRORS = {
    "no-action": "Choose what to do with the ticked candidates.",
    "none-ticked": "Tick at least one candidate first.",
    "no-role": "Choose the role whose shortlist they should join.",
}


def outcome(args: Any) -> tuple[str, str]:
    """("notice" | "error", message) for the list, from the codes `apply` redirected with."""
    if args.get("bulk_error") in ERRORS:
        return "error", ERRORS[args["bulk_error"]]
    count = args.get("n", 0, type=int) or 0
    people = f"{count} candidate{'s' if count != 1 else ''}"
    action = args.get("bulk", "")
    if action == "shortlist":
        role = RoleProfile.get_in(org_id(), args.get("role", 0, type=int) or 0)
        return ("notice", f"Added {people} to the shortlist of {role.title}.") if role else ("", "")
    messages = {
        "archive": f"Archived {people}.",
        "restore": f"Restored {people}.",
        "reverify": f"Verifying the credentials of {people} again.",
    }
    return ("notice", messages[action]) if action in messages else ("", "")


def _back(**codes: object) -> Response:
    """The list the form came from (its filters kept, never another site), with the outcome."""
    target = request.form.get("back", "")
    if not target.startswith("/candidates"):
        target = url_for("candidates.index")
    parts = urlsplit(target)
    kept = [
        (k, v) for k, v in parse_qsl(parts.query) if k not in {"bulk", "bulk_error", "n", "role"}
    ]
    query = urlencode(kept + [(k, str(v)) for k, v in codes.items() if v is not None])
    return cast(Response, redirect(urlunsplit(("", "", parts.path, query, "")), code=303))
