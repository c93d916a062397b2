"""Bundled JSON Schemas for credentials: the verifier never fetches a schema over the network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.verification import bundle


def manifest() -> Mapping[str, Mapping[str, Any]]:
    """The parsed manifest: schema URL -> file, title, source, licence and sha256."""
    return bundle.manifest(__name__, "schemas")


def known_schema_urls() -> frozenset[str]:
    """Every schema URL the verifier can validate against offline."""
    return frozenset(manifest())


def load_schema(url: str) -> dict[str, Any] | None:
    """The bundled schema for `url` (a fresh copy), or None; URLs match exactly."""
    return bundle.load(__name__, "schemas", url)
