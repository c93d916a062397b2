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
from app.models.alerts import Alert, AlertDelivery, AlertKind, DeliveryStatus, JobState
from app.models.api import ApiScope, ApiToken, IdempotencyKey
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
from app.models.invites import CandidateInvite, InviteCredential, InviteProfile
from app.models.presentations import PresentationChallenge
from app.models.profiles import ProfileImport, ProfileStatus
from app.models.proofs import EmailChallenge
from app.models.ranking import (
    IssuerTrust,
    RankingExport,
    RankingSettings,
    RoleProfile,
    RoleSkill,
    ShortlistEntry,
    Skill,
    SkillMapping,
    StackRule,
)
from app.models.recruiting import CandidateNote, ProofKind, ProvenIdentity, ShareLink
from app.models.security import OrganizationWebhook, RateLimitCounter, UserSession

__all__ = [
    "CandidateInvite",
    "InviteCredential",
    "InviteProfile",
    "EmailChallenge",
    "ProfileImport",
    "ProfileStatus",
    "PresentationChallenge",
    "CandidateNote",
    "ProofKind",
    "ProvenIdentity",
    "ShareLink",
    "OrganizationWebhook",
    "RateLimitCounter",
    "UserSession",
    "ApiScope",
    "ApiToken",
    "IdempotencyKey",
    "StackRule",
    "SkillMapping",
    "Skill",
    "ShortlistEntry",
    "RoleSkill",
    "RoleProfile",
    "RankingSettings",
    "RankingExport",
    "IssuerTrust",
    "Alert",
    "AlertDelivery",
    "AlertKind",
    "DeliveryStatus",
    "JobState",
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
