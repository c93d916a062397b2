"""Role skill profiles, issuer trust tiers, stack rules and shortlists."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import peewee

from app.db import write_transaction
from app.models import (
    Candidate,
    Credential,
    IssuerTrust,
    Organization,
    RankingSettings,
    RoleProfile,
    RoleSkill,
    ShortlistEntry,
    Skill,
    StackRule,
    User,
    utcnow,
)
from app.ranking import Importance, Policy, Tier
from app.ranking.policy import ISSUER_PAGE_FACTOR
from app.ranking.taxonomy import normalise
from app.services.accounts import audit


class RoleError(ValueError):
    """Input a role profile cannot take; the message says why in plain words."""


@dataclass(frozen=True)
class RequirementInput:
    skill: Skill
    importance: Importance = Importance.PREFERRED
    weight: int = 3
    min_level: str = ""
    recency_months: int | None = None


def touch(organization: Organization | int) -> None:
    """Record that something ranking depends on changed, so cached rankings are recomputed."""
    settings_of(organization)
    RankingSettings.update(revision=RankingSettings.revision + 1, changed_at=utcnow()).where(
        RankingSettings.organization == organization
    ).execute()


def settings_of(organization: Organization | int) -> RankingSettings:
    found = RankingSettings.of(organization).first()
    if found is None:
        try:
            with write_transaction():
                found = RankingSettings.create(organization=organization)
        except peewee.IntegrityError:
            found = RankingSettings.of(organization).first()
    return found


def create(
    organization: Organization,
    actor: User | None,
    title: str,
    description: str = "",
    gate: bool = True,
) -> RoleProfile:
    """A new role profile (requirements are added afterwards)."""
    title = _title(title)
    with write_transaction():
        role = RoleProfile.create(
            organization=organization,
            title=title,
            description=description.strip(),
            gate=gate,
            created_by=actor,
        )
        audit(organization, actor, "role.created", title)
        touch(organization)
    return role


def update(role: RoleProfile, actor: User, title: str, description: str, gate: bool) -> RoleProfile:
    with write_transaction():
        role.title, role.description, role.gate = _title(title), description.strip(), gate
        role.updated_at = utcnow()
        role.save()
        audit(role.organization_id, actor, "role.updated", role.title)
        touch(role.organization_id)
    return role


def delete(role: RoleProfile, actor: User) -> None:
    with write_transaction():
        audit(role.organization_id, actor, "role.deleted", role.title)
        role.delete_instance(recursive=True)
        touch(role.organization_id)


def _title(title: str) -> str:
    title = title.strip()
    if not title:
        raise RoleError("Give the role a title.")
    if len(title) > 200:
        raise RoleError("Keep the title under 200 characters.")
    return title


def requirements_of(role: RoleProfile) -> list[RoleSkill]:
    return list(
        RoleSkill.select(RoleSkill, Skill)
        .join(Skill)
        .where(RoleSkill.role == role)
        .order_by(RoleSkill.importance.desc(), RoleSkill.weight.desc(), Skill.name)
    )


def roles_of(organization: Organization | int) -> list[RoleProfile]:
    return list(RoleProfile.of(organization).order_by(RoleProfile.title, RoleProfile.id))


def with_requirement_counts(organization: Organization | int) -> list[tuple[RoleProfile, int]]:
    """The organisation's roles by title, each with how many skills it asks for (one query)."""
    count = peewee.fn.COUNT(RoleSkill.id)
    query = (
        RoleProfile.of(organization)
        .select_extend(count.alias("requirements"))
        .join(RoleSkill, peewee.JOIN.LEFT_OUTER)
        .group_by(RoleProfile.id)
        .order_by(RoleProfile.title, RoleProfile.id)
    )
    return [(role, role.requirements) for role in query]


def requirement_of(role: RoleProfile, skill: Skill) -> RoleSkill | None:
    """The role's requirement for `skill`, if the role asks for it already."""
    return RoleSkill.get_or_none((RoleSkill.role == role) & (RoleSkill.skill == skill))


def set_requirement(role: RoleProfile, actor: User | None, given: RequirementInput) -> RoleSkill:
    """Add a skill to the role, or change how it is weighed when it is there already."""
    if not 1 <= given.weight <= 5:
        raise RoleError("Weight is from 1 (nice to have) to 5 (essential).")
    if given.recency_months is not None and not 1 <= given.recency_months <= 600:
        raise RoleError("The recency window is a number of months from 1 to 600.")
    fields = {
        "importance": given.importance.value,
        "weight": given.weight,
        "min_level": given.min_level.strip()[:100],
        "recency_months": given.recency_months,
    }
    with write_transaction():
        row, created = RoleSkill.get_or_create(role=role, skill=given.skill, defaults=fields)
        if not created:
            RoleSkill.update(**fields).where(RoleSkill.id == row.id).execute()
        audit(role.organization_id, actor, "role.skill_set", role.title, given.skill.name)
        touch(role.organization_id)
    return RoleSkill.get_by_id(row.id)


