"""Helpers that turn the OpenAPI description into the reference page's HTML, safely."""

from __future__ import annotations

import json
import re
from typing import Any

from markupsafe import Markup, escape

FENCE = re.compile(r"```[a-z]*\n(.*?)```", re.DOTALL)
INLINE_CODE = re.compile(r"`([^`]+)`")
BOLD = re.compile(r"\*\*([^*]+)\*\*")


def prose(text: str) -> Markup:
    """The little Markdown the description uses: paragraphs, **bold**, `code`, fenced code."""
    parts = []
    for index, chunk in enumerate(FENCE.split(text or "")):
        if index % 2:
            parts.append(Markup("<pre><code>{}</code></pre>").format(chunk.rstrip()))
            continue
        for paragraph in re.split(r"\n\s*\n", chunk.strip()):
            if paragraph:
                parts.append(Markup("<p>{}</p>").format(_inline(paragraph)))
    return Markup("\n").join(parts)


def inline(text: str) -> Markup:
    """One line of description: `code` and **bold**, no paragraphs."""
    return _inline(text or "")


def _inline(text: str) -> Markup:
    html = str(escape(" ".join(text.split())))
    html = INLINE_CODE.sub(r"<code>\1</code>", html)
    return Markup(BOLD.sub(r"<strong>\1</strong>", html))


def ref_name(schema: dict[str, Any]) -> str | None:
    target = schema.get("$ref", "")
    return target.rsplit("/", 1)[-1] if target.startswith("#/components/schemas/") else None


def type_label(schema: dict[str, Any]) -> Markup:
    """A schema's type in a few words, with links to named schemas."""
    name = ref_name(schema)
    if name:
        return Markup('<a href="#schema-{0}">{0}</a>').format(name)
    for combinator, joiner in (("anyOf", " or "), ("oneOf", " or "), ("allOf", " and ")):
        if combinator in schema:
            return Markup(joiner).join(type_label(part) for part in schema[combinator])
    kind = schema.get("type", "any")
    kinds = kind if isinstance(kind, list) else [kind]
    if "array" in kinds:
        label = Markup("array of {}").format(type_label(schema.get("items", {})))
    else:
        label = Markup(" or ").join(kinds)
    if "enum" in schema:
        values = ", ".join(str(v) if v is not None else "null" for v in schema["enum"])
        label = Markup("{} ({})").format(label, values)
    if "format" in schema:
        label = Markup("{}, {}").format(label, schema["format"])
    return label


def fields(
    schema: dict[str, Any], document: dict[str, Any], prefix: str = ""
) -> list[dict[str, Any]]:
    """A schema's properties as table rows: allOf merged, nested inline objects as `a.b`."""
    schema = resolve(schema, document)
    rows: list[dict[str, Any]] = []
    for part in schema.get("allOf", []):
        rows.extend(fields(part, document, prefix))
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        rows.append(
            {
                "name": prefix + name,
                "type": type_label(prop),
                "required": name in required,
                "notes": _notes(prop.get("description", ""), _limits(prop)),
            }
        )
        nested, suffix = _inline_object(prop)
        if nested is not None:
            rows.extend(fields(nested, document, f"{prefix}{name}{suffix}."))
    return rows


def _inline_object(schema: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """An unnamed object inside a property (directly, in an array, or nullable), to spell out."""
    if "properties" in schema:
        return schema, ""
    items = schema.get("items", {})
    if isinstance(items, dict) and "properties" in items:
        return items, "[]"
    for option in schema.get("anyOf", []):
        if "properties" in option:
            return option, ""
    return None, ""


def _notes(description: str, limits: str) -> str:
    if description and limits:
        return f"{description} ({limits})"
    return description or limits


def _limits(schema: dict[str, Any]) -> str:
    words = []
    for key, label in (
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("maxItems", "max items"),
        ("minimum", "min"),
        ("maximum", "max"),
        ("default", "default"),
    ):
        if key in schema:
            words.append(f"{label} {schema[key]}")
    return ", ".join(words)


def resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    name = ref_name(schema)
    return document["components"]["schemas"][name] if name else schema


def response_of(response: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """A response, its `$ref` to components.responses followed."""
    target = response.get("$ref", "")
    if target.startswith("#/components/responses/"):
        return dict(document["components"]["responses"][target.rsplit("/", 1)[-1]])
    return response


def parameter_of(parameter: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    target = parameter.get("$ref", "")
    if target.startswith("#/components/parameters/"):
        return dict(document["components"]["parameters"][target.rsplit("/", 1)[-1]])
    return parameter


def parameter_notes(parameter: dict[str, Any]) -> str:
    return _notes(parameter.get("description", ""), _limits(parameter.get("schema", {})))


def body_schema(holder: dict[str, Any]) -> dict[str, Any] | None:
    content = holder.get("content", {})
    media = content.get("application/json") or next(iter(content.values()), None)
    return media.get("schema") if media else None


def example_of(holder: dict[str, Any]) -> str | None:
    """A response's or request's example, pretty-printed, or None."""
    content = holder.get("content", {})
    media = content.get("application/json") or {}
    if "example" not in media:
        return None
    return json.dumps(media["example"], indent=2, ensure_ascii=False)


def curl(method: str, path: str, operation: dict[str, Any]) -> str:
    """A copy-paste example of calling the operation."""
    lines = [f'curl -X {method.upper()} "$SKILLPROOF/api/v1{path}"']
    if operation.get("security") != []:
        lines.append('  -H "Authorization: Bearer $SKILLPROOF_TOKEN"')
    if "requestBody" in operation:
        lines.append('  -H "Content-Type: application/json"')
        lines.append(f"  -d '{EXAMPLES.get(operation['operationId'], '{}')}'")
    return " \\\n".join(lines)


EXAMPLES = {
    "create_candidate": '{"name": "Ada Lovelace", "emails": ["ada@example.com"], '
    '"credentials": [{"url": "https://badges.example.org/assertions/42"}]}',
    "update_candidate": '{"notes": "Moved to the final round", "archived": false}',
    "add_credential": '{"url": "https://badges.example.org/assertions/42"}',
    "verify_now": '{"url": "https://badges.example.org/assertions/42", '
    '"emails": ["ada@example.com"]}',
}


HELPERS = {
    "prose": prose,
    "inline": inline,
    "type_label": type_label,
    "fields": fields,
    "response_of": response_of,
    "parameter_of": parameter_of,
    "parameter_notes": parameter_notes,
    "body_schema": body_schema,
    "curl": curl,
    "example_of": example_of,
    "ref_name": ref_name,
}
