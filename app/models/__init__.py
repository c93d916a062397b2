"""peewee models, one module per area; every employer-owned row is a TenantModel."""

from __future__ import annotations

from app.models.accounts import (
    AuditEntry,
    BaseModel,
    Organization,
    Role,
    TenantModel,
    User,
    UTCDateTimeField,
    normalise_email,
    utcnow,
)
from app.models.credentials import (
    Candidate,
    CandidateEmail,
    CandidateState,
    Credential,
    CredentialImage,
    CredentialStatus,
    EvidenceDocument,
    ImportBatch,
    VerificationRun,
)

__all__ = [
    "AuditEntry",
    "BaseModel",
    "Candidate",
    "CandidateEmail",
    "CandidateState",
    "Credential",
    "CredentialImage",
    "CredentialStatus",
    "EvidenceDocument",
    "ImportBatch",
    "Organization",
    "Role",
    "TenantModel",
    "UTCDateTimeField",
    "User",
    "VerificationRun",
    "normalise_email",
    "utcnow",
]
