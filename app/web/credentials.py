"""A credential: what we checked, its history, re-verification, receipt and image."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, g, request, url_for
from flask_login import current_user, login_required

from app.models import Candidate, Credential, utcnow
from app.ranking import Tier
from app.services import candidates as candidate_service
from app.services import fraud, identity, ownership, receipts, verification
from app.services import roles as role_service
from app.services.issuer_identity import IssuerIdentity, identity_of
from app.verification.issuer_pages import FORMAT as ISSUER_PAGE
from app.web import wording
from app.web.auth import can_change
from app.web.htmx import render, see_other
from app.web.tenancy import get_or_404, org_id

bp = Blueprint("credentials", __name__, url_prefix="/credentials")
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
OWNERSHIP_CHECKS = {"recipient"}  # "does it belong to this candidate?"; the rest: authentic?


@bp.app_context_processor
def _issuer_identity() -> dict[str, Any]:
    def issuer_identity(credential: Credential) -> IssuerIdentity:
        tiers = g.get("issuer_tiers")
        if tiers is None:
            tiers = g.issuer_tiers = role_service.tiers_of(org_id())
        key = role_service.issuer_key(credential.issuer_url, credential.issuer_name)
        tier = tiers.get(key, Tier.UNKNOWN)
        return identity_of(credential.issuer_name, credential.issuer_url, tier)

    return {"issuer_identity": issuer_identity}


def _context(credential: Credential) -> dict[str, Any]:
    runs = verification.runs_of(credential)  # newest first
    result = json.loads(runs[0].result_json) if runs else {}
    skills = json.loads(credential.skills_json or "[]")
    checks = result.get("checks", [])
    candidate = Candidate.get_by_id(credential.candidate_id)
    conflicts = identity.conflicts(credential.organization_id, candidate.id)
    signals = fraud.signals(
        credential.organization_id,
        utcnow(),
        among=[candidate.id],
        kinds=fraud.ISSUER_AND_NAME_KINDS,
    )
    return {
        "signals": fraud.by_credential(signals).get(credential.id, []),
        "contested": identity.conflicted_credentials(conflicts).get(credential.id, []),
        "shared_address": [c for c in conflicts if c.kind == "email"],
        "credential": credential,
        "candidate": candidate,
        "emails": candidate_service.emails_of(candidate),
        "result": result,
        "authenticity": wording.plain_checks(
            [c for c in checks if c["id"] not in OWNERSHIP_CHECKS]
        ),
        "ownership": wording.plain_checks([c for c in checks if c["id"] in OWNERSHIP_CHECKS]),
        "reason": wording.verdict_reason(credential.verdict, checks) if runs else "",
        "skills": [s for s in skills if s.get("kind") != "tag"],
        "tags": [s["name"] for s in skills if s.get("kind") == "tag"],
        "runs": runs,
        # An issuer page's runs carry its assurance label, not "Unsupported format".
        "run_reasons": {
            run.id: wording.verdict_reason(run.verdict, json.loads(run.result_json)["checks"])
            for run in runs
            if run.format == ISSUER_PAGE
        },
        "has_image": verification.has_image(credential),
        "belonging": ownership.belonging_of([credential])[credential.id],
    }


@bp.app_template_global("verdict_reason")
def verdict_reason(verdict: str | None, checks: list[dict[str, Any]]) -> str:
    """The short label that says more than the verdict (reports use it, as screens do)."""
    return wording.verdict_reason(verdict, checks)


@bp.app_template_global("plain_checks")
def plain_checks(checks: list[dict[str, Any]]) -> list[wording.PlainCheck]:
    """Checks in a recruiter's words, for any template that lists them (reports too)."""
    return wording.plain_checks(checks)


@bp.get("/<int:credential_id>")
@login_required
def show(credential_id: int) -> Response:
    """What we checked: is it authentic, and does it belong to this candidate."""
    credential = get_or_404(Credential, credential_id)
    return render("credentials/show.html", "credential_detail", **_context(credential))


@bp.post("/<int:credential_id>/verify")
@can_change
def verify_again(credential_id: int) -> Response:
    """Queue a fresh verification now."""
    credential = get_or_404(Credential, credential_id)
    verification.requeue(credential)
    location = url_for("credentials.show", credential_id=credential.id)
    return see_other(location)


@bp.post("/<int:credential_id>/remove")
@can_change
def remove(credential_id: int) -> Response:
    """Remove a credential added by mistake (a CV, a photo); the audit trail records why."""
    credential = get_or_404(Credential, credential_id)
    title = credential.achievement_name or credential.source_name or "the credential"
    candidate_service.remove_credential(credential, current_user, request.form.get("reason", ""))
    flash(f"Removed “{title}”. The removal and its reason are recorded in the audit trail.")
    return see_other(url_for("candidates.show", candidate_id=credential.candidate_id))


@bp.get("/<int:credential_id>/receipt.json")
@login_required
def receipt(credential_id: int) -> Response:
    """The last run's full result as a downloadable JSON receipt."""
    body = receipts.receipt(get_or_404(Credential, credential_id))
    if body is None:
        abort(404)
    return _download(body, f"skillproof-receipt-{credential_id}-run-{body['run_id']}.json")


@bp.get("/<int:credential_id>/history.json")
@login_required
def history(credential_id: int) -> Response:
    """Every run of the credential, oldest first, as a downloadable JSON audit trail."""
    body = receipts.history(get_or_404(Credential, credential_id))
    return _download(body, f"skillproof-history-{credential_id}.json")


def _download(body: dict[str, Any], filename: str) -> Response:
    response = Response(json.dumps(body, indent=2, ensure_ascii=False), mimetype="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


@bp.get("/<int:credential_id>/image")
@login_required
def image(credential_id: int) -> Response:
    """The badge image, sanitised and served from our origin in a sandbox."""
    credential = get_or_404(Credential, credential_id)
    stored = verification.stored_image(credential)
    if stored is None:
        return Response(PLACEHOLDER, mimetype="image/svg+xml", headers=_image_headers())
    return Response(bytes(stored.data), mimetype=stored.content_type, headers=_image_headers())


def _image_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": IMAGE_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
        "Content-Disposition": "inline",
    }


PLACEHOLDER = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" '
    'rx="6" fill="#e5e7eb"/><path d="M20 9l9 4v6c0 6-4 10-9 12-5-2-9-6-9-12v-6z" fill="#9ca3af"/>'
    "</svg>"
)
