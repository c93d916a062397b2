"""Skills HR adds beyond the shipped taxonomy, and editing an organisation's own skills in place."""

from __future__ import annotations

import json
from dataclasses import dataclass

import peewee

from app.db import write_transaction
from app.models import Organization, Skill, User
from app.ranking.taxonomy import normalise
from app.services import roles as role_service
from app.services.accounts import AccountError, audit

CUSTOM = "custom"


class SkillError(AccountError):
    """A skill that cannot be saved; the message is for the user."""


@dataclass(frozen=True)
class SkillInput:
    name: str
    aliases: str = ""  # separated by commas
    description: str = ""

    def alias_list(self) -> list[str]:
        found: dict[str, str] = {}
        for part in self.aliases.split(","):
            alias = part.strip()[:200]
            if alias and normalise(alias) != normalise(self.name):
                found.setdefault(normalise(alias), alias)
        return list(found.values())[:20]


def create(organization: Organization, actor: User, given: SkillInput) -> Skill:
    """A new skill of this organisation's own, usable in role profiles at once."""
    name, key = _checked(organization, given, None)
    with write_transaction():
        skill = Skill.create(
            organization=organization,
            name=name,
            normalised=key,
            aliases_json=json.dumps(given.alias_list()),
            description=given.description.strip()[:2000],
            source=CUSTOM,
        )
        audit(organization, actor, "skill.created", name)
    role_service.touch(organization)
    return skill


def update(skill: Skill, actor: User, given: SkillInput) -> Skill:
    """Rename a skill or change its aliases and description; the taxonomy's own are shared."""
    if skill.organization_id is None:
        raise SkillError("Taxonomy skills are shared by every organisation and cannot be edited.")
    name, key = _checked(skill.organization_id, given, skill.id)
    with write_transaction():
        skill.name, skill.normalised = name, key
        skill.aliases_json = json.dumps(given.alias_list())
        skill.description = given.description.strip()[:2000]
        skill.save()
        audit(skill.organization_id, actor, "skill.updated", name)
    role_service.touch(skill.organization_id)
    return skill


def _checked(
    organization: Organization | int, given: SkillInput, skill_id: int | None
) -> tuple[str, str]:
    name = " ".join(given.name.split())[:300]
    key = normalise(name)
    if not key:
        raise SkillError("Enter the skill's name.")
    clash = Skill.visible_to(organization).where(Skill.normalised == key)
    if skill_id is not None:
        clash = clash.where(Skill.id != skill_id)
    existing = clash.first()
    if existing is not None:
        where = "in the taxonomy" if existing.organization_id is None else "already"
        raise SkillError(f"“{existing.name}” exists {where}: use it, or choose another name.")
    return name, key


def own(organization: Organization | int) -> peewee.ModelSelect:
    """The organisation's own skills: added by HR, or introduced by credentials."""
    return Skill.select().where(Skill.organization == organization).order_by(Skill.name)
