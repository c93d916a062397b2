"""Bundled JSON-LD contexts: the verifier never fetches a context over the network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.verification import bundle

CONTENT_TYPE = "application/ld+json"


class UnknownContext(Exception):
    """A JSON-LD context URL that is not bundled; it is refused, never fetched."""

    def __init__(self, url: str) -> None:
        super().__init__(f"the JSON-LD context {url!r} is not one Skillproof knows")
        self.url = url


def manifest() -> Mapping[str, Mapping[str, Any]]:
    """The parsed manifest: context URL -> file, source, licence and sha256."""
    return bundle.manifest(__name__, "contexts")


def known_context_urls() -> frozenset[str]:
    """Every context URL the verifier can resolve offline."""
    return frozenset(manifest())


def load_context(url: str) -> dict[str, Any]:
    """The context document for `url` (a fresh copy), or UnknownContext.

    URLs match exactly: JSON-LD compares context URLs as strings and none of the
    specifications behind these contexts names an http, trailing-slash or other alias.
    """
    document = bundle.load(__name__, "contexts", url)  # a copy: JSON-LD rewrites contexts
    if document is None:
        raise UnknownContext(url)
    return document


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader serving only bundled contexts; anything else is a JsonLdError."""
    try:
        document = load_context(url)
    except UnknownContext as unknown:
        raise _load_error(unknown) from unknown
    return {
        "contentType": CONTENT_TYPE,
        "contextUrl": None,
        "documentUrl": url,
        "document": document,
    }


def unknown_context_in(error: BaseException) -> UnknownContext | None:
    """The UnknownContext behind a (pyld) error, if a missing context caused it."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, UnknownContext):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _load_error(unknown: UnknownContext) -> Exception:
    # Imported here so that reading a context does not load the whole JSON-LD processor.
    from pyld.jsonld import JsonLdError

    error: Exception = JsonLdError(
        f"{unknown}; contexts are bundled and never fetched.",
        "jsonld.LoadDocumentError",
        {"url": unknown.url},
        code="loading document failed",
    )
    return error
