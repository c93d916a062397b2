"""Invite links: a recruiter sends one candidate a personal, expiring link; without an account
the candidate reads the privacy notice, consents, and adds their own credentials.

The link carries a 256-bit secret; only its SHA-256 is stored, so the database alone cannot
open an invite. One candidate has at most one active invite: creating a new one revokes the
old. Every step (created, sent, opened, consented, submitted, removed, revoked) is audited.
"""

from __future__ import annotations

import hashlib
import secrets
import smtplib
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage

from app.config import Settings
from app.db import write_transaction
from app.models import (
    Candidate,
    CandidateInvite,
    Credential,
    InviteCredential,
    InviteProfile,
    Organization,
    ProfileImport,
    User,
    utcnow,
)
from app.services import candidates as candidate_service
from app.services import webhooks
from app.services.accounts import audit
from app.services.candidates import CandidateError

DEFAULT_DAYS = 14
MIN_DAYS, MAX_DAYS = 1, 30
NOTICE_VERSION = "2026-12-03"  # change whenever templates/portal/_notice.html changes
SECRET_BYTES = 32  # 256 bits
MAX_TOKEN_CHARS = 100  # a real token is 43 characters; anything far longer is not one


class InviteError(CandidateError):
    """An invite that cannot be made or sent; the message is for the recruiter."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(
    candidate: Candidate, actor: User, days: int = DEFAULT_DAYS, email: str = ""
) -> tuple[CandidateInvite, str]:
    """A new invite and its secret (shown or mailed once, never stored); the old one is revoked."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise InviteError(f"An invite stays valid for {MIN_DAYS} to {MAX_DAYS} days.")
    addresses = candidate_service.parse_emails(email) if email.strip() else []
    if len(addresses) > 1:
        raise InviteError("Give one e-mail address to send the invite to.")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    with write_transaction():
        for old in _active_of(candidate, utcnow()):
            _revoke(old, actor, "replaced by a new invite")
        invite = CandidateInvite.create(
            organization=candidate.organization_id,
            candidate=candidate,
            token_hash=digest(secret),
            created_by=actor,
            expires_at=utcnow() + timedelta(days=days),
            sent_to=addresses[0] if addresses else "",
        )
        audit(candidate.organization_id, actor, "invite.created", _subject(invite), f"days={days}")
    return invite, secret


def mail_enabled(settings: Settings) -> bool:
    """Invites are e-mailed where SMTP is set (in production only with a public base URL)."""
    return bool(settings.smtp_host and settings.smtp_from) and (
        bool(settings.base_url) or not settings.production
    )


def send(invite: CandidateInvite, settings: Settings, link: str, actor: User) -> None:
    """E-mail the link to the invite's address; InviteError with a plain reason if it fails."""
    if not invite.sent_to or not mail_enabled(settings):
        raise InviteError("E-mail is not set up here: copy the link and send it yourself.")
    organization = Organization.get_by_id(invite.organization_id)
    try:
        webhooks.submit_email(settings, _message(settings, invite, organization, link))
    except (OSError, smtplib.SMTPException) as error:
        reason = type(error).__name__  # the server's words may quote the address
        audit(invite.organization_id, actor, "invite.send_failed", _subject(invite), reason)
        raise InviteError(
            "The invite could not be e-mailed (the mail server refused or did not answer). "
            "Copy the link below and send it yourself."
        ) from error
    with write_transaction():
        CandidateInvite.update(sent_at=utcnow()).where(CandidateInvite.id == invite.id).execute()
        # No address: the audit trail outlives a deleted candidate and keeps no personal data.
        audit(invite.organization_id, actor, "invite.sent", _subject(invite), "by e-mail")


