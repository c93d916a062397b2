"""The portal's "Prove your e-mail address" section: the candidate asks for a one-time code at an
address their badges name and types it back; the recruiter's pages then say "proven".

Routes live under `/invite/portal/` (the portal cookie's path) and act only for the candidate of
the session's consented invite. A partial htmx request gets the section back; a plain form post
gets the whole portal page (with the section's message) or a redirect to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, request, url_for

from app.config import Settings
from app.models import Candidate, CandidateInvite, normalise_email
from app.services import email_proofs
from app.services.email_proofs import Overview, ProofError
from app.web import portal
from app.web.auth import limiter
from app.web.htmx import is_partial, render, see_other

bp = Blueprint("proofs", __name__, url_prefix="/invite/portal/email")
# Part of the portal: its private-page headers, and its answers to an inactive link (404) and
# to an action before consent (403).
bp.after_request(portal.private_headers)
bp.register_error_handler(404, portal.inactive)
bp.register_error_handler(403, portal.consent_first)
TYPED = "typed"  # the error slot of the field for an address only a hashed badge names


@dataclass(frozen=True)
class ProofView:
    """What the section shows: the addresses, and the outcome of the last action."""

    overview: Overview
    available: bool
    error: str = ""
    error_for: str = ""  # an address, or TYPED
    notice: str = ""
    focus: str = ""  # the address whose code field takes the focus
    typed: str = ""


def _settings() -> Settings:
    return current_app.extensions["skillproof.settings"]  # type: ignore[no-any-return]


def _form(name: str, cap: int = 320) -> str:
    return request.form.get(name, "")[:cap]


def view_of(candidate: Candidate, **outcome: Any) -> ProofView:
    return ProofView(
        email_proofs.overview(candidate), email_proofs.available(_settings()), **outcome
    )


@bp.app_context_processor
def _section() -> dict[str, Any]:
    return {"email_proof_view": view_of}


@bp.post("/send")
@limiter.limit(portal.rate_limit)
@limiter.limit(portal.rate_limit, key_func=portal.invite_key)
def send() -> Response:
    """E-mail a one-time code to an address the candidate's badges are awarded to."""
    invite = portal.consented_invite()
    candidate = Candidate.get_by_id(invite.candidate_id)
    typed = _form("address")
    slot = _form("slot", 16) or normalise_email(typed)
    try:
        challenge = email_proofs.send_code(_settings(), candidate, typed)
    except ProofError as error:
        return _answer(invite, candidate, error=str(error), error_for=slot, typed=typed, status=422)
    notice = f"A code is on its way to {challenge.address}. It works for 10 minutes."
    return _answer(invite, candidate, notice=notice, focus=challenge.address)


@bp.post("/confirm")
@limiter.limit(portal.rate_limit)
@limiter.limit(portal.rate_limit, key_func=portal.invite_key)
def confirm() -> Response:
    """Check the code typed for an address; the address is then proven the candidate's."""
    invite = portal.consented_invite()
    candidate = Candidate.get_by_id(invite.candidate_id)
    address = normalise_email(_form("address"))
    try:
        proof = email_proofs.confirm(candidate, address, _form("code", 32))
    except ProofError as error:
        status = 429 if error.reason == "too_many" else 422
        return _answer(
            invite, candidate, error=str(error), error_for=address, focus=address, status=status
        )
    notice = f"Proven ✔ {proof.value} is yours: {invite.organization.name} now sees it."
    return _answer(invite, candidate, notice=notice)


def _answer(
    invite: CandidateInvite, candidate: Candidate, *, status: int = 200, **outcome: Any
) -> Response:
    proof = view_of(candidate, **outcome)
    if is_partial():
        return render("portal/_proofs.html", "email_proof", status, proof=proof, **_names(invite))
    if status == 200:
        return see_other(url_for("portal.show") + "#email-proof")
    return render("portal/show.html", "content", status, **portal.page_context(proof=proof))


def _names(invite: CandidateInvite) -> dict[str, Any]:
    return {
        "invite": invite,
        "candidate": Candidate.get_by_id(invite.candidate_id),
        "organization": invite.organization,
    }
