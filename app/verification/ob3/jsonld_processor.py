"""pyld's processor, imported without what its package's `__init__` loads on import: every
document loader (requests, aiohttp, a file loader with urllib.request and the e-mail parser, a
SQLite cache), which Skillproof never uses (contexts are bundled, never fetched) and which cost
a tenth of a second of every OB 3.0 verification's start-up. The package is registered bare (its
path only) so that its submodules import as usual; the requests and aiohttp loaders are marked
absent while pyld.jsonld looks for a default one.
"""

from __future__ import annotations

import importlib.util
import sys
import types

# pyld.jsonld picks a default loader on import: each of these modules imports its library
# (aiohttp's first loads asyncio) only to find it absent.
_UNUSED_LOADERS = (
    "requests",
    "aiohttp",
    "pyld.documentloader.requests",
    "pyld.documentloader.aiohttp",
)


def _absent(names: tuple[str, ...]) -> list[str]:
    """Mark not-yet-imported modules as missing (None in sys.modules makes import fail)."""
    missing = [name for name in names if name not in sys.modules]
    for name in missing:
        sys.modules[name] = None  # type: ignore[assignment]
    return missing


def _bare_package(name: str) -> None:
    """Register package `name` without running its __init__ (unless it is imported already)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.submodule_search_locations is None:
        return  # not installed: the import below says so
    package = types.ModuleType(name, "pyld, registered without its package __init__")
    package.__path__ = list(spec.submodule_search_locations)
    package.__spec__ = spec
    package.__file__ = spec.origin
    sys.modules[name] = package


_hidden = _absent(_UNUSED_LOADERS)
try:
    _bare_package("pyld")
    from pyld import jsonld
    from pyld.canon import URDNA2015
    from pyld.context_resolver import ContextResolver
finally:
    for _name in _hidden:  # whoever imports them later gets the real modules
        if sys.modules.get(_name) is None:
            del sys.modules[_name]

__all__ = ["URDNA2015", "ContextResolver", "jsonld"]
