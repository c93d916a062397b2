"""Example bodies for the reference page; a test validates each against its schema."""

from __future__ import annotations

from typing import Any

BADGE = "https://badges.example.org/assertions/42"
WHEN = "2026-11-28T09:30:00+00:00"

CHECKS = [
    {"id": "fetch", "outcome": "pass", "detail": "the badge was found at its address"},
    {"id": "signature", "outcome": "pass", "detail": "served from the issuer's own site"},
    {"id": "revocation", "outcome": "pass", "detail": "not revoked by the issuer"},
    {"id": "recipient", "outcome": "pass", "detail": "awarded to ada@example.com"},
]
RESULT: dict[str, Any] = {
    "target": BADGE,
    "verdict": "verified",
    "format": "ob2-hosted",
    "assurance": None,
    "checks": CHECKS,
    "recipient": "matched",
    "recipient_detail": "ada@example.com",
    "awarded_to": [{"identity": "ada@example.com", "hashed": False, "salt": ""}],
    "issuer": {
        "id": "https://badges.example.org/issuer",
        "name": "Example Academy",
        "url": "https://academy.example",
        "email": None,
        "image": None,
    },
    "achievement": {
        "id": "https://badges.example.org/badges/sql",
        "name": "SQL Analytics",
        "type": "BadgeClass",
        "description": "Writes analytical SQL queries.",
        "criteria": "Passed the final assessment.",
        "image": "https://badges.example.org/badges/sql.png",
        "tags": ["sql"],
        "credits": None,
        "results": [],
    },
    "skills": [
        {
            "name": "SQL",
            "framework": "ESCO",
            "code": None,
            "url": "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742",
        }
    ],
    "issued_on": "2025-03-14T00:00:00+00:00",
    "expires": None,
    "checked_at": WHEN,
    "credential_id": BADGE,
    "documents": [
        {
            "url": BADGE,
            "status": 200,
            "sha256": "9f2c0d6b1f0e4a5c8e7d3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a291807f6e",
            "content_type": "application/ld+json",
        }
    ],
    "nested": [],
    "elapsed_ms": 182.4,
}
CREDENTIAL_SUMMARY: dict[str, Any] = {
    "id": 7,
    "candidate_id": 3,
    "source_url": BADGE,
    "source_filename": None,
    "status": "queued",
    "verdict": None,
    "stale": False,
    "format": "",
    "assurance": None,
    "issuer": {"name": "", "url": ""},
    "achievement": {"name": "", "type": ""},
    "issued_on": None,
    "expires": None,
    "last_checked_at": None,
    "next_check_at": WHEN,
    "url": "/api/v1/credentials/7",
}
CANDIDATE: dict[str, Any] = {
    "id": 3,
    "name": "Ada Lovelace",
    "emails": ["ada@example.com"],
    "notes": "",
    "archived": False,
    "state": "pending",
    "created_at": WHEN,
    "updated_at": WHEN,
    "credentials": [CREDENTIAL_SUMMARY],
    "profiles": [
        {
            "id": 1,
            "url": "https://www.credly.com/users/ada-lovelace/badges",
            "provider": "Credly",
            "handle": "ada-lovelace",
            "status": "done",
            "found": 12,
            "added": 12,
            "detail": "",
        }
    ],
    "url": "/api/v1/candidates/3",
    "signals": [
        {
            "kind": "lookalike_issuer",
            "severity": "high",
            "text": "“Cloud Practitioner” was issued by “Amazоn Web Services” at "
            "badges.example.net. That name is made to look like your trusted issuer "
            "“Amazon Web Services” at aws.amazon.com, yet it is a different issuer.",
            "credential_ids": [7],
            "other_candidate_ids": [],
        }
    ],
}
CREDENTIAL: dict[str, Any] = {
    **CREDENTIAL_SUMMARY,
    "status": "done",
    "verdict": "verified",
    "format": "ob2-hosted",
    "assurance": None,
    "issuer": {"name": "Example Academy", "url": "https://academy.example"},
    "achievement": {"name": "SQL Analytics", "type": "BadgeClass"},
    "issued_on": "2025-03-14T00:00:00+00:00",
    "last_checked_at": WHEN,
    "next_check_at": "2026-11-29T09:30:00+00:00",
    "recipient": "matched",
    "recipient_detail": "ada@example.com",
    "belongs_to": {
        "state": "proven",
        "detail": "ada@example.com confirmed by a one-time code",
        "proven_at": WHEN,
    },
    "description": "Writes analytical SQL queries.",
    "criteria": "Passed the final assessment.",
    "image_url": "https://badges.example.org/badges/sql.png",
    "skills": RESULT["skills"],
    "checks": CHECKS,
    "result": RESULT,
    "runs": [
        {
            "id": 11,
            "trigger": "api",
            "started_at": WHEN,
            "finished_at": WHEN,
            "verdict": "verified",
            "elapsed_ms": 182.4,
        }
    ],
}
RANKING: dict[str, Any] = {
    "role_id": 2,
    "policy_version": "2026.12-3",
    "computed_at": WHEN,
    "data": [
        {
            "position": 1,
            "candidate_id": 3,
            "name": "Ada Lovelace",
            "score": 71.43,
            "meets_required": True,
            "coverage": 0.5,
            "missing_required": [],
            "skills": [
                {
                    "skill_id": 120,
                    "skill": "SQL",
                    "importance": "required",
                    "weight": 5,
                    "points": 71.43,
                    "max_points": 71.43,
                    "met": True,
                    "evidence": {
                        "credential_id": 7,
                        "name": "SQL Analytics",
                        "issuer": "Example Academy",
                        "verdict": "verified",
                        "stale": False,
                        "tier": "trusted",
                        "label": "SQL",
                        "mapped_by": "uri",
                        "level": "",
                        "stack_members": [],
                        "assurance": None,
                    },
                    "factors": {
                        "verified": 1.0,
                        "trust": 1.0,
                        "stale": 1.0,
                        "recency": 1.0,
                        "level": 1.0,
                        "ownership": 1.0,
                    },
                },
                {
                    "skill_id": 88,
                    "skill": "Python",
                    "importance": "preferred",
                    "weight": 2,
                    "points": 0.0,
                    "max_points": 28.57,
                    "met": False,
                    "evidence": None,
                    "factors": None,
                },
            ],
            "suggestions": [
                {
                    "kind": "add",
                    "text": "A verified credential for Python would add up to 28.6 points.",
                    "gain": 28.57,
                    "skill_id": 88,
                    "credential_id": None,
                }
            ],
            "candidate_url": "/api/v1/candidates/3",
        }
    ],
    "pagination": {"page": 1, "per_page": 25, "total": 1, "pages": 1},
}
VALIDATION_ERROR: dict[str, Any] = {
    "error": {
        "code": "validation_failed",
        "message": "Some fields are not valid.",
        "details": {"fields": {"emails": "'ada@' is not a valid e-mail address."}},
    }
}
BY_OPERATION: dict[str, dict[str, Any]] = {
    "create_candidate": CANDIDATE,
    "show_candidate": CANDIDATE,
    "show_credential": CREDENTIAL,
    "add_credential": CREDENTIAL_SUMMARY,
    "verify_now": RESULT,
    "role_ranking": RANKING,
}
