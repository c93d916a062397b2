"""Skills taxonomy, crosswalk decisions, role profiles, issuer trust, stacks and shortlists."""

from __future__ import annotations

import json

import peewee

from app.models.accounts import BaseModel, Organization, TenantModel, User, UTCDateTimeField, utcnow
from app.models.credentials import Candidate


class Skill(BaseModel):
    """A taxonomy skill (organization is null) or one an organisation's evidence introduced."""

    organization = peewee.ForeignKeyField(Organization, null=True, on_delete="CASCADE")
    framework = peewee.CharField(max_length=100, default="")
    code = peewee.CharField(max_length=200, default="")
    uri = peewee.CharField(max_length=500, default="", index=True)
    name = peewee.CharField(max_length=300)
    normalised = peewee.CharField(max_length=300, index=True)
    aliases_json = peewee.TextField(default="[]")
    description = peewee.TextField(default="")
    source = peewee.CharField(max_length=16, default="taxonomy")  # taxonomy | evidence
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("organization", "normalised"), True),)

    @property
    def aliases(self) -> list[str]:
        return list(json.loads(self.aliases_json or "[]"))

    @classmethod
    def visible_to(cls, organization: Organization | int) -> peewee.ModelSelect:
        """The shared taxonomy plus this organisation's own evidence skills."""
        return cls.select().where(cls.organization.is_null() | (cls.organization == organization))


class SkillMapping(TenantModel):
    """An admin's decision that a credential label means (or does not mean) a skill."""

    label = peewee.CharField(max_length=300)  # normalised
    display = peewee.CharField(max_length=300, default="")
    skill = peewee.ForeignKeyField(Skill, on_delete="CASCADE")
    confirmed = peewee.BooleanField()  # False: rejected, never suggested again
    decided_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    decided_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("organization", "label", "skill"), True),)


class RoleProfile(TenantModel):
    title = peewee.CharField(max_length=200)
    description = peewee.TextField(default="")
    gate = peewee.BooleanField(default=True)  # rank candidates missing a required skill last
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)


class RoleSkill(BaseModel):
    role = peewee.ForeignKeyField(RoleProfile, backref="skills", on_delete="CASCADE")
    skill = peewee.ForeignKeyField(Skill, on_delete="CASCADE")
    importance = peewee.CharField(max_length=16, default="preferred")
    weight = peewee.IntegerField(default=3)
    min_level = peewee.CharField(max_length=100, default="")
    recency_months = peewee.IntegerField(null=True)

    class Meta:
        indexes = ((("role", "skill"), True),)


class IssuerTrust(TenantModel):
    """The organisation's trust tier for one issuer (by its id URL, or its name)."""

    issuer = peewee.CharField(max_length=500)
    name = peewee.CharField(max_length=300, default="")
    tier = peewee.CharField(max_length=16)

    class Meta:
        indexes = ((("organization", "issuer"), True),)


class RankingSettings(TenantModel):
    """The organisation's tier factors, and a stamp that changes whenever ranking inputs do."""

    trusted = peewee.FloatField(default=1.0)
    neutral = peewee.FloatField(default=0.9)
    unknown = peewee.FloatField(default=0.7)
    blocked = peewee.FloatField(default=0.0)
    # Migration 015: what a credential counts for when its ownership is only matched or
    # unchecked, not proven by the candidate (proven always counts in full).
    unproven = peewee.FloatField(default=1.0)
    changed_at = UTCDateTimeField(default=utcnow)
    revision = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("organization",), True),)


class StackRule(TenantModel):
    """Any `count` of the member credentials (by name) or skills count as the granted skills."""

    name = peewee.CharField(max_length=300)
    count = peewee.IntegerField()
    member_names_json = peewee.TextField(default="[]")
    member_skills_json = peewee.TextField(default="[]")
    grants_json = peewee.TextField(default="[]")  # skill ids
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)


class ShortlistEntry(TenantModel):
    role = peewee.ForeignKeyField(RoleProfile, backref="shortlist", on_delete="CASCADE")
    candidate = peewee.ForeignKeyField(Candidate, on_delete="CASCADE")
    added_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    added_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("role", "candidate"), True),)


class RankingExport(TenantModel):
    """A CSV export of a ranking, with the scoring policy version it was computed under."""

    role = peewee.ForeignKeyField(RoleProfile, on_delete="CASCADE")
    policy_version = peewee.CharField(max_length=32)
    candidates = peewee.IntegerField(default=0)
    sha256 = peewee.CharField(max_length=64)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
