"""The Open Badges 1.x/2.0 vocabulary: contexts, classes, and the evidence a badge shows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.verification.result import Achievement, Issuer, Skill

OBI = "https://w3id.org/openbadges#"
V2_CONTEXTS = frozenset(
    {
        "https://w3id.org/openbadges/v2",
        "http://w3id.org/openbadges/v2",
        "https://w3id.org/openbadges/v2/",
        "https://openbadgespec.org/v2/context.json",
    }
)
V1_CONTEXTS = frozenset(
    {
        "https://w3id.org/openbadges/v1",
        "http://w3id.org/openbadges/v1",
        "https://openbadgespec.org/v1/context.json",
        "http://openbadges.org/schema/v1",
    }
)
VC_CONTEXTS = frozenset(
    {"https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2"}
)
KNOWN_CLASSES = frozenset(
    {
        "Assertion",
        "BadgeClass",
        "Issuer",
        "Profile",
        "CryptographicKey",
        "RevocationList",
        "AlignmentObject",
        "Criteria",
        "Evidence",
        "Extension",
        "IdentityObject",
        "Image",
        "VerificationObject",
        "Endorsement",
        "hosted",
        "signed",
        "HostedBadge",
        "SignedBadge",
    }
)


def context_urls(node: Mapping[str, Any]) -> list[Any]:
    """The entries of a node's @context as a list."""
    context = node.get("@context")
    if context is None:
        return []
    return list(context) if isinstance(context, list) else [context]


def ob_version(node: Mapping[str, Any]) -> str | None:
    """'v2', 'v1' when a context names an Open Badges vocabulary, else None."""
    entries = context_urls(node)
    if any(isinstance(e, str) and e in V2_CONTEXTS for e in entries):
        return "v2"
    if any(isinstance(e, Mapping) and _defines_obi(e) for e in entries):
        return "v2"
    if any(isinstance(e, str) and e in V1_CONTEXTS for e in entries):
        return "v1"
    return None


def _defines_obi(context: Mapping[str, Any]) -> bool:
    return any(isinstance(v, str) and v.startswith(OBI) for v in context.values())


def is_vc(node: Mapping[str, Any]) -> bool:
    """A W3C Verifiable Credential (Open Badges 3.0 and friends)."""
    if any(isinstance(e, str) and e in VC_CONTEXTS for e in context_urls(node)):
        return True
    return "VerifiableCredential" in types_of(node)


def types_of(node: Mapping[str, Any]) -> list[str]:
    """The node's types as strings (non-strings kept out)."""
    value = node.get("type", node.get("@type"))
    values = value if isinstance(value, list) else [value] if value is not None else []
    return [v for v in values if isinstance(v, str)]


def type_problem(node: Mapping[str, Any], expected: tuple[str, ...]) -> str | None:
    """Why the node's type is not one of `expected` (short name or full IRI), or None."""
    raw = node.get("type", node.get("@type"))
    values = raw if isinstance(raw, list) else [raw]
    if raw is None or not values:
        return "has no type"
    if any(not isinstance(v, str) for v in values):
        return "has a type that is not a name"
    names = [_short_class(v) for v in values]
    if not any(n in expected for n in names):
        return f"is a {', '.join(str(v)[:60] for v in values)}, not a {' or '.join(expected)}"
    unknown = [
        v for v, n in zip(values, names, strict=True) if n not in KNOWN_CLASSES and ":" not in v
    ]
    if unknown:
        return f"has a type the Open Badges vocabulary does not define ({unknown[0][:60]})"
    return None


def _short_class(value: str) -> str:
    for prefix in (OBI, "obi:", "https://w3id.org/security#", "sec:"):
        if value.startswith(prefix):
            return (
                "CryptographicKey"
                if value.endswith(":Key") or value.endswith("#Key")
                else value[len(prefix) :]
            )
    return value


def node_id(value: Any) -> str | None:
    """The id of a reference: an IRI string or an object with an id."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def text(value: Any, limit: int = 2000) -> str | None:
    """A display string from a JSON value (language maps and lists take their first entry)."""
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, Mapping):
        value = value.get("@value", value.get("id", value.get("narrative")))
    if isinstance(value, str) and value.strip():
        return value.strip()[:limit]
    return None


def issuer_of(node: Mapping[str, Any]) -> Issuer:
    return Issuer(
        id=text(node.get("id")),
        name=text(node.get("name"), 300),
        url=text(node.get("url")),
        email=text(node.get("email"), 300),
        image=text(node.get("image")),
    )


def achievement_of(badge: Mapping[str, Any]) -> Achievement:
    tags = badge.get("tags")
    return Achievement(
        id=text(badge.get("id")),
        name=text(badge.get("name"), 300),
        type="BadgeClass",
        description=text(badge.get("description"), 5000),
        criteria=_criteria(badge.get("criteria")),
        image=text(badge.get("image")),
        tags=tuple(t.strip()[:100] for t in tags if isinstance(t, str) and t.strip())[:50]
        if isinstance(tags, list)
        else (),
    )


def _criteria(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return text(value.get("narrative"), 5000) or text(value.get("id"))
    return text(value, 5000)


def skills_of(badge: Mapping[str, Any]) -> tuple[Skill, ...]:
    raw = badge.get("alignment", badge.get("alignments"))
    entries = raw if isinstance(raw, list) else [raw] if isinstance(raw, Mapping) else []
    skills = []
    for entry in entries[:100]:
        if not isinstance(entry, Mapping):
            continue
        name = text(entry.get("targetName"), 300) or text(entry.get("name"), 300)
        if name:
            skills.append(
                Skill(
                    name=name,
                    framework=text(entry.get("targetFramework"), 300),
                    code=text(entry.get("targetCode"), 100),
                    url=text(entry.get("targetUrl")) or text(entry.get("url")),
                )
            )
    return tuple(skills)
