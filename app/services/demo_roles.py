"""The demo organisation's roles, so the first visit shows a real, explained ranking."""

from __future__ import annotations

from app import config
from app.models import Organization, RoleProfile, Skill
from app.ranking import Importance, Tier
from app.ranking.taxonomy import Label
from app.services import roles as role_service
from app.services import skills as skill_service
from app.services.demo_issuer import (
    BADGES,
    CLOUD,
    CYBER_SECURITY,
    DATA_ANALYTICS,
    DEMO_FRAMEWORK,
    ESCO_SKILL,
    PREFIX,
    PYTHON,
    SQL,
    VISUALISATION,
    DemoIssuer,
)
from app.services.demo_ob3 import DemoOb3Issuer
from app.services.roles import RequirementInput

ICT_SUPPORT = "c2296e2e-5fef-4f24-a24f-e5b3792268be"
STATISTICS = "7ee4c2ea-b349-4bd2-81a3-ec31475d4833"
R, P = Importance.REQUIRED, Importance.PREFERRED
DEMO_ROLES = (
    (
        "Cloud support engineer",
        "Keeps customers' cloud services running: Linux, cloud platforms, containers, security.",
        (
            (CLOUD, R, 5),
            ("Linux", R, 4),
            ("Kubernetes", P, 3),
            (CYBER_SECURITY, P, 2),
            (ICT_SUPPORT, P, 2),
        ),
    ),
    (
        "Data analyst",
        "Turns the business's data into answers: SQL first, then Python and clear charts.",
        (
            (SQL, R, 5),
            (DATA_ANALYTICS, R, 4),
            (PYTHON, P, 3),
            (VISUALISATION, P, 2),
            (STATISTICS, P, 1),
        ),
    ),
)


def seed_roles(organization: Organization, issuer: DemoIssuer) -> None:
    """Two roles, the demo issuer trusted, and a stack rule; only when the demo has no roles."""
    if RoleProfile.of(organization).exists():
        return
    skill_service.add_evidence_skills(organization, _academy_skills())
    # Trust keys on the issuer identity the proof binds: the OB 2.0 profile and the OB 3.0 DID.
    ob3 = DemoOb3Issuer(config.INSTANCE_DIR / "demo-issuer", issuer.base.removesuffix(PREFIX))
    for identity in (issuer.issuer_id, ob3.did):
        role_service.set_tier(organization, None, identity, "Skillproof Demo Academy", Tier.TRUSTED)
    for title, description, wanted in DEMO_ROLES:
        role = role_service.create(organization, None, title, description)
        for key, importance, weight in wanted:
            role_service.set_requirement(
                role, None, RequirementInput(_skill(organization, key), importance, weight)
            )
    role_service.create_stack(
        organization,
        None,
        "Demo Academy Data Certificate",
        2,
        [BADGES[slug].name for slug in ("python-data", "sql-analytics", "data-visualisation")],
        [],
        [_skill(organization, DATA_ANALYTICS)],
    )


def _academy_skills() -> list[Label]:
    """The academy's own skills that ESCO lacks, as its badges name them."""
    return [
        Label(name, framework, code)
        for badge in BADGES.values()
        for name, framework, code in badge.skills
        if framework == DEMO_FRAMEWORK
    ]


def _skill(organization: Organization, key: str) -> Skill:
    if len(key) == 36:  # an ESCO concept id
        return Skill.get(Skill.uri == ESCO_SKILL + key)
    found = skill_service.find(organization, key)
    assert found is not None, key
    return found
