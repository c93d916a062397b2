"""JSON-LD safe-mode expansion and RDFC-1.0 canonicalization under a work limit."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from typing import Any

import rfc8785
from cachetools import LRUCache

from app.verification.contexts import document_loader, unknown_context_in
from app.verification.ob3.errors import Failure, invalid
from app.verification.ob3.jsonld_processor import URDNA2015, ContextResolver, jsonld

CHECK = "canonicalization"
MAX_QUADS = 5_000
MAX_WORK = 20_000  # permutations tried by the n-degree hashing, summed
MAX_SECONDS = 3.0
TOO_COMPLEX = "the credential is too complex to verify"
# pyld's context caches are plain LRU dicts that are not safe to share between threads; JSON-LD
# processing is pure CPU under the GIL, so serialising it costs no throughput.
_PYLD_LOCK = threading.RLock()
# The bundled contexts hold well over pyld's default 100 type-scoped contexts; a cache that
# small evicts them on every credential and throws away their processed forms.
_RESOLVED_CONTEXTS: LRUCache[str, Any] = LRUCache(maxsize=1024)
_PROCESSED: LRUCache[tuple[Any, ...], Any] = LRUCache(maxsize=4096)
_BUNDLED_SCOPED: dict[int, Any] = {}
MAX_BUNDLED_SCOPED = 20_000
# pyld has no public hook for a context memo or a work limit: the overrides below use its
# internals (`_process_context`, an active context's `_uuid`, `create_hash_to_related`), which
# tests/unit/test_library_internals.py checks against the pyld version in the lock.
# pyld raises plain Python errors, not only JsonLdError, on some malformed input
_PYLD_ERRORS = (jsonld.JsonLdError, ValueError, TypeError, KeyError, AttributeError, IndexError)


class _Budget:
    """Counts canonicalization work and stops it past the limit."""

    def __init__(self) -> None:
        self.work = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def spend(self, amount: int) -> None:
        self.work += amount
        if self.work > MAX_WORK or time.monotonic() > self.deadline:
            raise invalid(CHECK, TOO_COMPLEX)


class _BudgetedRdfc(URDNA2015):  # type: ignore[misc]
    """RDFC-1.0 (URDNA2015) that charges each group of permuted blank nodes to a budget."""

    def __init__(self, budget: _Budget) -> None:
        super().__init__()
        self.budget = budget

    def create_hash_to_related(self, id_: str, issuer: Any) -> dict[str, list[str]]:
        related: dict[str, list[str]] = super().create_hash_to_related(id_, issuer)
        for nodes in related.values():
            self.budget.spend(math.factorial(min(len(nodes), 12)))
        return related


def _on_dropped(term: str | None) -> None:
    raise invalid("json-ld", f"uses a term its JSON-LD contexts do not define: {term}")


class _MemoProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld, remembering processed contexts across documents.

    pyld caches a processed context per active context, but type-scoped contexts are processed
    against a fresh clone every time, so every credential re-derives the same few hundred term
    definitions. This memo keys on the active context's identity and the local context object
    (kept alive by the entry, so its id is never reused) and returns the very object pyld made
    the first time, as pyld's own cache does.
    """

    def _process_context(  # noqa: PLR0913 - pyld's signature
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        if "_uuid" not in active_ctx:
            return super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )
        identity = _context_identity(local_ctx)
        key = (active_ctx["_uuid"], identity, override_protected, propagate, validate_scoped)
        found = _PROCESSED.get(key) if identity is not None else None
        if found is not None:
            return found
        processed = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        if identity is not None:
            _PROCESSED[key] = processed
        return processed


def _context_identity(local_ctx: Any) -> Any:
    """A memo key: context URLs by value, scoped contexts of bundled contexts by identity.

    Contexts written inside a credential are never memoised, so a stream of hostile documents
    cannot fill the memo with their own large contexts.
    """
    if isinstance(local_ctx, str):
        return (local_ctx,)
    if isinstance(local_ctx, list) and all(isinstance(item, str) for item in local_ctx):
        return tuple(local_ctx)
    if _BUNDLED_SCOPED.get(id(local_ctx)) is local_ctx:
        return id(local_ctx)
    return None


