"""JSON-LD safe-mode expansion and RDFC-1.0 canonicalization under a work limit."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import rfc8785
from cachetools import LRUCache

from app.verification.contexts import document_loader, unknown_context_in
from app.verification.limits import checkpoint
from app.verification.ob3.errors import Failure, invalid
from app.verification.ob3.jsonld_processor import ContextResolver, jsonld
from app.verification.ob3.workload import (
    MAX_BLANK_NODES,
    MAX_QUADS,
    TOO_COMPLEX,
    Budget,
    BudgetedRdfc,
    blank_nodes,
    goes_to_lane,
    measure,
)

T = TypeVar("T")
CHECK = "canonicalization"
# The bundled contexts hold well over pyld's default 100 type-scoped contexts; a cache that
# small evicts them on every credential and throws away their processed forms.
RESOLVED_CACHE_SIZE = 1024
PROCESSED_CACHE_SIZE = 4096
MAX_BUNDLED_SCOPED = 20_000
# pyld has no public hook for a context memo or a work limit: the overrides here and in
# workload.py use its internals (`_process_context`, `_expand`, an active context's `_uuid`,
# `hash_n_degree_quads`, `create_hash_to_related`, `ContextResolver._cache_resolved_context`
# and a resolved context's `cache`), which tests/unit/test_library_internals.py checks against
# the pyld version in the lock.
# pyld raises plain Python errors, not only JsonLdError, on some malformed input
_PYLD_ERRORS = (jsonld.JsonLdError, ValueError, TypeError, KeyError, AttributeError, IndexError)


class _LockedLRU(LRUCache):  # type: ignore[type-arg]
    """An LRU cache that threads may share: each lookup or store holds a lock for its own
    few microseconds, never across JSON-LD processing."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize)
        self._lock = threading.RLock()

    def __getitem__(self, key: Any) -> Any:
        with self._lock:
            return super().__getitem__(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        with self._lock:
            super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        with self._lock:
            super().__delitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            return super().get(key, default)

    def clear(self) -> None:
        with self._lock:
            super().clear()


_RESOLVED_CONTEXTS = _LockedLRU(RESOLVED_CACHE_SIZE)
_PROCESSED = _LockedLRU(PROCESSED_CACHE_SIZE)
_BUNDLED_SCOPED: dict[int, Any] = {}
_SCOPED_LOCK = threading.Lock()


class _Resolver(ContextResolver):  # type: ignore[misc]
    """pyld's context resolver, giving every context it caches a thread-safe cache of its own."""

    def _cache_resolved_context(self, key: str, resolved: Any, tag: Any) -> Any:
        for context in resolved if isinstance(resolved, list) else [resolved]:
            if not isinstance(context.cache, _LockedLRU):  # fresh: no other thread has it yet
                context.cache = _LockedLRU(context.cache.maxsize)
        return super()._cache_resolved_context(key, resolved, tag)


def _on_dropped(term: str | None) -> None:
    raise invalid("json-ld", f"uses a term its JSON-LD contexts do not define: {term}")


class _MemoProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld, counting its expansion steps and remembering processed contexts across documents.

    pyld caches a processed context per active context, but type-scoped contexts are processed
    against a fresh clone every time, so every credential re-derives the same few hundred term
    definitions. This memo keys on the active context's identity and the local context (a URL,
    or a scoped context inside a bundled context, by identity: the entry holds the object and a
    hit must be that very object) and returns the very object pyld made the first time, as
    pyld's own cache does.
    """

    def __init__(self, budget: Budget) -> None:
        super().__init__(on_property_dropped=_on_dropped)
        self.budget = budget

    def _expand(self, *args: Any, **kwargs: Any) -> Any:
        self.budget.step()
        return super()._expand(*args, **kwargs)

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
        flags = (override_protected, propagate, validate_scoped)
        identity = _context_identity(local_ctx) if "_uuid" in active_ctx else None
        if identity is None:
            return super()._process_context(active_ctx, local_ctx, options, *flags, cycles)
        key = (active_ctx["_uuid"], identity, *flags)
        found = _PROCESSED.get(key)
        if found is not None and (identity[0] == _BY_VALUE or found[0] is local_ctx):
            return found[1]
        processed = super()._process_context(active_ctx, local_ctx, options, *flags, cycles)
        _PROCESSED[key] = (local_ctx, processed)
        return processed


_BY_VALUE, _BY_IDENTITY = "url", "object"


def _context_identity(local_ctx: Any) -> tuple[Any, ...] | None:
    """A memo key: context URLs by value, scoped contexts of bundled contexts by identity.

    Contexts written inside a credential are never memoised, so a stream of hostile documents
    cannot fill the memo with their own large contexts.
    """
    if isinstance(local_ctx, str):
        return (_BY_VALUE, local_ctx)
    if isinstance(local_ctx, list) and all(isinstance(item, str) for item in local_ctx):
        return (_BY_VALUE, *local_ctx)
    if _BUNDLED_SCOPED.get(id(local_ctx)) is local_ctx:
        return (_BY_IDENTITY, id(local_ctx))
    return None


def expand_safe(document: Mapping[str, Any]) -> list[Any]:
    """Expand in safe mode, in this thread: an undefined term or relative type is an error."""
    measure(document)
    return _expand_here(document)


def check_json_ld(document: Mapping[str, Any]) -> None:
    """Safe-mode expansion succeeds (every term and type defined), under the work limits."""
    _run(_check_here, document)


def canonize(document: Mapping[str, Any]) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document, expanded in safe mode."""
    result: str = _run(_canonize_here, document)
    return result


