"""The skills taxonomy, the crosswalk from credential labels to skills, and skill search."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import peewee

from app.db import db, write_transaction
from app.models import Credential, Organization, Skill, SkillMapping, User, utcnow
from app.ranking import SkillClaim
from app.ranking.taxonomy import Label, SkillIndex, labels_of, load_entries, normalise
from app.services.accounts import audit

SEARCH_LIMIT = 12


def load_taxonomy() -> tuple[int, int]:
    """Add or refresh the shipped taxonomy skills; returns (added, updated)."""
    added = updated = 0
    with write_transaction():
        for entry in load_entries():
            fields = {
                "framework": entry.framework,
                "code": entry.code,
                "name": entry.name,
                "normalised": normalise(entry.name),
                "aliases_json": json.dumps(list(entry.aliases)),
                "description": entry.description,
                "source": "taxonomy",
            }
            existing = Skill.get_or_none(Skill.organization.is_null(), Skill.uri == entry.uri)
            if existing is None:
                Skill.create(organization=None, uri=entry.uri, **fields)
                added += 1
            elif any(getattr(existing, k) != v for k, v in fields.items()):
                Skill.update(**fields).where(Skill.id == existing.id).execute()
                updated += 1
    return added, updated


def build_index(organization: Organization | int) -> SkillIndex:
    """Every skill the organisation can see, plus its confirmed crosswalk decisions."""
    index = SkillIndex()
    for skill in Skill.visible_to(organization).order_by(
        Skill.organization.is_null(False), Skill.id
    ):
        index.add(
            skill.id,
            skill.name,
            uri=skill.uri,
            framework=skill.framework,
            code=skill.code,
            aliases=skill.aliases,
        )
    confirmed = SkillMapping.of(organization).where(SkillMapping.confirmed == True)  # noqa: E712
    index.confirmed.update({m.label: m.skill_id for m in confirmed})
    return index


def taxonomy_index() -> SkillIndex:
    """The shared taxonomy only: what fuzzy suggestions point at."""
    index = SkillIndex()
    for skill in Skill.select().where(Skill.organization.is_null()):
        index.add(skill.id, skill.name, aliases=skill.aliases)
    return index


class ClaimResolver:
    """Turns stored skills_json into skill claims, remembering each distinct text once."""

    def __init__(self, index: SkillIndex, evidence_ids: frozenset[int]) -> None:
        self.index = index
        self.evidence_ids = evidence_ids
        self._memo: dict[str, tuple[SkillClaim, ...]] = {}
        self.unmatched: dict[str, Label] = {}

    def claims(self, skills_json: str) -> tuple[SkillClaim, ...]:
        found = self._memo.get(skills_json)
        if found is None:
            found = self._memo[skills_json] = tuple(self._resolve(labels_of(skills_json)))
        return found

    def _resolve(self, labels: Iterable[Label]) -> Iterable[SkillClaim]:
        seen: set[int] = set()
        for label in labels:
            match = self.index.match(label)
            if match is None:
                self.unmatched.setdefault(normalise(label.name), label)
                continue
            if match.skill_id in seen:
                continue
            seen.add(match.skill_id)
            method = "evidence" if match.skill_id in self.evidence_ids else match.method
            yield SkillClaim(match.skill_id, label.name, label.source, method, label.level)


def evidence_skill_ids(organization: Organization | int) -> frozenset[int]:
    rows = Skill.select(Skill.id).where(Skill.organization == organization)
    return frozenset(row.id for row in rows)


def add_evidence_skills(organization: Organization | int, labels: Iterable[Label]) -> int:
    """Skills credentials align to that the taxonomy lacks, added for this organisation."""
    added = 0
    with write_transaction():
        for label in labels:
            key = normalise(label.name)[:300]
            if not key or Skill.visible_to(organization).where(Skill.normalised == key).exists():
                continue
            try:
                with db.atomic():  # another process may add the same label at the same moment
                    Skill.create(
                        organization=organization,
                        framework=label.framework[:100],
                        code=label.code[:200],
                        uri=label.url[:500],
                        name=label.name[:300],
                        normalised=key,
                        source="evidence",
                    )
                added += 1
            except peewee.IntegrityError:
                continue
    return added


_remembered: set[tuple[int, str]] = set()  # (organisation, skills_json) handled in this process
REMEMBERED_MAX = 10_000


def remember_evidence_skills(organization: int, skills_json: str) -> int:
    """Add the skills a credential's stored evidence aligns to that the taxonomy lacks.

    Called when evidence is stored, so that computing a ranking (a GET) never writes; each
    distinct skills text is resolved once per process.
    """
    if skills_json in ("", "[]") or (organization, skills_json) in _remembered:
        return 0
    resolver = ClaimResolver(build_index(organization), evidence_skill_ids(organization))
    resolver.claims(skills_json)
    added = add_evidence_skills(organization, resolver.unmatched.values())
    if added:  # other candidates' labels may now map to the new skill: rank everyone again
        from app.services import roles

        roles.touch(organization)
    if len(_remembered) >= REMEMBERED_MAX:
        _remembered.clear()
    _remembered.add((organization, skills_json))
    return added


def sync_evidence_skills(organization: Organization | int) -> int:
    """Scan the organisation's credentials and add the skills the taxonomy lacks."""
    resolver = ClaimResolver(build_index(organization), evidence_skill_ids(organization))
    query = Credential.of(organization).select(Credential.skills_json).distinct()
    for (text,) in query.tuples().iterator():
        resolver.claims(text)
    return add_evidence_skills(organization, resolver.unmatched.values())


