"""The OpenAPI 3.1 description of /api/v1, written here; a test holds it to the URL map."""

from __future__ import annotations

from typing import Any

from app import __version__
from app.web.api import openapi_examples, openapi_ranking, webhooks_doc
from app.web.api.openapi_schemas import Schema, ref, schemas

ERRORS = {
    400: ("BadRequest", "The body is not valid JSON, or the Idempotency-Key is unusable."),
    401: ("Unauthorized", "No token, an unknown token, or a revoked token."),
    403: ("Forbidden", "A read token asked to write."),
    404: ("NotFound", "No such object in the token's organisation."),
    409: ("Conflict", "The request conflicts with the object's state."),
    413: ("PayloadTooLarge", "The body is larger than 4 MiB."),
    415: ("UnsupportedMediaType", "The body is not application/json."),
    422: ("ValidationFailed", "Fields or query parameters are not valid; see details.fields."),
    429: ("RateLimited", "Too many requests for this token; see Retry-After."),
    503: (
        "ServiceUnavailable",
        "The database is busy (`database_busy`) or out of space (`database_full`); nothing was "
        "changed. Retry after `Retry-After` seconds, with the same `Idempotency-Key`.",
    ),
}
INTRO = """\
Skillproof verifies candidates' digital badges and micro-credentials (Open Badges 0.5-3.0,
CLR 2.0, Verifiable Credentials). This API lets an applicant-tracking system (Greenhouse,
Lever, Workday, ...) push candidates and their credential links or documents, read verdicts
with the checks and evidence behind them, verify one credential on the spot, and read role
rankings and alerts.

**Authentication.** An admin creates a token under Settings → API tokens (or
`skillproof create-token --org SLUG --name NAME --scope read|write`); it is shown once.
Send it on every request as `Authorization: Bearer sp_...`. A `read` token may only `GET`;
a `write` token may do everything. A revoked token is refused from the next request on.
Every request is recorded in the organisation's audit trail.

**Scope.** A token sees only its own organisation: any other object id answers 404.

**Errors** always have the shape `{"error": {"code", "message", "details"}}`; a 422 lists
each bad field in `details.fields`.

**Pagination.** Lists take `page` (from 1) and `per_page` (1-100, default 25) and answer
`{"data": [...], "pagination": {"page", "per_page", "total", "pages"}}`.

**Rate limits** are per token (600 requests a minute unless the operator changed
`SKILLPROOF_API_RATE_LIMIT`); past it the answer is 429 with `Retry-After` in seconds.

**Retries.** Every write (POST, PATCH, DELETE) takes an optional `Idempotency-Key` header
(1-255 printable characters; a UUID is ideal). The change, its audit entry and the stored
answer commit together: a repeat of the same request with the same key within 24 hours gets
the first answer again (marked `Idempotent-Replayed: true`) and changes nothing; the same key
with a different request is a 422 `idempotency_key_reused`. A 503 means nothing was changed.

**Verification is asynchronous** except `POST /verify`: a credential added to a candidate is
queued (`status: queued`), then `verifying`, then `done` with a `verdict`. Poll the
credential, or subscribe to the webhook below.
"""


