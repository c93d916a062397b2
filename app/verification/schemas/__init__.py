"""Bundled JSON Schemas for credentials: the verifier never fetches a schema over the network."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

MANIFEST = "manifest.json"


@cache
def manifest() -> Mapping[str, Mapping[str, Any]]:
    """The parsed manifest: schema URL -> file, title, source, licence and sha256."""
    text = resources.files(__name__).joinpath(MANIFEST).read_text(encoding="utf-8")
    entries: dict[str, Mapping[str, Any]] = json.loads(text)["schemas"]
    return entries


@cache
def _document(filename: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def known_schema_urls() -> frozenset[str]:
    """Every schema URL the verifier can validate against offline."""
    return frozenset(manifest())


def load_schema(url: str) -> dict[str, Any] | None:
    """The bundled schema for `url` (a fresh copy), or None; URLs match exactly."""
    entry = manifest().get(url)
    return copy.deepcopy(_document(entry["file"])) if entry else None
