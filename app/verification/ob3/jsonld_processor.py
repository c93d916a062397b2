"""pyld, imported without `requests`: on import it builds a default document loader from
`requests` (or `aiohttp`), which Skillproof never uses (contexts are bundled, never fetched)
and which would add a tenth of a second to every OB 3.0 verification's start-up.
"""

from __future__ import annotations

import sys

_UNUSED_LOADERS = ("requests", "aiohttp")


def _absent(names: tuple[str, ...]) -> list[str]:
    """Mark not-yet-imported modules as missing (None in sys.modules makes import fail)."""
    missing = [name for name in names if name not in sys.modules]
    for name in missing:
        sys.modules[name] = None  # type: ignore[assignment]
    return missing


_hidden = _absent(_UNUSED_LOADERS)
try:
    from pyld import jsonld
    from pyld.canon import URDNA2015
    from pyld.context_resolver import ContextResolver
finally:
    for _name in _hidden:  # whoever imports them later gets the real modules
        if sys.modules.get(_name) is None:
            del sys.modules[_name]

__all__ = ["URDNA2015", "ContextResolver", "jsonld"]