def remove_requirement(role: RoleProfile, actor: User, skill_id: int) -> None:
    with write_transaction():
        RoleSkill.delete().where((RoleSkill.role == role) & (RoleSkill.skill == skill_id)).execute()
        audit(role.organization_id, actor, "role.skill_removed", role.title, str(skill_id))
        touch(role.organization_id)


def move_requirements(organization: Organization | int, source: Skill, target: Skill) -> None:
    """After a confirmed mapping, roles that asked for the label ask for the mapped skill."""
    roles = RoleProfile.of(organization).select(RoleProfile.id)
    for row in RoleSkill.select().where((RoleSkill.skill == source) & (RoleSkill.role.in_(roles))):
        if (
            RoleSkill.select()
            .where((RoleSkill.role == row.role_id) & (RoleSkill.skill == target))
            .exists()
        ):
            row.delete_instance()
        else:
            RoleSkill.update(skill=target).where(RoleSkill.id == row.id).execute()


# Issuer trust


@dataclass(frozen=True)
class IssuerRow:
    issuer: str  # the key trust is stored under: the issuer's URL, or its name
    name: str
    tier: Tier
    credentials: int


def issuer_key(issuer_url: str, issuer_name: str) -> str:
    return (issuer_url or issuer_name).strip()[:500]


def tiers_of(organization: Organization | int) -> dict[str, Tier]:
    return {row.issuer: Tier(row.tier) for row in IssuerTrust.of(organization)}


def issuers(organization: Organization | int) -> list[IssuerRow]:
    """Every issuer seen in the organisation's credentials, with its trust tier."""
    tiers = tiers_of(organization)
    names = {row.issuer: row.name for row in IssuerTrust.of(organization)}
    query = (
        Credential.of(organization)
        .select(Credential.issuer_url, Credential.issuer_name, peewee.fn.COUNT(Credential.id))
        .where(Credential.issuer_name != "")
        .group_by(Credential.issuer_url, Credential.issuer_name)
    )
    rows: dict[str, IssuerRow] = {}
    for url, name, count in query.tuples():
        key = issuer_key(url, name)
        previous = rows.get(key)
        rows[key] = IssuerRow(
            key,
            name,
            tiers.get(key, Tier.UNKNOWN),
            count + (previous.credentials if previous else 0),
        )
    for key, tier in tiers.items():
        rows.setdefault(key, IssuerRow(key, names.get(key, key), tier, 0))
    return sorted(rows.values(), key=lambda r: (r.name.casefold(), r.issuer))


def set_tier(
    organization: Organization, actor: User | None, issuer: str, name: str, tier: Tier
) -> None:
    """Put an issuer in a trust tier for the whole organisation."""
    issuer = issuer.strip()[:500]
    if not issuer:
        raise RoleError("Choose an issuer.")
    with write_transaction():
        row, created = IssuerTrust.get_or_create(
            organization=organization,
            issuer=issuer,
            defaults={"tier": tier.value, "name": name[:300]},
        )
        if not created:
            IssuerTrust.update(tier=tier.value).where(IssuerTrust.id == row.id).execute()
        audit(organization, actor, "issuer.tier_set", name or issuer, tier.value)
        touch(organization)


def set_factors(organization: Organization, actor: User, factors: dict[Tier, float]) -> None:
    """Change what each trust tier multiplies evidence by (each from 0 to 1)."""
    for tier, value in factors.items():
        if not 0.0 <= value <= 1.0:
            raise RoleError(f"The {tier.value} factor must be between 0 and 1.")
    with write_transaction():
        settings = settings_of(organization)
        RankingSettings.update(**{t.value: v for t, v in factors.items()}).where(
            RankingSettings.id == settings.id
        ).execute()
        audit(
            organization,
            actor,
            "ranking.factors_set",
            "",
            json.dumps({t.value: v for t, v in factors.items()}),
        )
        touch(organization)


def set_unproven(organization: Organization, actor: User, value: float) -> None:
    """How much a credential counts when the candidate has not proven it is theirs (0 to 1)."""
    if not 0.0 <= value <= 1.0:
        raise RoleError("The share must be between 0% and 100%.")
    with write_transaction():
        settings = settings_of(organization)
        RankingSettings.update(unproven=value).where(RankingSettings.id == settings.id).execute()
        audit(organization, actor, "ranking.ownership_set", "", f"unproven={value:g}")
        touch(organization)


def unproven_factor(organization: Organization | int) -> float:
    """Read only; 1.0 (count unproven credentials in full) for an organisation without settings."""
    settings = RankingSettings.of(organization).first() or RankingSettings()
    return min(1.0, max(0.0, float(settings.unproven)))


