"""The OpenAPI description of roles, rankings and alerts."""

from __future__ import annotations

from typing import Any

from app.web.api.openapi_schemas import (
    INTEGER,
    STRING,
    VERDICTS,
    WHEN,
    WHEN_OR_NULL,
    Schema,
    maybe,
    obj,
    ref,
)

NUMBER = {"type": "number"}
VERDICT_OR_NULL = {"type": ["string", "null"], "enum": [*VERDICTS, None]}
IMPORTANCE = {"type": "string", "enum": ["required", "preferred"]}
TAGS = [
    {"name": "roles", "description": "Role skill profiles and the ranking of candidates."},
    {"name": "alerts", "description": "Changes worth a recruiter's attention."},
]


def schemas() -> dict[str, Schema]:
    return {
        "Role": obj(
            {
                "id": INTEGER,
                "title": STRING,
                "description": STRING,
                "gate": {
                    "type": "boolean",
                    "description": "Candidates missing a required skill rank last.",
                },
                "requirements": {
                    "type": "array",
                    "items": obj(
                        {
                            "skill_id": INTEGER,
                            "skill": STRING,
                            "importance": IMPORTANCE,
                            "weight": {"type": "integer", "minimum": 1, "maximum": 5},
                            "min_level": STRING,
                            "recency_months": {"type": ["integer", "null"]},
                        }
                    ),
                },
                "created_at": WHEN,
                "updated_at": WHEN,
                "url": STRING,
                "ranking_url": STRING,
            }
        ),
        "RolePage": obj(
            {"data": {"type": "array", "items": ref("Role")}, "pagination": ref("Pagination")}
        ),
        "Ranking": obj(
            {
                "role_id": INTEGER,
                "policy_version": {
                    **STRING,
                    "description": "The scoring policy the scores were computed under.",
                },
                "computed_at": WHEN,
                "data": {"type": "array", "items": ref("RankedCandidate")},
                "pagination": ref("Pagination"),
            }
        ),
        "RankedCandidate": obj(
            {
                "position": {"type": "integer", "minimum": 1},
                "candidate_id": INTEGER,
                "name": STRING,
                "score": {"type": "number", "minimum": 0, "maximum": 100},
                "meets_required": {"type": "boolean"},
                "coverage": {"type": "number", "minimum": 0, "maximum": 1},
                "missing_required": {"type": "array", "items": STRING},
                "skills": {"type": "array", "items": ref("SkillScore")},
                "suggestions": {
                    "type": "array",
                    "items": obj(
                        {
                            "kind": {
                                "type": "string",
                                "description": "add, renew, resolve or reverify",
                            },
                            "text": STRING,
                            "gain": {**NUMBER, "description": "Points it would add, at most."},
                            "skill_id": INTEGER,
                            "credential_id": {"type": ["integer", "null"]},
                        }
                    ),
                },
                "candidate_url": STRING,
            }
        ),
        "SkillScore": obj(
            {
                "skill_id": INTEGER,
                "skill": STRING,
                "importance": IMPORTANCE,
                "weight": INTEGER,
                "points": {**NUMBER, "description": "This skill's share of the 0-100 score."},
                "max_points": NUMBER,
                "met": {"type": "boolean"},
                "evidence": maybe(
                    obj(
                        {
                            "credential_id": {
                                "type": ["integer", "null"],
                                "description": "null for a stack of credentials",
                            },
                            "name": STRING,
                            "issuer": STRING,
                            "verdict": VERDICT_OR_NULL,
                            "stale": {"type": "boolean"},
                            "tier": {
                                "type": "string",
                                "enum": ["trusted", "neutral", "unknown", "blocked"],
                            },
                            "label": {**STRING, "description": "The credential's own words."},
                            "mapped_by": STRING,
                            "level": STRING,
                            "stack_members": {"type": "array", "items": INTEGER},
                            "assurance": {
                                "type": ["string", "null"],
                                "description": "Set for an issuer's certificate page, which "
                                "counts only when the organisation's policy says so, at half "
                                "the weight (its `verified` factor is then 0.5).",
                            },
                        }
                    )
                ),
                "factors": maybe(
                    obj(
                        {
                            name: {"type": "number", "minimum": 0, "maximum": 1}
                            for name in (
                                "verified",
                                "trust",
                                "stale",
                                "recency",
                                "level",
                                "ownership",
                            )
                        },
                        description="Each between 0 and 1; their product is the strength.",
                    )
                ),
            }
        ),
        "Alert": obj(
            {
                "id": INTEGER,
                "kind": {"type": "string", "enum": ["changed", "unreachable", "expiring"]},
                "credential_id": INTEGER,
                "candidate_id": INTEGER,
                "run_id": {"type": ["integer", "null"]},
                "from_verdict": VERDICT_OR_NULL,
                "to_verdict": VERDICT_OR_NULL,
                "message": STRING,
                "created_at": WHEN,
                "acknowledged_at": WHEN_OR_NULL,
                "unread": {"type": "boolean"},
            }
        ),
        "AlertPage": obj(
            {"data": {"type": "array", "items": ref("Alert")}, "pagination": ref("Pagination")}
        ),
    }


def paths(operation: Any, identifier: Any, query: Any, page: list[Any]) -> dict[str, Any]:
    """The paths, built with openapi.py's helpers (passed in to keep imports one-way)."""
    role = identifier("role_id")
    return {
        "/roles": {
            "get": operation(
                "list_roles",
                "roles",
                "List roles",
                (200, ref("RolePage"), "One page of role profiles, by title."),
                parameters=page,
                errors=(422,),
            )
        },
        "/roles/{role_id}": {
            "get": operation(
                "show_role",
                "roles",
                "Show a role",
                (200, ref("Role"), "The role with the skills it asks for."),
                parameters=[role],
            )
        },
        "/roles/{role_id}/ranking": {
            "get": operation(
                "role_ranking",
                "roles",
                "Rank candidates for a role",
                (200, ref("Ranking"), "Best first; every point explained."),
                description="Only verified evidence earns points. Each skill row names the "
                "credential that counted, its factors (verified, issuer trust, stale, recency, "
                "level) and the points earned; `policy_version` names the scoring policy.",
                parameters=[role, *page],
                errors=(422,),
            )
        },
        "/alerts": {
            "get": operation(
                "list_alerts",
                "alerts",
                "List alerts",
                (200, ref("AlertPage"), "Unread first, newest first."),
                parameters=[
                    *page,
                    query(
                        "unread",
                        {"type": "string", "enum": ["true", "false"]},
                        "Only unread (true) or only acknowledged (false) alerts.",
                    ),
                ],
                errors=(422,),
            )
        },
        "/alerts/{alert_id}/acknowledge": {
            "post": operation(
                "acknowledge_alert",
                "alerts",
                "Acknowledge an alert",
                (200, ref("Alert"), "The alert, now read."),
                parameters=[identifier("alert_id")],
            )
        },
    }