def document() -> dict[str, Any]:
    """The whole description, as served at /api/v1/openapi.json."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Skillproof API", "version": __version__, "description": INTRO},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": "candidates", "description": "Candidates and the credentials they hold."},
            {"name": "credentials", "description": "Verdicts, checks, evidence, receipts."},
            {"name": "verify", "description": "Verify one credential synchronously."},
            *openapi_ranking.TAGS,
        ],
        "paths": _idempotent_writes(_forbid_writes(paths())),
        "webhooks": webhooks_doc.webhooks(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token created by an admin of the organisation.",
                }
            },
            "schemas": {**schemas(), **openapi_ranking.schemas(), **webhooks_doc.schemas()},
            "responses": _error_responses(),
            "parameters": {
                "page": _query("page", {"type": "integer", "minimum": 1, "maximum": 100000}),
                "per_page": _query(
                    "per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 25}
                ),
                "idempotencyKey": {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                    "description": "Send the same key again to repeat the request safely.",
                },
            },
        },
    }


def _forbid_writes(all_paths: dict[str, Any]) -> dict[str, Any]:
    """Every operation but a GET may answer 403: a read token asked to write."""
    for item in all_paths.values():
        for method, op in item.items():
            if method != "get" and op.get("security") != []:
                op["responses"]["403"] = {"$ref": "#/components/responses/Forbidden"}
                op["responses"] = dict(sorted(op["responses"].items()))
    return all_paths


def _idempotent_writes(all_paths: dict[str, Any]) -> dict[str, Any]:
    """Every write takes an Idempotency-Key (a bad one is a 400, a reused one a 422) and may
    meet a 503."""
    key = {"$ref": "#/components/parameters/idempotencyKey"}
    for item in all_paths.values():
        for method, op in item.items():
            if method == "get" or op.get("security") == []:
                continue
            op["parameters"] = [*op.get("parameters", []), key]
            op["responses"]["400"] = {"$ref": "#/components/responses/BadRequest"}
            op["responses"]["422"] = {"$ref": "#/components/responses/ValidationFailed"}
            op["responses"]["503"] = {"$ref": "#/components/responses/ServiceUnavailable"}
            op["responses"] = dict(sorted(op["responses"].items()))
    return all_paths


def _error_responses() -> dict[str, Any]:
    responses = {
        name: {
            "description": description,
            "content": {"application/json": {"schema": ref("Error")}},
        }
        for name, description in ERRORS.values()
    }
    example = openapi_examples.VALIDATION_ERROR
    responses["ValidationFailed"]["content"]["application/json"]["example"] = example
    return responses


def _query(name: str, schema: Schema, description: str = "") -> dict[str, Any]:
    parameter = {"name": name, "in": "query", "required": False, "schema": schema}
    return {**parameter, "description": description} if description else parameter


def _id(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
        "example": 1,
    }


def _json(schema: Schema, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def operation(
    operation_id: str,
    tag: str,
    summary: str,
    ok: tuple[int, Schema | None, str],
    *,
    description: str = "",
    parameters: list[dict[str, Any]] | None = None,
    body: Schema | None = None,
    errors: tuple[int, ...] = (),
    also: dict[int, tuple[Schema, str]] | None = None,
) -> dict[str, Any]:
    """One operation; 401 and 429 apply to all, a body adds 400/413/415/422; `also` documents
    another success answer."""
    status, schema, ok_description = ok
    codes = {401, 429, *errors}
    if body is not None:
        codes |= {400, 413, 415, 422}
    if any(p.get("in") == "path" for p in parameters or []):
        codes.add(404)
    responses: dict[str, Any] = {
        str(status): _json(schema, ok_description) if schema else {"description": ok_description}
    }
    if operation_id in openapi_examples.BY_OPERATION and schema:
        example = openapi_examples.BY_OPERATION[operation_id]
        responses[str(status)]["content"]["application/json"]["example"] = example
    for code, (other, other_description) in (also or {}).items():
        responses[str(code)] = _json(other, other_description)
    for code in sorted(codes):
        responses[str(code)] = {"$ref": f"#/components/responses/{ERRORS[code][0]}"}
    result: dict[str, Any] = {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        "responses": responses,
    }
    if description:
        result["description"] = description
    if parameters:
        result["parameters"] = parameters
    if body is not None:
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    return result


PAGE = [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]


def paths() -> dict[str, Any]:
    """Every path under /api/v1, relative to the server URL."""
    candidate, credential = _id("candidate_id"), _id("credential_id")
    return {
        "/candidates": {
            "get": operation(
                "list_candidates",
                "candidates",
                "List candidates",
                (200, ref("CandidatePage"), "One page of candidates, newest first."),
                parameters=[
                    *PAGE,
                    _query("q", {"type": "string", "maxLength": 200}, "Part of a name or e-mail."),
                    _query(
                        "state",
                        {"type": "string", "enum": ["none", "pending", "verified", "attention"]},
                    ),
                    _query(
                        "archived",
                        {"type": "string", "enum": ["true", "false"], "default": "false"},
                    ),
                ],
                errors=(422,),
            ),
            "post": operation(
                "create_candidate",
                "candidates",
                "Create a candidate",
                (201, ref("Candidate"), "Created; `Location` is its address."),
                description="With e-mail addresses and any credentials, each queued for "
                "verification. A credential given twice is added once.",
                body=ref("CandidateInput"),
            ),
        },
        "/candidates/{candidate_id}": {
            "get": operation(
                "show_candidate",
                "candidates",
                "Show a candidate",
                (200, ref("Candidate"), "The candidate with every credential."),
                parameters=[candidate],
            ),
            "patch": operation(
                "update_candidate",
                "candidates",
                "Update a candidate",
                (200, ref("Candidate"), "The candidate as it is now."),
                parameters=[candidate],
                body=ref("CandidateUpdate"),
            ),
            "delete": operation(
                "delete_candidate",
                "candidates",
                "Delete a candidate",
                (
                    204,
                    None,
                    "Deleted with every credential, run and document (privacy erasure); "
                    "an audit entry records that it happened.",
                ),
                parameters=[candidate],
            ),
        },
        "/candidates/{candidate_id}/credentials": {
            "get": operation(
                "list_credentials",
                "credentials",
                "List a candidate's credentials",
                (200, ref("CredentialPage"), "One page of credentials, oldest first."),
                parameters=[candidate, *PAGE],
                errors=(422,),
            ),
            "post": operation(
                "add_credential",
                "credentials",
                "Add a credential to a candidate",
                (201, ref("CredentialSummary"), "Queued for verification."),
                description="409 when the candidate already has it (`details.credential_id`). "
                "A Credly public profile or Badgr shared collection link answers 202 with the "
                "queued profile import instead; its badges appear as the worker reads it.",
                parameters=[candidate],
                body=ref("CredentialInput"),
                errors=(409,),
                also={202: (ref("ProfileImport"), "A profile link, queued to be read.")},
            ),
        },
        "/credentials/{credential_id}": {
            "get": operation(
                "show_credential",
                "credentials",
                "Show a credential",
                (200, ref("Credential"), "Verdict, checks, evidence and run history."),
                parameters=[credential],
            ),
        },
        "/credentials/{credential_id}/verify": {
            "post": operation(
                "reverify_credential",
                "credentials",
                "Verify a credential again",
                (202, ref("CredentialSummary"), "Queued; poll the credential until `done`."),
                parameters=[credential],
            ),
        },
        "/credentials/{credential_id}/receipt": {
            "get": operation(
                "credential_receipt",
                "credentials",
                "A credential's verification receipt",
                (200, ref("Receipt"), "The last run in full with every fetched document's hash."),
                description="409 `not_verified_yet` until the first verification finishes.",
                parameters=[credential],
                errors=(409,),
            ),
        },
        "/verify": {
            "post": operation(
                "verify_now",
                "verify",
                "Verify one credential now",
                (
                    200,
                    ref("VerificationResult"),
                    "The same object `skillproof verify --json` prints. Past the time limit "
                    "the verdict is `unreachable` (check `time-limit`).",
                ),
                description="Synchronous, with a time limit (20 s unless the operator changed "
                "`SKILLPROOF_API_VERIFY_SECONDS`). Nothing is stored.",
                body=ref("VerifyRequest"),
            ),
        },
        **openapi_ranking.paths(operation, _id, _query, PAGE),
        "/openapi.json": {
            "get": {
                "operationId": "openapi_document",
                "tags": ["reference"],
                "summary": "This description",
                "security": [],
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/docs": {
            "get": {
                "operationId": "reference",
                "tags": ["reference"],
                "summary": "The reference page, rendered from this description",
                "security": [],
                "responses": {
                    "200": {
                        "description": "HTML",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
    }
