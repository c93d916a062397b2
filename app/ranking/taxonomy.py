"""Matching a credential's skill labels to taxonomy skills: URI or code, then name, then fuzzy."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from rapidfuzz import fuzz, process, utils

DATA_FILE = "esco_ict_skills.json"
FUZZY_CUTOFF = 70.0


@dataclass(frozen=True, slots=True)
class TaxonomyEntry:
    """One skill as the data file gives it."""

    framework: str
    code: str
    uri: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Label:
    """A skill as a credential names it (an alignment or a tag)."""

    name: str
    framework: str = ""
    code: str = ""
    url: str = ""
    source: str = "alignment"  # alignment | tag
    level: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    skill_id: int
    method: str  # uri | code | name | alias | confirmed
    score: float = 100.0


@dataclass
class SkillIndex:
    """Lookups from URIs, codes and normalised names to skill ids, built once per ranking."""

    by_uri: dict[str, int] = field(default_factory=dict)
    by_code: dict[tuple[str, str], int] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)
    by_alias: dict[str, int] = field(default_factory=dict)
    confirmed: dict[str, int] = field(default_factory=dict)  # normalised label -> skill
    names: dict[int, str] = field(default_factory=dict)

    def add(
        self,
        skill_id: int,
        name: str,
        *,
        uri: str = "",
        framework: str = "",
        code: str = "",
        aliases: Iterable[str] = (),
    ) -> None:
        self.names[skill_id] = name
        if uri:
            self.by_uri.setdefault(normalise_uri(uri), skill_id)
        if code:
            self.by_code.setdefault((normalise(framework), code.strip().casefold()), skill_id)
        self.by_name.setdefault(normalise(name), skill_id)
        for alias in aliases:
            self.by_alias.setdefault(normalise(alias), skill_id)

    def match(self, label: Label) -> Match | None:
        """The exact match for `label`, strongest evidence of identity first."""
        if label.url and (found := self.by_uri.get(normalise_uri(label.url))) is not None:
            return Match(found, "uri")
        key = (normalise(label.framework), label.code.strip().casefold())
        if label.code and (found := self.by_code.get(key)) is not None:
            return Match(found, "code")
        name = normalise(label.name)
        for method, table in (
            ("confirmed", self.confirmed),
            ("name", self.by_name),
            ("alias", self.by_alias),
        ):
            if (found := table.get(name)) is not None:
                return Match(found, method)
        return None

    def suggest(self, text: str, limit: int = 3, rejected: Iterable[int] = ()) -> list[Match]:
        """Fuzzy candidates for an unmatched label, for an admin to confirm or reject."""
        skip = set(rejected)
        choices = {**{n: i for n, i in self.by_alias.items()}, **self.by_name}
        found = process.extract(
            normalise(text),
            list(choices),
            scorer=fuzz.token_set_ratio,
            processor=utils.default_process,
            score_cutoff=FUZZY_CUTOFF,
            limit=limit * 4,
        )
        matches: dict[int, Match] = {}
        for choice, score, _ in found:
            skill_id = choices[choice]
            if skill_id not in skip and skill_id not in matches:
                matches[skill_id] = Match(skill_id, "fuzzy", float(score))
        return sorted(matches.values(), key=lambda m: (-m.score, self.names[m.skill_id]))[:limit]


def normalise(text: str) -> str:
    """Case, accents, punctuation and spacing do not make two skill names different."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    folded = folded.replace("visualization", "visualisation")
    return re.sub(r"[^a-z0-9+#]+", " ", folded).strip()


def normalise_uri(uri: str) -> str:
    text = uri.strip().rstrip("/")
    return re.sub(r"^https?://", "", text).casefold()


def labels_of(skills_json: str) -> list[Label]:
    """A credential's stored alignments (and tags, when stored) as labels; bad JSON is none."""
    try:
        items: Any = json.loads(skills_json or "[]")
    except ValueError:
        return []
    labels = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            labels.append(
                Label(
                    name=item["name"].strip()[:200],
                    framework=_text(item.get("framework")),
                    code=_text(item.get("code")),
                    url=_text(item.get("url")),
                    source="tag" if item.get("kind") == "tag" else "alignment",
                    level=_text(item.get("level")),
                )
            )
    return labels


def _text(value: object) -> str:
    return value.strip()[:300] if isinstance(value, str) else ""


def load_entries() -> list[TaxonomyEntry]:
    """The skills shipped in app/ranking/data (see PROVENANCE.md there)."""
    text = resources.files("app.ranking").joinpath("data", DATA_FILE).read_text("utf-8")
    return [
        TaxonomyEntry(
            framework=str(row["framework"]),
            code=str(row["code"]),
            uri=str(row["uri"]),
            name=str(row["name"]),
            aliases=tuple(str(a) for a in row.get("aliases", [])),
            description=str(row.get("description", "")),
        )
        for row in json.loads(text)
    ]
