"""Credentials over the API: show with checks and evidence, re-verify, receipt."""

from __future__ import annotations

from flask import Response, jsonify, url_for

from app.models import Credential
from app.services import receipts, verification
from app.web.api import bp, serialise
from app.web.api.common import owned
from app.web.api.errors import ApiError
from app.web.api.writes import atomic


@bp.get("/credentials/<int:credential_id>")
def show_credential(credential_id: int) -> Response:
    """The verdict, the checks that led to it, the evidence and the run history."""
    return jsonify(serialise.credential_detail(owned(Credential, credential_id)))


@bp.post("/credentials/<int:credential_id>/verify")
@atomic
def reverify_credential(credential_id: int) -> Response:
    """Queue a fresh verification now; poll the credential until `status` is `done`."""
    credential = owned(Credential, credential_id)
    verification.requeue(credential, trigger="api")
    response = jsonify(serialise.credential_summary(Credential.get_by_id(credential.id)))
    response.status_code = 202
    response.headers["Location"] = url_for("api.show_credential", credential_id=credential.id)
    return response


@bp.get("/credentials/<int:credential_id>/receipt")
def credential_receipt(credential_id: int) -> Response:
    """The last verification in full, with a SHA-256 of every document it fetched."""
    body = receipts.receipt(owned(Credential, credential_id))
    if body is None:
        raise ApiError(
            409,
            "This credential has not been verified yet; try again shortly.",
            code="not_verified_yet",
        )
    return jsonify(body)
