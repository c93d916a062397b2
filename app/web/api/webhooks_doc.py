"""The webhook events Skillproof sends (app/services/webhooks.py), for the OpenAPI description."""

from __future__ import annotations

from typing import Any

from app.services.webhooks import SIGNATURE_HEADER
from app.web.api.openapi_schemas import VERDICTS, Schema, obj, ref

VERIFY_EXAMPLE = f'''\
```python
import hashlib, hmac

def is_from_skillproof(secret: str, body: bytes, header: str) -> bool:
    """`body` is the raw request body, exactly as received; `header` is {SIGNATURE_HEADER}."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)
```
'''
DESCRIPTION = f"""\
When the operator sets `SKILLPROOF_WEBHOOK_URL`, Skillproof POSTs every new alert there as
JSON: a credential's verdict changed (for example `verified` → `revoked`), its issuer has not
answered for days, or it expires soon. Any 2xx answer is a delivery; anything else (or no
answer within 10 s) is retried with exponential backoff, 8 attempts in all. Deliveries may
repeat: use `id` to ignore one you have already processed.

**Signature.** With `SKILLPROOF_WEBHOOK_SECRET` set, each call carries
`{SIGNATURE_HEADER}: sha256=<hex>`, the HMAC-SHA256 of the exact request body with that
secret. Compute it over the raw bytes before parsing the JSON, compare in constant time, and
refuse the call when it differs:

{VERIFY_EXAMPLE}
Then read the credential with `GET /api/v1/credentials/{{credential_id}}`.
"""


EXAMPLE = {
    "id": 42,
    "organization": 1,
    "kind": "changed",
    "credential_id": 7,
    "run_id": 19,
    "from_verdict": "verified",
    "to_verdict": "revoked",
    "message": "Ada Lovelace: SQL Analytics is now revoked (was verified).",
    "created_at": "2026-11-28T02:00:12+00:00",
}


def schemas() -> dict[str, Schema]:
    """components.schemas for the webhook body."""
    verdict_or_null = {"type": ["string", "null"], "enum": [*VERDICTS, None]}
    return {
        "AlertEvent": obj(
            {
                "id": {"type": "integer", "description": "The alert's id (the same in /alerts)."},
                "organization": {"type": "integer"},
                "kind": {"type": "string", "enum": ["changed", "unreachable", "expiring"]},
                "credential_id": {"type": "integer"},
                "run_id": {"type": ["integer", "null"]},
                "from_verdict": verdict_or_null,
                "to_verdict": verdict_or_null,
                "message": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
            }
        )
    }


def webhooks() -> dict[str, Any]:
    """The top-level `webhooks` object of OpenAPI 3.1."""
    return {
        "alert": {
            "post": {
                "operationId": "alert_event",
                "summary": "An alert about a credential",
                "description": DESCRIPTION,
                "parameters": [
                    {
                        "name": SIGNATURE_HEADER,
                        "in": "header",
                        "required": False,
                        "description": "sha256=<hex HMAC-SHA256 of the body>; present when a "
                        "secret is configured.",
                        "schema": {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": ref("AlertEvent"), "example": EXAMPLE}
                    },
                },
                "responses": {"2XX": {"description": "Received; anything else is retried."}},
            }
        }
    }
