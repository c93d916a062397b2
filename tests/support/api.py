"""Helpers for the API tests: tokens, headers, and the API's routes without an app."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from app.models import Organization
from app.services import api_tokens

PUBLIC = {"api.openapi_document", "api.reference"}
READ_METHODS = {"GET"}


def token(organization: Organization | int, scope: str = "write", name: str = "ATS") -> str:
    """A new token's secret."""
    return api_tokens.create(organization, name, scope).secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def api_routes() -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every API route, read from the blueprint alone."""
    from app.web import api

    probe = Flask("probe")
    probe.register_blueprint(api.bp)
    routes = []
    for rule in probe.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule.rule))
    return sorted(routes)


def fill(rule: str, ids: dict[str, Any]) -> str:
    """The rule with each <converter:name_id> replaced by ids[name_id]."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(ids[m.group(1)]), rule)


def route_id(route: tuple[str, str, str]) -> str:
    endpoint, method, _ = route
    return f"{method}-{endpoint.removeprefix('api.')}"