def canonize_jcs(document: Mapping[str, Any]) -> bytes:
    """RFC 8785 canonical JSON."""
    try:
        return rfc8785.dumps(document)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise invalid(CHECK, "the credential cannot be put in canonical JSON form") from exc


def _run(function: Callable[[Mapping[str, Any]], T], document: Mapping[str, Any]) -> T:
    """Small documents in this thread; large ones in the heavy lane, so they delay no one."""
    checkpoint()
    if goes_to_lane(document):
        from app.verification.ob3.lane import HEAVY  # subprocess and pipes: large documents only

        result: T = HEAVY.run(function, dict(document))
        return result
    return function(document)


def _check_here(document: Mapping[str, Any]) -> None:
    measure(document)
    _expand_here(document)


def _canonize_here(document: Mapping[str, Any]) -> str:
    measure(document)
    expanded = _expand_here(document)
    try:
        dataset = jsonld.JsonLdProcessor().to_rdf(expanded, _options())
    except RecursionError as exc:
        raise invalid(CHECK, TOO_COMPLEX) from exc
    except _PYLD_ERRORS as exc:
        raise _explain(exc) from exc
    quads = [quad for triples in dataset.values() for quad in triples]
    if len(quads) > MAX_QUADS or blank_nodes(quads) > MAX_BLANK_NODES:
        raise invalid(CHECK, TOO_COMPLEX)
    checkpoint()
    result: str = BudgetedRdfc(Budget()).main(dataset, {"format": "application/n-quads"})
    return result


def _expand_here(document: Mapping[str, Any]) -> list[Any]:
    processor = _MemoProcessor(Budget())
    try:
        expanded: list[Any] = processor.expand(dict(document), _options())
    except Failure:
        raise
    except RecursionError as exc:
        raise invalid(CHECK, TOO_COMPLEX) from exc
    except _PYLD_ERRORS as exc:
        raise _explain(exc) from exc
    _reject_relative(expanded)
    return expanded


def _options() -> dict[str, Any]:
    return {
        "documentLoader": _static_loader,
        "base": None,
        "processingMode": "json-ld-1.1",
        "contextResolver": _Resolver(_RESOLVED_CONTEXTS, _static_loader),
    }


def _static_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The bundled contexts, tagged static: they never change, so pyld may share them."""
    loaded = document_loader(url, options)
    with _SCOPED_LOCK:
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
