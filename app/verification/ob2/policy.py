"""The issuer's hosted-verification policy: where its hosted badges may live."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app.verification.ob2.documents import is_web_url

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class PolicyOutcome:
    allowed: bool
    detail: str


def check_origin(
    assertion_id: str, issuer: Mapping[str, Any], issuer_url: str | None
) -> PolicyOutcome:
    """Whether the issuer's policy (or, without one, its own origin) admits this assertion URL."""
    policy = issuer.get("verification")
    policy = policy if isinstance(policy, Mapping) else {}
    prefixes = _strings(policy.get("startsWith"))
    if prefixes and not any(_starts_with(assertion_id, p) for p in prefixes):
        allowed = ", ".join(prefixes[:5])
        return PolicyOutcome(
            False,
            f"the issuer only hosts its badges under {allowed}; this one is at {assertion_id}",
        )
    origins = _strings(policy.get("allowedOrigins"))
    if origins:
        return _check_allowed(assertion_id, origins)
    if prefixes:
        return PolicyOutcome(True, "served from an address the issuer allows")
    return _check_default(assertion_id, issuer, issuer_url)


def _check_allowed(assertion_id: str, origins: list[str]) -> PolicyOutcome:
    here = _authority(assertion_id)
    if any(_entry_authority(entry) == here for entry in origins):
        return PolicyOutcome(True, f"served from {_show(here)}, an origin the issuer allows")
    allowed = ", ".join(origins[:5])
    return PolicyOutcome(False, f"served from {_show(here)}, but the issuer only allows {allowed}")


def _check_default(
    assertion_id: str, issuer: Mapping[str, Any], issuer_url: str | None
) -> PolicyOutcome:
    issuer_id = issuer.get("id")
    home = next((u for u in (issuer_id, issuer_url, issuer.get("url")) if is_web_url(u)), None)
    if home is None:
        return PolicyOutcome(
            False, "the issuer has no web address, so the badge's host cannot be checked"
        )
    here, theirs = _authority(assertion_id), _authority(str(home))
    if here == theirs:
        return PolicyOutcome(True, f"served from the issuer's own site ({_show(here)})")
    return PolicyOutcome(
        False, f"served from {_show(here)}, not from the issuer's site ({_show(theirs)})"
    )


def _starts_with(value: str, prefix: str) -> bool:
    """A prefix match that ends at a path boundary, so example.org never admits example.org.evil."""
    if not prefix or not value.startswith(prefix):
        return False
    rest = value[len(prefix) :]
    return not rest or prefix.endswith("/") or rest[0] in "/?#"


def _authority(url: str) -> tuple[str, int | None]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ("", None)
    if port == _DEFAULT_PORTS.get(parts.scheme):
        port = None
    return ((parts.hostname or "").lower(), port)


def _entry_authority(entry: str) -> tuple[str, int | None]:
    return _authority(entry if "://" in entry else f"//{entry}")


def _show(authority: tuple[str, int | None]) -> str:
    host, port = authority
    return f"{host}:{port}" if port else host


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values[:100] if isinstance(v, str) and v]