def texts_claiming(organization: Organization | int, skill_id: int) -> tuple[str, ...]:
    """The distinct stored alignment lists (`skills_json`) that map to `skill_id`."""
    resolver = ClaimResolver(build_index(organization), evidence_skill_ids(organization))
    query = Credential.of(organization).select(Credential.skills_json).distinct()
    return tuple(
        text
        for (text,) in query.tuples().iterator()
        if any(claim.skill_id == skill_id for claim in resolver.claims(text))
    )


def search(organization: Organization | int, text: str, limit: int = SEARCH_LIMIT) -> list[Skill]:
    """Skills whose name or alias contains `text`, then fuzzy matches, best first."""
    key = normalise(text)
    if not key:
        return []
    visible = Skill.visible_to(organization)
    query = (
        visible.where(Skill.normalised.contains(key) | Skill.aliases_json.contains(text.strip()))
        .order_by(Skill.normalised.startswith(key).desc(), Skill.name)
        .limit(limit)
    )
    by_text = list(query)
    if not by_text and sync_evidence_skills(organization):  # credentials may name new skills
        by_text = list(query.clone())
    if len(by_text) >= limit:
        return by_text
    index = build_index(organization)
    more = [
        m.skill_id for m in index.suggest(text, limit) if m.skill_id not in {s.id for s in by_text}
    ]
    extra = {s.id: s for s in visible.where(Skill.id.in_(more))} if more else {}
    return by_text + [extra[i] for i in more if i in extra][: limit - len(by_text)]


def find(organization: Organization | int, text: str) -> Skill | None:
    """The skill named exactly `text` (or by an alias or a confirmed mapping)."""
    match = build_index(organization).match(Label(name=text))
    if match is None and sync_evidence_skills(organization):
        match = build_index(organization).match(Label(name=text))
    return (
        Skill.visible_to(organization).where(Skill.id == match.skill_id).first() if match else None
    )


@dataclass(frozen=True)
class CrosswalkItem:
    """A label only evidence introduced, how often it appears, and taxonomy skills it may be."""

    skill: Skill
    credentials: int
    suggestions: list[tuple[Skill, float]]


def crosswalk(organization: Organization | int) -> list[CrosswalkItem]:
    """Evidence skills awaiting an admin's decision, with fuzzy taxonomy suggestions."""
    sync_evidence_skills(organization)
    decided = SkillMapping.of(organization)
    rejected: dict[str, set[int]] = {}
    confirmed: set[str] = set()
    for mapping in decided:
        if mapping.confirmed:
            confirmed.add(mapping.label)
        else:
            rejected.setdefault(mapping.label, set()).add(mapping.skill_id)
    counts = _label_counts(organization)
    index = taxonomy_index()
    taxonomy = {s.id: s for s in Skill.select().where(Skill.organization.is_null())}
    items = []
    own = Skill.select().where((Skill.organization == organization) & (Skill.source == "evidence"))
    for skill in own.order_by(Skill.name):
        if skill.normalised in confirmed:
            continue
        matches = index.suggest(skill.name, 3, rejected.get(skill.normalised, ()))
        items.append(
            CrosswalkItem(
                skill, counts[skill.normalised], [(taxonomy[m.skill_id], m.score) for m in matches]
            )
        )
    return items


def _label_counts(organization: Organization | int) -> Counter[str]:
    counts: Counter[str] = Counter()
    query = Credential.of(organization).select(Credential.skills_json)
    for (text,) in query.tuples().iterator():
        counts.update({normalise(label.name) for label in labels_of(text)})
    return counts


def decisions(organization: Organization | int) -> list[SkillMapping]:
    return list(SkillMapping.of(organization).order_by(SkillMapping.decided_at.desc()).limit(50))


def decide(
    organization: Organization, label_skill: Skill, target: Skill, confirmed: bool, actor: User
) -> SkillMapping:
    """Remember that an evidence label means (or does not mean) a taxonomy skill, org-wide."""
    from app.services import roles

    with write_transaction():
        mapping, _ = SkillMapping.get_or_create(
            organization=organization,
            label=label_skill.normalised,
            skill=target,
            defaults={"confirmed": confirmed, "display": label_skill.name, "decided_by": actor},
        )
        SkillMapping.update(confirmed=confirmed, decided_by=actor, decided_at=utcnow()).where(
            SkillMapping.id == mapping.id
        ).execute()
        if confirmed:
            roles.move_requirements(organization, label_skill, target)
        verb = "confirmed" if confirmed else "rejected"
        audit(organization, actor, f"skill_mapping.{verb}", label_skill.name, target.name)
        roles.touch(organization)
    return SkillMapping.get_by_id(mapping.id)


def source_of(claim: SkillClaim) -> str:
    """How a claim was mapped, in words."""
    how = {
        "uri": "framework URI",
        "code": "framework code",
        "name": "skill name",
        "alias": "alternative name",
        "confirmed": "mapping confirmed by an admin",
        "evidence": "skill added from evidence",
        "stack": "stack rule",
    }.get(claim.method, claim.method)
    return f"{claim.source}: {how}"
