"""The portal's "Present from a wallet" section: a VC API exchange for the invited candidate, and a
box to paste what a wallet produced when it cannot talk to the exchange itself.

Routes live under `/invite/portal/wallet` so the portal's cookie reaches them; each one starts
with `portal.consented_invite()` and touches only that invite's candidate. A POST opens (or
reuses) the candidate's challenge, so viewing a page never writes. Once a presentation is
accepted, pasted or sent by the wallet itself, the candidate is taken back to the portal page
(`?wallet=<exchange>`), where the section says what came of it and the list shows the new badges.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, request, url_for

from app.models import Candidate, Organization, PresentationChallenge
from app.services import presentations, wakeup
from app.services.presentations import PresentationError
from app.web import portal
from app.web.auth import limiter
from app.web.exchanges import safe_fetcher
from app.web.htmx import STOP_POLLING, client_redirect, render, see_other

bp = Blueprint("wallet", __name__, url_prefix="/invite/portal/wallet")
PER_CLIENT = "30 per minute"
TEMPLATE = "portal/wallet.html"
LONG_POLL_SECONDS = 10.0


# The portal's headers (no-store, no-referrer, the sliding session) and its one page for a link
# that is no longer active.
bp.after_request(portal.private_headers)
bp.register_error_handler(404, portal.inactive)


@bp.errorhandler(403)
def _consent_first(_error: Exception) -> Response:
    """Before consent nothing happens here: back to the notice."""
    return see_other(url_for("portal.show"))


@bp.post("/start")
@limiter.limit(PER_CLIENT)
def start() -> Response:
    """Show the candidate's exchange: its URL for a wallet, and the challenge to sign over."""
    invite = portal.consented_invite()
    candidate = Candidate.get_by_id(invite.candidate_id)
    return _render(candidate, presentations.open_challenge(candidate, _domain(), invite=invite))


@bp.post("/present")
@limiter.limit(PER_CLIENT)
def present() -> Response:
    """Check a pasted presentation against the candidate's challenge; say what came of it."""
    invite = portal.consented_invite()
    candidate = Candidate.get_by_id(invite.candidate_id)
    text = request.form.get("presentation", "")
    challenge = presentations.by_exchange(request.form.get("exchange", "")[:64])
    if challenge is None or challenge.candidate_id != candidate.id:
        fresh = presentations.open_challenge(candidate, _domain(), invite=invite)
        error = "That request is no longer open. Here is a new one: present again."
        return _render(candidate, fresh, status=422, error=error, text=text)
    try:
        with safe_fetcher() as fetcher:
            presentations.receive(challenge, text, fetcher=fetcher, candidate=candidate)
    except PresentationError as refused:
        still_open = not presentations.usable(_reread(challenge))
        current = (
            challenge
            if still_open
            else presentations.open_challenge(candidate, _domain(), invite=invite)
        )
        return _render(candidate, current, status=422, error=str(refused), text=text)
    return see_other(_after(challenge))


@bp.get("/status")
def status() -> Response:
    """The open section's long poll: back to the portal page once a wallet presented."""
    invite = portal.consented_invite()
    challenge = presentations.by_exchange(request.args.get("exchange", "")[:64])
    if challenge is None or challenge.candidate_id != invite.candidate_id:
        return Response(status=STOP_POLLING)

    def settled() -> bool:
        return bool(presentations.usable(_reread(challenge)))

    wakeup.wait_for_change(settled, LONG_POLL_SECONDS)
    current = _reread(challenge)
    if current.used_at is not None:
        return client_redirect(_after(current))
    # expired (or its invite ended): the section says so and stops asking
    expired = bool(presentations.usable(current))
    candidate = Candidate.get_by_id(invite.candidate_id)
    return render(TEMPLATE, "wallet_poll", **_context(candidate, current, expired=expired))


def _reread(challenge: PresentationChallenge) -> PresentationChallenge:
    return PresentationChallenge.get_by_id(challenge.id)


def _after(challenge: PresentationChallenge) -> str:
    return url_for("portal.show", wallet=challenge.exchange_id) + "#wallet"


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"wallet_outcome": outcome_of}


def outcome_of(candidate: Candidate, exchange_id: str | None) -> str:
    """What a used exchange of this candidate brought ("" for anything else), for the portal."""
    challenge = presentations.by_exchange(exchange_id or "")
    if challenge is None or challenge.candidate_id != candidate.id or challenge.used_at is None:
        return ""
    return str(challenge.outcome)


def _render(
    candidate: Candidate, challenge: PresentationChallenge, status: int = 200, **state: Any
) -> Response:
    return render(
        TEMPLATE, "wallet_region", status=status, **_context(candidate, challenge, **state)
    )


def _context(
    candidate: Candidate, challenge: PresentationChallenge, **state: Any
) -> dict[str, Any]:
    url = _exchange_url(challenge)
    return {
        "candidate": candidate,
        "organization": Organization.get_by_id(candidate.organization_id),
        "challenge": challenge,
        "exchange_url": url,
        "wallet_request": json.dumps({"protocols": {"vcapi": url}}),
        "error": None,
        "expired": False,
        "text": "",
        **state,
    }


def _domain() -> str:
    settings = current_app.extensions["skillproof.settings"]
    return presentations.domain_of(settings.base_url, request.host)


def _exchange_url(challenge: PresentationChallenge) -> str:
    base = current_app.extensions["skillproof.settings"].base_url.rstrip("/")
    path = url_for("exchanges.exchange", exchange_id=challenge.exchange_id)
    return (
        base + path
        if base
        else url_for("exchanges.exchange", exchange_id=challenge.exchange_id, _external=True)
    )
