"""The JSON Schemas of the OpenAPI description: every object the API reads or writes."""

from __future__ import annotations

from typing import Any

from app.models import CandidateState
from app.services import fraud
from app.verification.issuer_pages import ASSURANCE_LABEL
from app.verification.result import Verdict
from app.web.api.errors import CODES

Schema = dict[str, Any]

VERDICTS = [verdict.value for verdict in Verdict]
STATES = [state.value for state in CandidateState]
ERROR_CODES = [
    *CODES.values(),
    "invalid_json",
    "not_verified_yet",
    "invalid_idempotency_key",
    "idempotency_key_reused",
    "database_busy",
    "database_full",
]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def maybe(schema: Schema) -> Schema:
    """The schema, or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict[str, Schema], *, optional: tuple[str, ...] = (), **extra: Any) -> Schema:
    """An object whose properties are all required unless named in `optional`."""
    required = [name for name in properties if name not in optional]
    return {"type": "object", "properties": properties, "required": required, **extra}


STRING = {"type": "string"}
TEXT_OR_NULL = {"type": ["string", "null"]}
INTEGER = {"type": "integer"}
WHEN = {"type": "string", "format": "date-time"}
WHEN_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
ISO_OR_NULL = {"type": ["string", "null"], "description": "ISO 8601 date and time"}
VERDICT = {"type": "string", "enum": VERDICTS}
HTTP_URL = {"type": "string", "pattern": "^https?://", "maxLength": 2000, "format": "uri"}

CREDENTIAL_SOURCE = {
    "url": {
        **HTTP_URL,
        "description": "A hosted assertion, credential URL or badge page; or a Credly public "
        "profile or Badgr shared collection, which brings in each public badge.",
    },
    "document": {
        "description": "The credential itself: a JSON object, or text (JSON, compact JWS/JWT).",
        "anyOf": [{"type": "object"}, {"type": "string", "minLength": 1}],
    },
    "document_base64": {
        "type": "string",
        "contentEncoding": "base64",
        "minLength": 4,
        "description": "A credential file in base64: a baked PNG or SVG badge, JSON or JWS.",
    },
    "filename": {"type": "string", "maxLength": 255, "description": "Shown as its source."},
}
EXACTLY_ONE_SOURCE = [
    {"required": ["url"]},
    {"required": ["document"]},
    {"required": ["document_base64"]},
]


def schemas() -> dict[str, Schema]:
    """components.schemas."""
    return {
        "Error": obj(
            {
                "error": obj(
                    {
                        "code": {
                            **STRING,
                            "description": "Stable, for programs: "
                            + ", ".join(f"`{code}`" for code in ERROR_CODES)
                            + ".",
                        },
                        "message": {**STRING, "description": "Plain words for a person."},
                        "details": {
                            "type": "object",
                            "description": "For 422: `fields` maps each bad field to why.",
                        },
                    }
                )
            }
        ),
        "Pagination": obj(
            {
                "page": {**INTEGER, "minimum": 1},
                "per_page": {**INTEGER, "minimum": 1, "maximum": 100},
                "total": {**INTEGER, "minimum": 0},
                "pages": {**INTEGER, "minimum": 1},
            }
        ),
        "CredentialInput": {
            "type": "object",
            "description": "Exactly one of `url`, `document`, `document_base64`.",
            "properties": CREDENTIAL_SOURCE,
            "additionalProperties": False,
            "oneOf": EXACTLY_ONE_SOURCE,
        },
        "CandidateInput": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
                "emails": {
                    "type": "array",
                    "maxItems": 20,
                    "items": {"type": "string", "format": "email", "maxLength": 320},
                    "description": "Checked against each credential's recipient.",
                },
                "notes": {"type": "string", "maxLength": 10000},
                "credentials": {"type": "array", "maxItems": 50, "items": ref("CredentialInput")},
            },
            "required": ["name"],
            "additionalProperties": False,
        },
        "CandidateUpdate": {
            "type": "object",
            "description": "Only the fields given change; `emails` replaces the whole list.",
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
                "emails": {
                    "type": "array",
                    "maxItems": 20,
                    "items": {"type": "string", "format": "email", "maxLength": 320},
                },
                "notes": {"type": "string", "maxLength": 10000},
                "archived": {"type": "boolean"},
            },
            "additionalProperties": False,
        },
        "Candidate": obj(
            {
                "id": INTEGER,
                "name": STRING,
                "emails": {"type": "array", "items": STRING},
                "notes": STRING,
                "archived": {"type": "boolean"},
                "state": {
                    "type": "string",
                    "enum": STATES,
                    "description": "none: no credentials; pending: being verified; verified: "
                    "all verified; attention: at least one is not.",
                },
                "created_at": WHEN,
                "updated_at": WHEN,
                "credentials": {"type": "array", "items": ref("CredentialSummary")},
                "profiles": {
                    "type": "array",
                    "items": ref("ProfileImport"),
                    "description": "Profile links given as credentials; each becomes one "
                    "credential per public badge.",
                },
                "url": STRING,
                "signals": {
                    "type": "array",
                    "items": ref("Signal"),
                    "description": "Fraud signals: signs that a badge may not be the "
                    "candidate's own, or its issuer not who it claims to be. They never change "
                    "a verdict. Most serious first; empty when there are none.",
                },
            }
        ),
        "Signal": obj(
            {
                "kind": {
                    "type": "string",
                    "enum": [kind.value for kind in fraud.Kind],
                    "description": "shared_email: another candidate has the same address; "
                    "shared_credential: another candidate claims the same badge; "
                    "name_mismatch: the name on a credential is clearly not the candidate's; "
                    "lookalike_issuer: the issuer's name imitates one the organisation trusts, "
                    "from another origin or key; new_issuer_burst: many badges from an issuer "
                    f"first seen in the last {fraud.NEW_ISSUER_DAYS} days.",
                },
                "severity": {
                    "type": "string",
                    "enum": [severity.value for severity in fraud.Severity],
                    "description": "high: check before relying on the badge; medium: unusual.",
                },
                "text": {**STRING, "description": "One plain sentence for a recruiter."},
                "credential_ids": {
                    "type": "array",
                    "items": INTEGER,
                    "description": "This candidate's credentials the signal is about.",
                },
                "other_candidate_ids": {
                    "type": "array",
                    "items": INTEGER,
                    "description": "Other candidates involved (who share the address or badge).",
                },
            }
        ),
        "ProfileImport": obj(
            {
                "id": INTEGER,
                "url": TEXT_OR_NULL,
                "provider": {
                    "type": "string",
                    "description": "`Credly` (public profile) or `Canvas Credentials (Badgr)` "
                    "(shared collection).",
                },
                "handle": STRING,
                "status": {
                    "type": "string",
                    "enum": ["queued", "importing", "done", "failed"],
                    "description": "`done` once every page was read; `failed` says why in "
                    "`detail` (private, not found, unreachable).",
                },
                "found": {**INTEGER, "minimum": 0, "description": "Public badges listed."},
                "added": {**INTEGER, "minimum": 0, "description": "Of those, new credentials."},
                "detail": STRING,
            },
            description="A public profile or collection link that the worker reads and turns "
            "into one credential per public badge.",
        ),
        "CandidatePage": obj(
            {"data": {"type": "array", "items": ref("Candidate")}, "pagination": ref("Pagination")}
        ),
        "CredentialSummary": obj(
            {
                "id": INTEGER,
                "candidate_id": INTEGER,
                "source_url": TEXT_OR_NULL,
                "source_filename": TEXT_OR_NULL,
                "status": {
                    "type": "string",
                    "enum": ["queued", "verifying", "done"],
                    "description": "`done` once a verification has finished.",
                },
                "verdict": {
                    "type": ["string", "null"],
                    "enum": [*VERDICTS, None],
                    "description": "null until the first verification finishes.",
                },
                "stale": {
                    "type": "boolean",
                    "description": "The last good verdict, kept while the issuer is unreachable.",
                },
                "format": STRING,
                "assurance": {
                    "type": ["string", "null"],
                    "description": "Set where the verdict word would mislead: an issuer's "
                    "certificate page (format `issuer-page`) is shown as "
                    f"“{ASSURANCE_LABEL}” instead of `unsupported`.",
                },
                "issuer": obj({"name": STRING, "url": STRING}),
                "achievement": obj({"name": STRING, "type": STRING}),
                "issued_on": WHEN_OR_NULL,
                "expires": WHEN_OR_NULL,
                "last_checked_at": WHEN_OR_NULL,
                "next_check_at": WHEN_OR_NULL,
                "url": STRING,
            }
        ),
        "CredentialPage": obj(
            {
                "data": {"type": "array", "items": ref("CredentialSummary")},
                "pagination": ref("Pagination"),
            }
        ),
        "Credential": {
            "allOf": [
                ref("CredentialSummary"),
                obj(
                    {
                        "recipient": {
                            "type": "string",
                            "enum": ["matched", "mismatch", "not_checkable", "skipped"],
                        },
                        "recipient_detail": STRING,
                        "belongs_to": obj(
                            {
                                "state": {
                                    "type": "string",
                                    "enum": [
                                        "proven",
                                        "matched",
                                        "mismatch",
                                        "not_checkable",
                                        "skipped",
                                    ],
                                    "description": "From strongest: proven (the candidate "
                                    "confirmed the address or DID it was awarded to), matched "
                                    "(awarded to an address a recruiter gave), mismatch "
                                    "(someone else's), not_checkable, skipped.",
                                },
                                "detail": {
                                    **STRING,
                                    "examples": ["ada@example.com confirmed by a one-time code"],
                                },
                                "proven_at": {
                                    **ISO_OR_NULL,
                                    "description": "When the candidate proved it (proven only).",
                                },
                            },
                            description="Does the credential belong to its candidate?",
                        ),
                        "description": STRING,
                        "criteria": STRING,
                        "image_url": STRING,
                        "skills": {"type": "array", "items": ref("Skill")},
                        "checks": {"type": "array", "items": ref("Check")},
                        "result": maybe(ref("VerificationResult")),
                        "runs": {"type": "array", "items": ref("RunSummary")},
                    }
                ),
            ]
        },
        "RunSummary": obj(
            {
                "id": INTEGER,
                "trigger": {
                    "type": "string",
                    "description": "user, import, schedule, api or cli",
                },
                "started_at": WHEN,
                "finished_at": WHEN,
                "verdict": VERDICT,
                "elapsed_ms": {"type": "number"},
            }
        ),
        "Check": obj(
            {
                "id": {**STRING, "examples": ["signature", "revocation", "recipient"]},
                "outcome": {"type": "string", "enum": ["pass", "fail", "warn", "skip"]},
                "detail": {**STRING, "description": "Plain words a recruiter understands."},
                "verdict": {**VERDICT, "description": "The verdict a failed check leads to."},
            },
            optional=("verdict",),
        ),
        "Skill": obj(
            {"name": STRING, "framework": TEXT_OR_NULL, "code": TEXT_OR_NULL, "url": TEXT_OR_NULL}
        ),
        "Document": obj(
            {
                "url": STRING,
                "status": INTEGER,
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "content_type": TEXT_OR_NULL,
            }
        ),
        "VerificationResult": verification_result(),
        "Receipt": obj(
            {
                "credential_id": INTEGER,
                "run_id": INTEGER,
                "trigger": STRING,
                "triggered_by": {
                    "type": ["integer", "null"],
                    "description": "The user who asked for this run; null for schedules, tokens.",
                },
                "started_at": WHEN,
                "finished_at": WHEN,
                "verdict": VERDICT,
                "documents": {"type": "array", "items": ref("Document")},
                "result": ref("VerificationResult"),
            }
        ),
        "VerifyRequest": {
            "type": "object",
            "description": "Exactly one of `url`, `document`, `document_base64`.",
            "properties": {
                **CREDENTIAL_SOURCE,
                "emails": {
                    "type": "array",
                    "maxItems": 20,
                    "items": {"type": "string", "format": "email", "maxLength": 320},
                    "description": "The candidate's addresses; without them the recipient "
                    "check is skipped.",
                },
                "names": {
                    "type": "array",
                    "maxItems": 5,
                    "items": {"type": "string", "maxLength": 200},
                    "description": "The candidate's names, compared with the holder an "
                    "issuer's certificate page names (Coursera, edX, ...); without them that "
                    "check is skipped.",
                },
                "as_of": {
                    "type": "string",
                    "format": "date-time",
                    "description": "Judge dates as of this instant (default: now).",
                },
            },
            "additionalProperties": False,
            "oneOf": EXACTLY_ONE_SOURCE,
        },
    }


def verification_result() -> Schema:
    """The shape `skillproof verify --json` prints, one object per credential."""
    issuer = obj({key: TEXT_OR_NULL for key in ("id", "name", "url", "email", "image")})
    achievement = obj(
        {
            **{
                key: TEXT_OR_NULL
                for key in ("id", "name", "type", "description", "criteria", "image")
            },
            "tags": {"type": "array", "items": STRING},
            "credits": {"type": ["number", "null"]},
            "results": {"type": "array", "items": STRING},
        }
    )
    return obj(
        {
            "target": {**STRING, "description": "The URL, or the document's file name."},
            "verdict": VERDICT,
            "format": {**STRING, "examples": ["ob2-hosted", "ob3-vc-di", "unknown"]},
            "checks": {"type": "array", "items": ref("Check")},
            "recipient": {
                "type": "string",
                "enum": ["matched", "mismatch", "not_checkable", "skipped"],
            },
            "recipient_detail": TEXT_OR_NULL,
            "awarded_to": {
                "type": "array",
                "items": obj({"identity": STRING, "hashed": {"type": "boolean"}, "salt": STRING}),
                "description": "The e-mail identities the credential is awarded to, as it "
                "states them: a plain address, or a hash with its salt.",
            },
            "issuer": maybe(issuer),
            "achievement": maybe(achievement),
            "skills": {"type": "array", "items": ref("Skill")},
            "issued_on": ISO_OR_NULL,
            "expires": ISO_OR_NULL,
            "checked_at": ISO_OR_NULL,
            "credential_id": TEXT_OR_NULL,
            "documents": {"type": "array", "items": ref("Document")},
            "nested": {
                "type": "array",
                "items": ref("VerificationResult"),
                "description": "Credentials inside this one (a CLR's achievements).",
            },
            "elapsed_ms": {"type": "number", "minimum": 0},
        },
        optional=("awarded_to",),
    )
