"""Alerts over the API: list (unread first) and acknowledge."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from app.models import Alert, Credential
from app.services import alerts as alert_service
from app.web.api import bp
from app.web.api.common import iso, org_id, owned, paginated
from app.web.api.errors import ApiError
from app.web.api.writes import atomic


@bp.get("/alerts")
def list_alerts() -> Response:
    """Alerts about the organisation's credentials, unread first, newest first."""
    query = Alert.of(org_id())
    unread = request.args.get("unread")
    if unread not in (None, "true", "false"):
        raise ApiError(
            422,
            "Some query parameters are not valid.",
            details={"fields": {"unread": "true or false"}},
        )
    if unread is not None:
        query = query.where(Alert.acknowledged_at.is_null(unread == "true"))
    order = (Alert.acknowledged_at.is_null(False), Alert.created_at.desc(), Alert.id.desc())
    return paginated(query.order_by(*order), _alerts)


@bp.post("/alerts/<int:alert_id>/acknowledge")
@atomic
def acknowledge_alert(alert_id: int) -> Response:
    """Mark the alert read; acknowledging it again keeps the first acknowledgement."""
    alert = owned(Alert, alert_id)
    alert_service.acknowledge(alert, None)
    return jsonify(_alerts([Alert.get_by_id(alert.id)])[0])


def _alerts(rows: list[Alert]) -> list[dict[str, Any]]:
    candidates = dict(
        Credential.select(Credential.id, Credential.candidate)
        .where(Credential.id.in_([row.credential_id for row in rows]))
        .tuples()
    )
    return [
        {
            "id": row.id,
            "kind": row.kind,
            "credential_id": row.credential_id,
            "candidate_id": candidates.get(row.credential_id),
            "run_id": row.run_id,
            "from_verdict": row.from_verdict,
            "to_verdict": row.to_verdict,
            "message": row.message,
            "created_at": iso(row.created_at),
            "acknowledged_at": iso(row.acknowledged_at),
            "unread": row.acknowledged_at is None,
        }
        for row in rows
    ]
