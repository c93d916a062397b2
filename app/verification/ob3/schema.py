"""JSON Schema validation of a credential against the bundled schemas it declares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, Any

from app.verification import schemas
from app.verification.ob3.credential import as_list
from app.verification.result import Check, Outcome, Verdict

if TYPE_CHECKING:  # jsonschema and referencing load with the first schema a credential declares
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator
    from referencing import Registry

JSON_SCHEMA_TYPES = frozenset({"1EdTechJsonSchemaValidator2019", "JsonSchema"})
MAX_DECLARED = 5
# Enough errors for best_match to pick a meaningful one; the instance is size-capped upstream.
MAX_ERRORS = 50


def check_schemas(document: Mapping[str, Any]) -> list[Check]:
    """One check per declared schema (at most MAX_DECLARED); a skip when none is declared."""
    declared = as_list(document.get("credentialSchema"))
    if not declared:
        return [Check("schema", Outcome.SKIP, "declares no JSON Schema")]
    return [_check_one(document, entry) for entry in declared[:MAX_DECLARED]]


def _check_one(document: Mapping[str, Any], entry: Any) -> Check:
    url = entry.get("id") if isinstance(entry, Mapping) else None
    kind = entry.get("type") if isinstance(entry, Mapping) else None
    if not isinstance(url, str) or not url:
        return _warn("declares a JSON Schema without a usable address")
    if kind not in JSON_SCHEMA_TYPES:
        return _warn(f"declares a schema of a kind Skillproof does not check ({kind}): {url}")
    meta = schemas.manifest().get(url)
    if meta is None:
        return _warn(f"declares a JSON Schema Skillproof does not have: {url}")
    title = str(meta["title"])
    if not _edition_applies(document, meta):
        detail = f"declares the {title}, whose edition for this kind of credential Skillproof "
        return _warn(detail + f"does not have ({meta['edition']} only): {url}")
    return _validate(document, url, title)


def _edition_applies(document: Mapping[str, Any], meta: Mapping[str, Any]) -> bool:
    # 1EdTech replaced the schemas at the same URLs when Open Badges 3.0 moved to VC Data
    # Model 2.0, so a bundled edition only judges credentials of the VC version it was made for.
    contexts = as_list(document.get("@context"))
    return bool(contexts) and contexts[0] in meta["vc_contexts"]


def _validate(document: Mapping[str, Any], url: str, title: str) -> Check:
    from jsonschema.exceptions import best_match
    from referencing.exceptions import Unresolvable

    try:
        error = best_match(islice(_validator(url).iter_errors(document), MAX_ERRORS))
    except Unresolvable as unresolvable:
        return _warn(f"its {title} refers to a part Skillproof does not have: {unresolvable.ref}")
    except RecursionError:
        detail = f"is too deeply nested to check against the {title}"
        return Check("schema", Outcome.FAIL, detail, Verdict.INVALID)
    if error is None:
        return Check("schema", Outcome.PASS, f"matches the {title}")
    detail = f"does not match the {title}: {describe(error)}"
    return Check("schema", Outcome.FAIL, detail, Verdict.INVALID)


@cache
def _validator(url: str) -> Validator:
    """A compiled validator for a bundled schema, resolving references among bundled ones only."""
    from jsonschema import Draft201909Validator
    from jsonschema.validators import validator_for
    from referencing.exceptions import Unresolvable

    schema = schemas.load_schema(url)
    if schema is None:
        raise Unresolvable(url)
    cls = validator_for(schema, default=Draft201909Validator)
    validator: Validator = cls(schema, registry=_registry())
    return validator


@cache
def _registry() -> Registry[Any]:
    # No retrieve function: a reference outside the bundle is Unresolvable, never a fetch.
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT201909

    resources = []
    for url in schemas.known_schema_urls():
        contents = schemas.load_schema(url)
        resource = Resource.from_contents(contents, default_specification=DRAFT201909)
        resources.append((url, resource))
    registry: Registry[Any] = Registry().with_resources(resources)
    return registry


def describe(error: ValidationError) -> str:
    """A plain-words summary of one schema error, naming where in the credential it is."""
    where = _path(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, Mapping):
        missing = [name for name in error.validator_value if name not in error.instance]
        return f"{where} is missing '{missing[0] if missing else '?'}'"
    if error.validator == "type":
        return f"{where} should be {_kind(error.validator_value)}"
    if error.validator in {"enum", "const"}:
        return f"{where} is not one of the allowed values"
    if error.validator in {"minItems", "contains"}:
        return f"{where} lacks a required entry"
    if error.validator in {"additionalProperties", "unevaluatedProperties"}:
        return f"{where} has a field the schema does not allow"
    return f"{where} is not in the expected form"


def _path(parts: Iterable[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the credential"


def _kind(value: Any) -> str:
    names = {"object": "an object", "array": "a list", "string": "text", "number": "a number"}
    kinds = value if isinstance(value, list) else [value]
    return " or ".join(names.get(str(kind), str(kind)) for kind in kinds)


def _warn(detail: str) -> Check:
    return Check("schema", Outcome.WARN, detail)
