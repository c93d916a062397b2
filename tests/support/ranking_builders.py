"""Builders for ranking tests: credentials with verdicts and skills, roles with requirements."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from app.models import Candidate, Credential, Organization, RoleProfile, Skill, User
from app.ranking import Importance
from app.services import roles as role_service
from app.services.roles import RequirementInput

ESCO = "http://data.europa.eu/esco/skill/"
SQL_URI = ESCO + "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
PYTHON_URI = ESCO + "ccd0a1d9-afda-43d9-b901-96344886e14d"
CLOUD_URI = ESCO + "bd14968e-e409-45af-b362-3495ed7b10e0"


def skill(uri_or_name: str) -> Skill:
    return Skill.get((Skill.uri == uri_or_name) | (Skill.name == uri_or_name))


def build_credential(
    candidate: Candidate,
    name: str,
    skills: Sequence[dict[str, str]],
    verdict: str | None = "verified",
    *,
    issuer: str = "Example Academy",
    issuer_url: str = "https://academy.example/issuer",
    stale: bool = False,
    issued_on: datetime | None = None,
    key: str | None = None,
) -> Credential:
    return Credential.create(
        organization=candidate.organization_id,
        candidate=candidate,
        dedupe_key=key or f"{name}-{candidate.id}",
        status="done" if verdict else "queued",
        verdict=verdict,
        stale=stale,
        issuer_name=issuer,
        issuer_url=issuer_url,
        achievement_name=name,
        skills_json=json.dumps(skills),
        issued_on=issued_on or datetime(2025, 3, 14, tzinfo=UTC),
    )


def alignment(name: str, url: str = "", framework: str = "ESCO", code: str = "") -> dict[str, str]:
    return {"name": name, "framework": framework, "code": code, "url": url}


def build_role(
    organization: Organization,
    title: str,
    required: Sequence[Skill] = (),
    preferred: Sequence[Skill] = (),
    actor: User | None = None,
) -> RoleProfile:
    role = role_service.create(organization, actor, title)
    for item in required:
        role_service.set_requirement(role, actor, RequirementInput(item, Importance.REQUIRED, 5))
    for item in preferred:
        role_service.set_requirement(role, actor, RequirementInput(item, Importance.PREFERRED, 2))
    return role
