"""Skills taxonomy (loaded from app/ranking/data), crosswalk, role profiles, trust, stacks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import peewee as pw
from peewee_migrate import Migrator


def _fk(migrator: Migrator, table: str, *, null: bool = False, on_delete: str = "CASCADE") -> Any:
    return pw.ForeignKeyField(
        column_name=f"{table}_id" if table != "role_profile" else "role_id",
        field="id",
        model=migrator.orm[table],
        null=null,
        on_delete=on_delete,
    )


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Create the ranking tables and load the shipped skills taxonomy."""

    @migrator.create_model
    class Skill(pw.Model):
        id = pw.AutoField()
        organization = pw.ForeignKeyField(
            column_name="organization_id",
            field="id",
            model=migrator.orm["organization"],
            null=True,
            on_delete="CASCADE",
        )
        framework = pw.CharField(default="", max_length=100)
        code = pw.CharField(default="", max_length=200)
        uri = pw.CharField(default="", index=True, max_length=500)
        name = pw.CharField(max_length=300)
        normalised = pw.CharField(index=True, max_length=300)
        aliases_json = pw.TextField(default="[]")
        description = pw.TextField(default="")
        source = pw.CharField(default="taxonomy", max_length=16)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "skill"
            indexes = [(("organization", "normalised"), True)]

    @migrator.create_model
    class SkillMapping(pw.Model):
        id = pw.AutoField()
        organization = _fk(migrator, "organization")
        label = pw.CharField(max_length=300)
        display = pw.CharField(default="", max_length=300)
        skill = _fk(migrator, "skill")
        confirmed = pw.BooleanField()
        decided_by = pw.ForeignKeyField(
            column_name="decided_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        decided_at = pw.DateTimeField()

        class Meta:
            table_name = "skill_mapping"
            indexes = [(("organization", "label", "skill"), True)]

    @migrator.create_model
    class RoleProfile(pw.Model):
        id = pw.AutoField()
        organization = _fk(migrator, "organization")
        title = pw.CharField(max_length=200)
        description = pw.TextField(default="")
        gate = pw.BooleanField(default=True)
        created_by = pw.ForeignKeyField(
            column_name="created_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "role_profile"

    @migrator.create_model
    class RoleSkill(pw.Model):
        id = pw.AutoField()
        role = _fk(migrator, "role_profile")
        skill = _fk(migrator, "skill")
        importance = pw.CharField(default="preferred", max_length=16)
        weight = pw.IntegerField(default=3)
        min_level = pw.CharField(default="", max_length=100)
        recency_months = pw.IntegerField(null=True)

        class Meta:
            table_name = "role_skill"
            indexes = [(("role", "skill"), True)]

    @migrator.create_model
    class IssuerTrust(pw.Model):
        id = pw.AutoField()
        organization = _fk(migrator, "organization")
        issuer = pw.CharField(max_length=500)
        name = pw.CharField(default="", max_length=300)
        tier = pw.CharField(max_length=16)

        class Meta:
            table_name = "issuer_trust"
            indexes = [(("organization", "issuer"), True)]

    @migrator.create_model
    class RankingSettings(pw.Model):
        id = pw.AutoField()
        organization = _fk(migrator, "organization")
        trusted = pw.FloatField(default=1.0)
        neutral = pw.FloatField(default=0.9)
        unknown = pw.FloatField(default=0.7)
        blocked = pw.FloatField(default=0.0)
        changed_at = pw.DateTimeField()
        revision = pw.IntegerField(default=0)

        class Meta:
            table_name = "ranking_settings"
            indexes = [(("organization",), True)]

    @migrator.create_model
    class StackRule(pw.Model):
        id = pw.AutoField()
        organization = _fk(migrator, "organization")
        name = pw.CharField(max_length=300)
        count = pw.IntegerField()
        member_names_json = pw.TextField(default="[]")
        member_skills_json = pw.TextField(default="[]")
        grants_json = pw.TextField(default="[]")
        created_by = pw.ForeignKeyField(
            column_name="created_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "stack_rule"

    @migrator.create_model
    class ShortlistEntry(pw.Model):
        id = pw.AutoField()
        organization = _fk(migrator, "organization")
        role = _fk(migrator, "role_profile")
        candidate = _fk(migrator, "candidate")
        added_by = pw.ForeignKeyField(
            column_name="added_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        added_at = pw.DateTimeField()

        class Meta:
            table_name = "shortlist_entry"
            indexes = [(("role", "candidate"), True)]

    @migrator.create_model
    class RankingExport(pw.Model):
        id = pw.AutoField()
        organization = _fk(migrator, "organization")
        role = _fk(migrator, "role_profile")
        policy_version = pw.CharField(max_length=32)
        candidates = pw.IntegerField(default=0)
        sha256 = pw.CharField(max_length=64)
        created_by = pw.ForeignKeyField(
            column_name="created_by_id",
            field="id",
            model=migrator.orm["user"],
            null=True,
            on_delete="SET NULL",
        )
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "ranking_export"

    migrator.run(_load_taxonomy, Skill)


def _load_taxonomy(skill: type[pw.Model]) -> None:
    """Insert the shipped taxonomy (later changes arrive through `skillproof load-skills`)."""
    from app.ranking.taxonomy import load_entries, normalise

    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        {
            "organization": None,
            "framework": entry.framework,
            "code": entry.code,
            "uri": entry.uri,
            "name": entry.name,
            "normalised": normalise(entry.name),
            "aliases_json": json.dumps(list(entry.aliases)),
            "description": entry.description,
            "source": "taxonomy",
            "created_at": now,
        }
        for entry in load_entries()
    ]
    skill.insert_many(rows).execute()


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Drop them again."""
    for table in (
        "ranking_export",
        "shortlist_entry",
        "stack_rule",
        "ranking_settings",
        "issuer_trust",
        "role_skill",
        "role_profile",
        "skill_mapping",
        "skill",
    ):
        migrator.remove_model(table)