def set_issuer_pages(organization: Organization, actor: User, counted: bool) -> bool:
    """Count issuers' certificate pages in rankings (at ISSUER_PAGE_FACTOR) or not; whether
    anything changed (an unchanged setting is not audited again)."""
    with write_transaction():
        current = Organization.get_by_id(organization.id)
        if bool(current.count_issuer_pages) == counted:
            return False
        Organization.update(count_issuer_pages=counted).where(
            Organization.id == organization.id
        ).execute()
        organization.count_issuer_pages = counted
        detail = f"counted at {ISSUER_PAGE_FACTOR:.0%}" if counted else "not counted"
        audit(organization, actor, "ranking.issuer_pages_set", "issuer pages", detail)
        touch(organization)
    return True


def ranking_policy(organization: Organization | int) -> Policy:
    """The organisation's scoring policy: tier factors, the share unproven credentials count
    for, and whether issuer pages count."""
    org_id = organization.id if isinstance(organization, Organization) else organization
    counted = (
        Organization.select(Organization.count_issuer_pages)
        .where(Organization.id == org_id)
        .scalar()
    )
    return Policy(
        tier_factors=tier_factors(org_id),
        unproven=unproven_factor(org_id),
        issuer_pages=ISSUER_PAGE_FACTOR if counted else 0.0,
    )


def tier_factors(organization: Organization | int) -> dict[Tier, float]:
    # Read only (ranking is computed on GET): an organisation without settings has the defaults.
    settings = RankingSettings.of(organization).first() or RankingSettings()
    return {tier: min(1.0, max(0.0, float(getattr(settings, tier.value)))) for tier in Tier}


# Stack rules


def stacks_of(organization: Organization | int) -> list[StackRule]:
    return list(StackRule.of(organization).order_by(StackRule.id))


def create_stack(
    organization: Organization,
    actor: User | None,
    name: str,
    count: int,
    member_names: Sequence[str],
    member_skills: Sequence[Skill],
    grants: Sequence[Skill],
) -> StackRule:
    """Any `count` of these credentials (by name) or skills count as the granted skills."""
    members = [m.strip() for m in member_names if m.strip()]
    if not name.strip():
        raise RoleError("Name the stack (the qualification it stands for).")
    if not grants:
        raise RoleError("Choose the skill the stack counts as.")
    if not members and not member_skills:
        raise RoleError("List the credentials or skills that make up the stack.")
    if count < 1 or (not member_skills and count > len(members)):
        raise RoleError("The number needed must be at least 1 and no more than the members listed.")
    with write_transaction():
        rule = StackRule.create(
            organization=organization,
            name=name.strip()[:300],
            count=count,
            member_names_json=json.dumps(members),
            member_skills_json=json.dumps([s.id for s in member_skills]),
            grants_json=json.dumps([s.id for s in grants]),
            created_by=actor,
        )
        audit(organization, actor, "stack.created", rule.name)
        touch(organization)
    return rule


def delete_stack(rule: StackRule, actor: User) -> None:
    with write_transaction():
        audit(rule.organization_id, actor, "stack.deleted", rule.name)
        rule.delete_instance()
        touch(rule.organization_id)


def stack_member_names(rule: StackRule) -> list[str]:
    return list(json.loads(rule.member_names_json))


def normalised_member_names(rule: StackRule) -> frozenset[str]:
    return frozenset(normalise(n) for n in stack_member_names(rule))


def ids(text: str) -> list[int]:
    return [int(i) for i in json.loads(text or "[]")]


# Shortlists


def shortlist(role: RoleProfile) -> list[ShortlistEntry]:
    return list(
        ShortlistEntry.select(ShortlistEntry, Candidate)
        .join(Candidate)
        .where(ShortlistEntry.role == role)
        .order_by(ShortlistEntry.added_at)
    )


def shortlisted_ids(role: RoleProfile) -> set[int]:
    return {
        row.candidate_id
        for row in ShortlistEntry.select(ShortlistEntry.candidate).where(
            ShortlistEntry.role == role
        )
    }


def add_to_shortlist(role: RoleProfile, candidate: Candidate, actor: User) -> None:
    with write_transaction():
        ShortlistEntry.get_or_create(
            organization=role.organization_id,
            role=role,
            candidate=candidate,
            defaults={"added_by": actor},
        )
        audit(role.organization_id, actor, "shortlist.added", role.title, str(candidate.id))


def remove_from_shortlist(role: RoleProfile, candidate: Candidate, actor: User) -> None:
    with write_transaction():
        ShortlistEntry.delete().where(
            (ShortlistEntry.role == role) & (ShortlistEntry.candidate == candidate)
        ).execute()
        audit(role.organization_id, actor, "shortlist.removed", role.title, str(candidate.id))