def _message(
    settings: Settings, invite: CandidateInvite, organization: Organization, link: str
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"{organization.name} invites you to add your digital badges"
    message["From"] = settings.smtp_from
    message["To"] = invite.sent_to
    message.set_content(
        f"{organization.name} asks you to add your digital badges and credentials, so they can "
        "check them.\n\n"
        f"Open your personal link (valid until {invite.expires_at:%-d %B %Y}):\n{link}\n\n"
        "The page tells you what is checked, how long it is kept and who sees it before you "
        "add anything. The link is for you alone: please do not forward it.\n"
    )
    return message


def revoke(invite: CandidateInvite, actor: User) -> None:
    """End an invite at once; the link then shows only that it is no longer active."""
    with write_transaction():
        _revoke(invite, actor, "revoked")


def _revoke(invite: CandidateInvite, actor: User | None, why: str) -> None:
    if invite.revoked_at is None:
        invite.revoked_at = utcnow()
        invite.save()
        audit(invite.organization_id, actor, "invite.revoked", _subject(invite), why)


def by_secret(secret: str, now: datetime | None = None) -> CandidateInvite | None:
    """The active invite a link's secret opens; None for unknown, expired or revoked ones."""
    if not secret or len(secret) > MAX_TOKEN_CHARS:
        return None
    invite = CandidateInvite.get_or_none(CandidateInvite.token_hash == digest(secret))
    if invite is None:
        return None
    if not invite.active(now or utcnow()):
        audit(invite.organization_id, None, "invite.refused", _subject(invite), "inactive link")
        return None
    return invite


def active_by_id(invite_id: int, now: datetime | None = None) -> CandidateInvite | None:
    """The invite a portal session names, if it is still active."""
    invite = CandidateInvite.get_or_none(CandidateInvite.id == invite_id)
    return invite if invite is not None and invite.active(now or utcnow()) else None


def opened(invite: CandidateInvite) -> None:
    """Count one opening of the link (the portal session it starts is audited too)."""
    now = utcnow()
    with write_transaction():
        CandidateInvite.update(
            uses=CandidateInvite.uses + 1,
            last_used_at=now,
            opened_at=invite.opened_at or now,
        ).where(CandidateInvite.id == invite.id).execute()
        audit(invite.organization_id, None, "invite.opened", _subject(invite))


def consent(invite: CandidateInvite) -> None:
    """Record the candidate's consent to the notice of NOTICE_VERSION, with the time."""
    now = utcnow()
    with write_transaction():
        CandidateInvite.update(
            consented_at=now, consent_version=NOTICE_VERSION, last_used_at=now
        ).where(CandidateInvite.id == invite.id).execute()
        audit(
            invite.organization_id,
            None,
            "invite.consented",
            _subject(invite),
            f"notice {NOTICE_VERSION}",
        )


def submitted(invite: CandidateInvite, credentials: Sequence[Credential], what: str) -> None:
    """Remember which credentials came through the invite; audited with what was sent."""
    with write_transaction():
        if credentials:
            InviteCredential.insert_many(
                [{"invite": invite.id, "credential": c.id} for c in credentials]
            ).on_conflict_ignore().execute()
        CandidateInvite.update(last_used_at=utcnow()).where(
            CandidateInvite.id == invite.id
        ).execute()
        audit(invite.organization_id, None, "invite.submitted", _subject(invite), what)


def submitted_profiles(invite: CandidateInvite, rows: Sequence[ProfileImport]) -> None:
    """Remember the profile links the candidate sent, so the badges found on them are theirs."""
    if rows:
        with write_transaction():
            InviteProfile.insert_many(
                [{"invite": invite.id, "url_key": row.url_key} for row in rows]
            ).on_conflict_ignore().execute()


def adopt(row: ProfileImport, credentials: Sequence[Credential]) -> None:
    """Credentials a profile import just added count as the candidate's submission when the
    candidate sent that profile through an invite (called by the worker)."""
    sent = (
        InviteProfile.select(InviteProfile.invite)
        .join(CandidateInvite)
        .where(
            (CandidateInvite.candidate == row.candidate_id) & (InviteProfile.url_key == row.url_key)
        )
        .order_by(InviteProfile.id.desc())
        .first()
    )
    if sent is not None and credentials:
        with write_transaction():
            InviteCredential.insert_many(
                [{"invite": sent.invite_id, "credential": c.id} for c in credentials]
            ).on_conflict_ignore().execute()


def profiles_sent(candidate: Candidate | int) -> list[ProfileImport]:
    """The profile links the candidate sent through an invite, with their import progress."""
    keys = (
        InviteProfile.select(InviteProfile.url_key)
        .join(CandidateInvite)
        .where(CandidateInvite.candidate == candidate)
    )
    query = ProfileImport.select().where(
        (ProfileImport.candidate == candidate) & ProfileImport.url_key.in_(keys)
    )
    return list(query.order_by(ProfileImport.id))


def credentials_added(candidate: Candidate | int) -> list[Credential]:
    """The credentials the candidate added through any of their invites, oldest first."""
    query = (
        Credential.select()
        .join(InviteCredential, on=InviteCredential.credential == Credential.id)
        .where(Credential.candidate == candidate)
        .order_by(Credential.id)
    )
    return list(query)


def added_ids(candidate: Candidate | int) -> set[int]:
    """Ids of the candidate's credentials that came through an invite (marked on their page)."""
    query = (
        InviteCredential.select(InviteCredential.credential)
        .join(Credential)
        .where(Credential.candidate == candidate)
    )
    return {row.credential_id for row in query}


def remove(invite: CandidateInvite, credential_id: int) -> bool:
    """Remove a credential the candidate added through an invite; False for any other id."""
    credential = next(
        (c for c in credentials_added(invite.candidate_id) if c.id == credential_id), None
    )
    if credential is None:
        return False
    candidate_service.remove_credential(
        credential, None, reason=f"removed by the candidate through invite {invite.id}"
    )
    audit(invite.organization_id, None, "invite.removed", _subject(invite), str(credential_id))
    return True


def invites_of(candidate: Candidate) -> list[CandidateInvite]:
    """The candidate's invites, newest first (the recruiter's panel)."""
    query = CandidateInvite.select().where(CandidateInvite.candidate == candidate)
    return list(query.order_by(CandidateInvite.created_at.desc(), CandidateInvite.id.desc()))


def _active_of(candidate: Candidate, now: datetime) -> list[CandidateInvite]:
    return [invite for invite in invites_of(candidate) if invite.active(now)]


def state_of(invite: CandidateInvite, now: datetime) -> str:
    """Where an invite stands, in words for the recruiter's panel."""
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at <= now:
        return "expired"
    if invite.consented_at is not None:
        return "consented"
    if invite.opened_at is not None:
        return "opened"
    return "sent" if invite.sent_at is not None else "not opened yet"


def _subject(invite: CandidateInvite) -> str:
    return f"candidate {invite.candidate_id}"