def expand_safe(document: Mapping[str, Any]) -> list[Any]:
    """Expand in safe mode: an undefined term or relative type is an error, never dropped."""
    processor = _MemoProcessor(on_property_dropped=_on_dropped)
    try:
        with _PYLD_LOCK:
            expanded: list[Any] = processor.expand(dict(document), _options())
    except Failure:
        raise
    except RecursionError as exc:
        raise invalid(CHECK, TOO_COMPLEX) from exc
    except _PYLD_ERRORS as exc:
        raise _explain(exc) from exc
    _reject_relative(expanded)
    return expanded


def canonize(document: Mapping[str, Any]) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document, expanded in safe mode."""
    expanded = expand_safe(document)
    try:
        with _PYLD_LOCK:
            dataset = jsonld.JsonLdProcessor().to_rdf(expanded, _options())
    except RecursionError as exc:
        raise invalid(CHECK, TOO_COMPLEX) from exc
    except _PYLD_ERRORS as exc:
        raise _explain(exc) from exc
    if sum(len(triples) for triples in dataset.values()) > MAX_QUADS:
        raise invalid(CHECK, TOO_COMPLEX)
    result: str = _BudgetedRdfc(_Budget()).main(dataset, {"format": "application/n-quads"})
    return result


def canonize_jcs(document: Mapping[str, Any]) -> bytes:
    """RFC 8785 canonical JSON."""
    try:
        return rfc8785.dumps(document)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise invalid(CHECK, "the credential cannot be put in canonical JSON form") from exc


def _options() -> dict[str, Any]:
    return {
        "documentLoader": _static_loader,
        "base": None,
        "processingMode": "json-ld-1.1",
        "contextResolver": ContextResolver(_RESOLVED_CONTEXTS, _static_loader),
    }


def _static_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The bundled contexts, tagged static: they never change, so pyld may share them."""
    loaded = document_loader(url, options)
    with _PYLD_LOCK:
        if len(_BUNDLED_SCOPED) > MAX_BUNDLED_SCOPED:  # reloaded again and again: start afresh
            _BUNDLED_SCOPED.clear()
            _PROCESSED.clear()
        _register_scoped(loaded["document"])
    return {**loaded, "tag": "static"}


def _register_scoped(node: Any) -> None:
    """Remember the scoped-context objects inside a bundled context (kept alive here)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context" and isinstance(value, dict):
                _BUNDLED_SCOPED[id(value)] = value
            _register_scoped(value)
    elif isinstance(node, list):
        for item in node:
            _register_scoped(item)


def _explain(error: BaseException) -> Failure:
    """Name an unknown context plainly; any other JSON-LD error is malformed input."""
    unknown = unknown_context_in(error)
    if unknown is not None:
        return invalid("json-ld", f"uses a JSON-LD context Skillproof does not know: {unknown.url}")
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, Failure):
            return cause
        if isinstance(cause, RecursionError):
            return invalid(CHECK, TOO_COMPLEX)
        cause = cause.__cause__ or _details_cause(cause)
    return invalid("json-ld", f"is not valid JSON-LD ({_message(error)})")


def _details_cause(error: BaseException) -> BaseException | None:
    details = getattr(error, "details", None)
    cause = details.get("cause") if isinstance(details, Mapping) else None
    return cause if isinstance(cause, BaseException) else None


def _message(error: BaseException) -> str:
    return str(error.args[0]) if error.args else type(error).__name__


def _reject_relative(node: Any) -> None:
    """Safe mode: a type or id that did not expand to an absolute IRI is an error."""
    if isinstance(node, list):
        for item in node:
            _reject_relative(item)
        return
    if not isinstance(node, dict) or "@value" in node:
        return
    for value in _as_list(node.get("@type")):
        if isinstance(value, str) and not _absolute(value):
            raise invalid("json-ld", f"uses a type its JSON-LD contexts do not define: {value}")
    node_id = node.get("@id")
    if isinstance(node_id, str) and not _absolute(node_id):
        raise invalid("json-ld", f"uses an identifier that is not a full address: {node_id}")
    for key, value in node.items():
        if key not in ("@type", "@id"):
            _reject_relative(value)


def _absolute(iri: str) -> bool:
    return iri.startswith("_:") or ":" in iri


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []
