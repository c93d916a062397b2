"""Roles and their rankings over the API (read-only), with explanations and the policy version."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for

from app.models import RoleProfile
from app.ranking import CandidateScore, SkillRow
from app.services import ranking as ranking_service
from app.services import roles as role_service
from app.verification.issuer_pages import ASSURANCE_LABEL
from app.web.api import bp
from app.web.api.common import iso, org_id, owned, page_args, paginated


@bp.get("/roles")
def list_roles() -> Response:
    """Role profiles of the organisation, by title."""
    query = RoleProfile.of(org_id()).order_by(RoleProfile.title, RoleProfile.id)
    return paginated(query, lambda rows: [_role(row) for row in rows])


@bp.get("/roles/<int:role_id>")
def show_role(role_id: int) -> Response:
    """One role profile with the skills it asks for."""
    return jsonify(_role(owned(RoleProfile, role_id)))


@bp.get("/roles/<int:role_id>/ranking")
def role_ranking(role_id: int) -> Response:
    """Candidates best first, each point explained, under a named scoring-policy version."""
    role = owned(RoleProfile, role_id)
    page, per_page = page_args()
    ranking = ranking_service.ranking_for(role)
    start = (page - 1) * per_page
    scores = list(enumerate(ranking.scores, 1))[start : start + per_page]
    total = len(ranking.scores)
    return jsonify(
        {
            "role_id": role.id,
            "policy_version": ranking.policy.version,
            "computed_at": iso(ranking.computed_at),
            "data": [_score(position, score) for position, score in scores],
            "pagination": {
                "page": page,
                "per_page": per_page,
                "total": total,
                "pages": max(1, -(-total // per_page)),
            },
        }
    )


def _role(role: RoleProfile) -> dict[str, Any]:
    return {
        "id": role.id,
        "title": role.title,
        "description": role.description,
        "gate": bool(role.gate),
        "requirements": [
            {
                "skill_id": requirement.skill_id,
                "skill": requirement.skill.name,
                "importance": requirement.importance,
                "weight": requirement.weight,
                "min_level": requirement.min_level,
                "recency_months": requirement.recency_months,
            }
            for requirement in role_service.requirements_of(role)
        ],
        "created_at": iso(role.created_at),
        "updated_at": iso(role.updated_at),
        "url": url_for("api.show_role", role_id=role.id),
        "ranking_url": url_for("api.role_ranking", role_id=role.id),
    }


def _score(position: int, score: CandidateScore) -> dict[str, Any]:
    return {
        "position": position,
        "candidate_id": score.candidate_id,
        "name": score.name,
        "score": round(score.score, 2),
        "meets_required": score.meets_required,
        "coverage": round(score.coverage, 4),
        "missing_required": [r.name for r in score.missing_required],
        "skills": [_row(row) for row in score.rows],
        "suggestions": [
            {
                "kind": s.kind,
                "text": s.text,
                "gain": round(s.gain, 2),
                "skill_id": s.skill_id,
                "credential_id": s.credential_id,
            }
            for s in score.suggestions
        ],
        "candidate_url": url_for("api.show_candidate", candidate_id=score.candidate_id),
    }


def _row(row: SkillRow) -> dict[str, Any]:
    """One requirement: what counted for it, each factor, and the points it earned."""
    requirement, evidence, claim = row.requirement, row.evidence, row.claim
    return {
        "skill_id": requirement.skill_id,
        "skill": requirement.name,
        "importance": requirement.importance.value,
        "weight": requirement.weight,
        "points": round(row.points, 2),
        "max_points": round(row.max_points, 2),
        "met": row.met,
        "evidence": None
        if evidence is None
        else {
            "credential_id": evidence.credential_id if evidence.credential_id > 0 else None,
            "name": evidence.name,
            "issuer": evidence.issuer,
            "verdict": evidence.verdict,
            "stale": evidence.stale,
            "tier": evidence.tier.value,
            "label": claim.label if claim else "",
            "mapped_by": claim.method if claim else "",
            "level": claim.level if claim else "",
            "stack_members": list(evidence.members),
            "assurance": ASSURANCE_LABEL if evidence.naming_issuer_page else None,
        },
        "factors": row.factors.as_dict() if row.factors else None,
    }
