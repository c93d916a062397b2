"""Reading the audit trail: every entry of an organisation, filtered and paged, in plain words."""

from __future__ import annotations

import peewee

from app.models import AuditEntry, Organization, User
from app.services.paging import Page, paginate

PAGE_SIZE = 50
ACTION_LABELS = {
    "candidate.delete": "Candidate deleted",
    "candidate.merge": "Candidates merged",
    "candidate.bulk.archive": "Candidates archived (bulk)",
    "candidate.bulk.restore": "Candidates restored (bulk)",
    "candidate.bulk.reverify": "Re-verification requested (bulk)",
    "candidate.bulk.shortlist": "Candidates shortlisted (bulk)",
    "note.added": "Note added",
    "credential.removed": "Credential removed",
    "ranking.factors_set": "Issuer trust factors changed",
    "ranking.ownership_set": "Weight of unproven credentials changed",
    "ranking.issuer_pages_set": "Counting of issuer pages changed",
    "user.password": "Password changed or reset",
    "webhook.save": "Webhook saved",
    "webhook.remove": "Webhook removed",
    "share.created": "Share link created",
    "share.revoked": "Share link revoked",
    "share.opened": "Share link opened",
    "share.refused": "Expired or revoked share link refused",
    "presentation.accepted": "Wallet presentation accepted",
    "presentation.refused": "Wallet presentation refused",
    "invite.created": "Invite link created",
    "invite.sent": "Invite link e-mailed",
    "invite.send_failed": "Invite e-mail failed",
    "invite.opened": "Invite link opened",
    "invite.consented": "Candidate agreed to the notice",
    "invite.submitted": "Candidate added credentials",
    "invite.removed": "Candidate removed a credential",
    "invite.revoked": "Invite link revoked",
    "invite.refused": "Expired or revoked invite link refused",
    "shortlist.added": "Added to a shortlist",
    "shortlist.removed": "Removed from a shortlist",
    "role.created": "Role created",
    "role.updated": "Role updated",
    "role.deleted": "Role deleted",
    "role.skill_set": "Role skill set",
    "role.skill_removed": "Role skill removed",
    "skill.created": "Skill added",
    "skill.updated": "Skill edited",
    "skill_mapping.confirmed": "Skill mapping confirmed",
    "skill_mapping.rejected": "Skill mapping rejected",
    "issuer.tier_set": "Issuer trust changed",
    "stack.created": "Stack rule created",
    "stack.deleted": "Stack rule deleted",
    "ranking.exported": "Ranking exported",
    "user.create": "User created",
    "user.update": "User changed",
    "api_token.create": "API token created",
    "api_token.revoke": "API token revoked",
    "email_proof.sent": "Proof code e-mailed to a candidate",
    "email_proof.failed": "Proof code could not be e-mailed",
    "email_proof.wrong_code": "Wrong proof code entered",
    "identity.proven.email": "E-mail address proven by the candidate",
    "identity.proven.did": "DID proven by the candidate",
}


def label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    if action.startswith("api."):
        return "API request"
    return action.replace(".", " ").replace("_", " ").capitalize()


def actions(organization: Organization | int) -> list[str]:
    """The distinct actions recorded, for the filter."""
    query = AuditEntry.of(organization).select(AuditEntry.action).distinct()
    return sorted(row.action for row in query)


def page(organization: Organization | int, action: str = "", number: int = 1) -> Page[AuditEntry]:
    """One page of entries, newest first, each with its actor."""
    query = AuditEntry.of(organization)
    if action:
        query = query.where(AuditEntry.action == action)
    return paginate(
        query.select(AuditEntry, User)
        .join(User, peewee.JOIN.LEFT_OUTER, on=(AuditEntry.actor == User.id))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()),
        number,
        PAGE_SIZE,
    )
