"""Documents shipped inside the package, listed by URL in a manifest with their SHA-256."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

MANIFEST = "manifest.json"


@cache
def manifest(package: str, section: str) -> Mapping[str, Mapping[str, Any]]:
    """The manifest's `section`: URL -> file, source, licence and sha256."""
    text = resources.files(package).joinpath(MANIFEST).read_text(encoding="utf-8")
    entries: dict[str, Mapping[str, Any]] = json.loads(text)[section]
    return entries


def load(package: str, section: str, url: str) -> dict[str, Any] | None:
    """A fresh copy of the document bundled for `url` (callers may change it), or None."""
    entry = manifest(package, section).get(url)
    return copy.deepcopy(_document(package, entry["file"])) if entry else None


@cache
def _document(package: str, filename: str) -> dict[str, Any]:
    text = resources.files(package).joinpath(filename).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document
