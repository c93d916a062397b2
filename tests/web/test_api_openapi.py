"""The OpenAPI description: valid 3.1, in step with the URL map, and a readable reference."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from app.services import webhooks
from app.web.api import openapi
from app.web.api.webhooks_doc import VERIFY_EXAMPLE
from tests.support.api import api_routes

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _described() -> set[tuple[str, str]]:
    document = openapi.document()
    return {
        (method.upper(), "/api/v1" + path)
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def _routed() -> set[tuple[str, str]]:
    as_openapi = {
        (method, re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule))
        for _, method, rule in api_routes()
    }
    return as_openapi


def test_the_description_is_valid_openapi_3_1() -> None:
    document = openapi.document()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_route_is_described() -> None:
    assert _routed() - _described() == set()


def test_every_described_operation_exists() -> None:
    assert _described() - _routed() == set()


def test_operation_ids_are_the_view_names() -> None:
    endpoints = {endpoint.removeprefix("api.") for endpoint, _, _ in api_routes()}
    ids = {
        op["operationId"]
        for item in openapi.document()["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
    }
    assert ids == endpoints


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(value) for value in node))
    return set()


def test_every_reference_resolves() -> None:
    document = openapi.document()
    for target in _refs(document):
        section, name = target.removeprefix("#/components/").split("/")
        assert name in document["components"][section], target


def test_the_served_description_is_public_json(app: Flask) -> None:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json == openapi.document()


@pytest.fixture
def reference(app: Flask) -> FlaskClient:
    return app.test_client()


def test_the_reference_page_lists_every_operation_and_object(reference: FlaskClient) -> None:
    page = reference.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    document = openapi.document()
    for item in document["paths"].values():
        for op in item.values():
            assert f'id="op-{op["operationId"]}"' in page.text, op["operationId"]
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in page.text, name
    assert "<script" not in page.text.split("</head>")[1]  # server-rendered, nothing to run


def test_the_reference_documents_the_webhook_signature(reference: FlaskClient) -> None:
    page = reference.get("/api/v1/docs").text
    assert 'id="webhook-alert"' in page and webhooks.SIGNATURE_HEADER in page
    assert "hmac.compare_digest" in page


def test_the_signature_example_accepts_real_signatures_and_refuses_others() -> None:
    code = VERIFY_EXAMPLE.split("```python\n")[1].split("```")[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # the documented example itself, run against the sender's code
    check = namespace["is_from_skillproof"]
    body = b'{"id": 7, "kind": "changed"}'
    good = webhooks.signature("s3cret", body)
    assert check("s3cret", body, good)
    assert not check("s3cret", body + b" ", good)
    assert not check("other", body, good)


def test_the_webhook_schema_matches_the_payload_sent(app: Flask) -> None:
    from app.models import Alert
    from app.services import candidates as candidate_service
    from app.services import intake
    from tests.support.builders import build_org

    org = build_org("Acme", "acme")
    (credential,) = intake.add_urls(
        candidate_service.create(org, "Ada", []), ["https://issuer.example/a/1"]
    )
    alert = Alert.create(
        organization=org,
        credential=credential,
        kind="changed",
        key="k",
        message="m",
        from_verdict="verified",
        to_verdict="revoked",
    )
    schema = openapi.document()["components"]["schemas"]["AlertEvent"]
    jsonschema.validate(webhooks.payload(alert), schema)
    assert set(schema["properties"]) == set(webhooks.payload(alert))


def test_every_error_code_the_views_raise_is_documented() -> None:
    from pathlib import Path

    import app.web.api as package

    sources = "".join(path.read_text() for path in Path(package.__file__).parent.glob("*.py"))
    raised = set(re.findall(r'code="([a-z_]+)"', sources))
    documented = openapi.document()["components"]["schemas"]["Error"]["properties"]["error"]
    assert raised and all(
        f"`{code}`" in documented["properties"]["code"]["description"] for code in raised
    )


def _examples(
    node: Any, found: list[tuple[dict[str, Any], Any]]
) -> list[tuple[dict[str, Any], Any]]:
    """Every (schema, example) pair of a media type in the description."""
    if isinstance(node, dict):
        if "schema" in node and "example" in node:
            found.append((node["schema"], node["example"]))
        for value in node.values():
            _examples(value, found)
    return found


def test_every_example_matches_its_schema() -> None:
    document = openapi.document()
    examples = _examples(document, [])
    assert len(examples) >= 8
    for schema, example in examples:
        root = {**schema, "components": document["components"]}
        jsonschema.Draft202012Validator(
            root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        ).validate(example)


def test_the_reference_shows_example_responses(reference: FlaskClient) -> None:
    page = reference.get("/api/v1/docs").text
    assert page.count("Example response") >= 6 and "validation_failed" in page
