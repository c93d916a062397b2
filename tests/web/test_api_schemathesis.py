"""Schemathesis against the OpenAPI description, in process over WSGI: no 5xx, no drift."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app, db
from app.models import Alert
from app.services import candidates as candidate_service
from app.services import intake, verification
from app.verification.fetcher import FetchFailure
from app.web.api import openapi
from app.web.api.verify import FETCHER_FACTORY
from tests.conftest import make_settings
from tests.support.api import token
from tests.support.builders import build_org
from tests.support.fakes import FakeFetcher, FakeRoute, status
from tests.support.ranking_builders import (
    PYTHON_URI,
    SQL_URI,
    alignment,
    build_credential,
    build_role,
    skill,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
schema = schemathesis.openapi.from_dict(openapi.document())
schema.config.generation.update(
    max_examples=25, with_security_parameters=False, database="none", deterministic=True
)


class Offline(FakeFetcher):
    """Every address is refused: generated URLs must never reach the network."""

    def fetch(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def, override]
        self.add(url, FakeRoute(error=FetchFailure.BLOCKED))
        return super().fetch(url, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def seeded(database_url: str) -> Iterator[tuple[Flask, str]]:
    """An app whose objects with id 1 exist (the description's examples), and a write token."""
    application = create_app(make_settings(database_url, api_rate_limit="100000 per minute"))
    db.migrate()
    application.extensions[FETCHER_FACTORY] = lambda _settings: Offline()
    org = build_org("Acme Hiring", "acme")
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    (credential,) = intake.add_urls(candidate, ["https://issuer.example/a/1"])
    verification.verify_credential(
        credential.id, FakeFetcher({"https://issuer.example/a/1": status(404)})
    )
    role = build_role(org, "Data Analyst", required=[skill(SQL_URI)], preferred=[skill(PYTHON_URI)])
    build_credential(candidate, "SQL Analytics", [alignment("SQL", SQL_URI)])
    Alert.create(organization=org, credential=credential, kind="changed", key="k", message="m")
    assert (candidate.id, credential.id, role.id) == (1, 1, 1)
    yield application, token(org, "write")
    db.db.close()


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_description(case: schemathesis.Case, seeded: tuple[Flask, str]) -> None:
    application, secret = seeded
    case.call_and_validate(
        app=application, headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS
    )
