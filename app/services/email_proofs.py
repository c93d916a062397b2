"""Proven e-mail ownership: a candidate proves they control an address their badges are awarded
to by a one-time code sent there. Only a salted HMAC of each code is kept; a code works once,
for ten minutes, five tries; sends are spaced and capped per candidate and per address."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import peewee

from app.config import Settings
from app.db import write_transaction
from app.models import (
    Candidate,
    Credential,
    EmailChallenge,
    Organization,
    ProofKind,
    ProvenIdentity,
    VerificationRun,
    normalise_email,
    utcnow,
)
from app.services import candidates as candidate_service
from app.services import ownership, webhooks
from app.services.accounts import audit
from app.services.verification import recheck_recipients, requeue
from app.verification.recipient import AwardedEmail

log = logging.getLogger(__name__)
METHOD = "email-code"
CODE_DIGITS = 6
LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
COOL_DOWN = timedelta(seconds=60)
WINDOW = timedelta(hours=1)
SENDS_PER_ADDRESS = 5  # per hour, whoever asks: nobody can flood an inbox with codes
SENDS_PER_CANDIDATE = 10  # per hour, over all their addresses
MAX_ADDRESS = 254
# Stricter than the address book's pattern: a code goes to this address in a To header, and an
# address a badge names is attacker-written ("boss,me@evil.example" must not reach two inboxes).
DELIVERABLE = re.compile(
    r"[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+"
)


class ProofError(Exception):
    """Why a code was not sent or not accepted, in words the candidate understands."""

    def __init__(self, message: str, reason: str, attempts_left: int | None = None) -> None:
        super().__init__(message)
        # not_allowed | checking | unavailable | cool_down | too_many | not_sent |
        # wrong | expired | no_code | malformed
        self.reason = reason
        self.attempts_left = attempts_left


@dataclass(frozen=True)
class ProvableAddress:
    """An address the candidate may prove, why it counts, and whether it already is proven."""

    address: str
    badges: tuple[str, ...]  # names of the badges awarded to it in plain text
    on_file: bool
    proven_at: datetime | None = None
    code_sent_at: datetime | None = None  # an open code waits to be entered


@dataclass(frozen=True)
class Overview:
    """What the portal shows: provable addresses, and how many badges hide theirs in a hash."""

    addresses: tuple[ProvableAddress, ...]
    hashed_badges: int  # whose hash matches none of the addresses listed


# Codes (pure)


def new_code() -> str:
    """Six digits from the operating system's CSPRNG, leading zeros kept."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_salt() -> str:
    return secrets.token_hex(16)


def code_hash(salt: str, code: str) -> str:
    """HMAC-SHA256 of the code under the row's own salt: the code itself is never stored."""
    return hmac.new(bytes.fromhex(salt), code.encode(), hashlib.sha256).hexdigest()


def cleaned_code(typed: str) -> str | None:
    """The six digits a person typed (spaces and dashes allowed), or None."""
    digits = re.sub(r"[\s-]", "", typed or "")[:32]
    return digits if re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", digits) else None


def code_matches(salt: str, stored_hash: str, code: str) -> bool:
    """Constant-time comparison of a typed code with the stored hash."""
    return hmac.compare_digest(code_hash(salt, code), stored_hash)


def hashed_match(address: str, awarded: Sequence[AwardedEmail]) -> bool:
    """Whether `address` is one of the hashed recipients (its hash and salt recomputed)."""
    return any(item.hashed and item.matches(address) for item in awarded)


# Which addresses may be proven


def available(settings: Settings) -> bool:
    """Codes go out by e-mail: without SMTP nobody can prove an address."""
    return bool(settings.smtp_host and settings.smtp_from)


def awarded_by_credential(candidate: Candidate) -> dict[int, tuple[str, tuple[AwardedEmail, ...]]]:
    """Each credential's name and the e-mail identities its latest verification read from it."""
    return {
        credential_id: (name, _awarded(result))
        for credential_id, name, result in _latest_results(candidate)
    }


def _awarded(result: dict[str, object]) -> tuple[AwardedEmail, ...]:
    stored = result.get("awarded_to")
    items = stored if isinstance(stored, list) else []
    awarded = (AwardedEmail.from_dict(item) for item in items)
    return tuple(item for item in awarded if item is not None)


def _latest_results(candidate: Candidate) -> list[tuple[int, str, dict[str, object]]]:
    """(credential id, name, latest result) for each of the candidate's checked credentials."""
    credentials = Credential.select(Credential.id).where(Credential.candidate == candidate)
    latest = (
        VerificationRun.select(peewee.fn.MAX(VerificationRun.id))
        .where(VerificationRun.credential.in_(credentials))
        .group_by(VerificationRun.credential)
    )
    rows = (
        VerificationRun.select(
            VerificationRun.credential, VerificationRun.result_json, Credential.achievement_name
        )
        .join(Credential)
        .where(VerificationRun.id.in_(latest))
        .tuples()
    )
    found = []
    for credential_id, result_json, name in rows:
        try:
            result = json.loads(result_json)
        except ValueError:
            result = None
        found.append((credential_id, name or "A badge", result if isinstance(result, dict) else {}))
    return found


def overview(candidate: Candidate, now: datetime | None = None) -> Overview:
    """The addresses the candidate may prove (on file, named by their badges, proven or waiting
    for a code), each with the badges awarded to it, and how many badges hide theirs."""
    awarded = list(awarded_by_credential(candidate).values())
    badges: dict[str, list[str]] = {}
    for name, identities in awarded:
        for item in identities:
            if item.address and deliverable(item.address):
                badges.setdefault(item.address, []).append(name)
    on_file = [a for a in candidate_service.emails_of(candidate) if deliverable(a)]
    proven = _proven(candidate)
    sent = _open_codes(candidate, now or utcnow())
    ordered = list(dict.fromkeys([*on_file, *badges, *proven, *sent]))
    hidden = 0
    for name, identities in awarded:
        hashes = [item for item in identities if item.hashed]
        found = next((a for a in ordered if hashes and hashed_match(a, hashes)), None)
        if found is not None:
            badges.setdefault(found, []).append(name)
        hidden += bool(hashes) and found is None
    return Overview(
        tuple(
            ProvableAddress(
                address,
                tuple(badges.get(address, ())),
                address in on_file,
                proven.get(address),
                sent.get(address),
            )
            for address in ordered
        ),
        hidden,
    )


def accepted_address(candidate: Candidate, typed: str) -> str:
    """The normalised address if the candidate may prove it, else a ProofError saying why."""
    address = normalise_email(typed or "")[:MAX_ADDRESS]
    if not deliverable(address):
        raise ProofError("Enter an e-mail address, like name@example.com.", "not_allowed")
    if any(item.address == address for item in overview(candidate).addresses):
        return address
    results = _latest_results(candidate)
    if hashed_match(address, [item for _, _, result in results for item in _awarded(result)]):
        return address
    if _recheck_older(candidate, [cid for cid, _, result in results if "awarded_to" not in result]):
        raise ProofError(
            "Some of your badges were checked before Skillproof kept the hidden addresses they "
            "were sent to. They are being checked again now: try again in a minute.",
            "checking",
        )
    raise ProofError(
        "None of your badges is awarded to that address, so there is nothing to prove with it. "
        "Check its spelling: it must be the address the issuer sent the badge to.",
        "not_allowed",
    )


def _recheck_older(candidate: Candidate, credential_ids: list[int]) -> bool:
    """Queue the settled credentials whose last result predates `awarded_to`; whether any is
    (still) being checked, so the candidate is told to wait instead of "not yours"."""
    older = Credential.select().where(Credential.id.in_(credential_ids))
    for credential in older:
        if not credential.pending:
            requeue(credential)
    return bool(credential_ids)


def deliverable(address: str) -> bool:
    """Whether a code may be sent to this (normalised) address."""
    return len(address) <= MAX_ADDRESS and DELIVERABLE.fullmatch(address) is not None


def _proven(candidate: Candidate) -> dict[str, datetime]:
    rows = ProvenIdentity.select(ProvenIdentity.value, ProvenIdentity.proven_at).where(
        (ProvenIdentity.candidate == candidate) & (ProvenIdentity.kind == ProofKind.EMAIL.value)
    )
    return {row.value: row.proven_at for row in rows}


def _open_codes(candidate: Candidate, now: datetime) -> dict[str, datetime]:
    rows = EmailChallenge.select(EmailChallenge.address, EmailChallenge.created_at).where(
        (EmailChallenge.candidate == candidate)
        & EmailChallenge.consumed_at.is_null()
        & (EmailChallenge.expires_at > now)
        & (EmailChallenge.attempts < MAX_ATTEMPTS)
    )
    return {row.address: row.created_at for row in rows.order_by(EmailChallenge.created_at)}


# Sending and confirming


def send_code(
    settings: Settings, candidate: Candidate, typed: str, now: datetime | None = None
) -> EmailChallenge:
    """Send a fresh code to an address the candidate may prove; the previous code stops working."""
    if not available(settings):
        raise ProofError(
            "E-mail is not set up on this Skillproof installation, so addresses cannot be "
            "proven here yet. Your recruiter can still see your badges.",
            "unavailable",
        )
    address = accepted_address(candidate, typed)
    moment = now or utcnow()
    code, salt = new_code(), new_salt()
    with write_transaction():
        _check_caps(candidate, address, moment)
        challenge = EmailChallenge.create(
            organization=candidate.organization_id,
            candidate=candidate,
            address=address,
            salt=salt,
            code_hash=code_hash(salt, code),
            created_at=moment,
            expires_at=moment + LIFETIME,
        )
    try:
        webhooks.submit_email(settings, _message(settings, candidate, address, code))
    except (OSError, smtplib.SMTPException) as error:
        log.warning("proof code e-mail for candidate %s failed: %s", candidate.id, error)
        EmailChallenge.delete().where(EmailChallenge.id == challenge.id).execute()
        _audit(candidate, "email_proof.failed")
        raise ProofError(
            "The code could not be sent just now: the mail server did not take it. "
            "Try again in a few minutes.",
            "not_sent",
        ) from None
    _audit(candidate, "email_proof.sent")
    return challenge


def _check_caps(candidate: Candidate, address: str, now: datetime) -> None:
    recent = EmailChallenge.select().where(EmailChallenge.created_at > now - WINDOW)
    mine = recent.where(EmailChallenge.candidate == candidate)
    last = mine.where(EmailChallenge.address == address).order_by(EmailChallenge.created_at.desc())
    previous = last.first()
    if previous is not None and previous.created_at > now - COOL_DOWN:
        wait = int((previous.created_at + COOL_DOWN - now).total_seconds()) + 1
        raise ProofError(
            f"A code was sent to {address} a moment ago. Check your inbox (and spam folder), "
            f"or ask for a new code in {wait} seconds.",
            "cool_down",
        )
    to_address = recent.where(EmailChallenge.address == address).count()
    if to_address >= SENDS_PER_ADDRESS or mine.count() >= SENDS_PER_CANDIDATE:
        raise ProofError(
            "Too many codes were asked for in the last hour. Try again in an hour.", "too_many"
        )


def confirm(
    candidate: Candidate, typed_address: str, typed_code: str, now: datetime | None = None
) -> ProvenIdentity:
    """Accept the latest code sent to the address, once; the address becomes proven."""
    moment = now or utcnow()
    address = normalise_email(typed_address or "")[:MAX_ADDRESS]
    challenge = (
        EmailChallenge.select()
        .where((EmailChallenge.candidate == candidate) & (EmailChallenge.address == address))
        .order_by(EmailChallenge.created_at.desc(), EmailChallenge.id.desc())
        .first()
    )
    if challenge is None or challenge.consumed_at is not None:
        raise ProofError("No code is waiting for this address: send a new one.", "no_code")
    if challenge.expires_at <= moment:
        raise ProofError(
            "This code has expired (codes work for 10 minutes): send a new one.", "expired"
        )
    code = cleaned_code(typed_code)
    if code is None:
        raise ProofError(f"Enter the {CODE_DIGITS} digits from the e-mail.", "malformed")
    if not _spend_attempt(challenge):
        raise ProofError("Too many wrong codes: send a new one.", "too_many", 0)
    if not code_matches(challenge.salt, challenge.code_hash, code):
        left = MAX_ATTEMPTS - challenge.attempts - 1
        _audit(candidate, "email_proof.wrong_code")
        if left <= 0:
            raise ProofError("Too many wrong codes: send a new one.", "too_many", 0)
        plural = "attempt" if left == 1 else "attempts"
        raise ProofError(f"That code is not right. {left} {plural} left.", "wrong", left)
    consumed = (
        EmailChallenge.update(consumed_at=moment)
        .where((EmailChallenge.id == challenge.id) & EmailChallenge.consumed_at.is_null())
        .execute()
    )
    if not consumed:  # the same code entered twice at once: only one of them counts
        raise ProofError("This code was already used.", "no_code")
    return _proven_now(candidate, address)


def _spend_attempt(challenge: EmailChallenge) -> bool:
    """Count a try before comparing, atomically, so parallel guesses share the five tries."""
    spent = (
        EmailChallenge.update(attempts=EmailChallenge.attempts + 1)
        .where(
            (EmailChallenge.id == challenge.id)
            & (EmailChallenge.attempts < MAX_ATTEMPTS)
            & EmailChallenge.consumed_at.is_null()
        )
        .execute()
    )
    return bool(spent)


def _proven_now(candidate: Candidate, address: str) -> ProvenIdentity:
    """Record the proof; an address not on file joins the record and every badge is re-checked
    (a hashed badge becomes matched to it, and so proven)."""
    emails = candidate_service.emails_of(candidate)
    if address not in emails:
        candidate_service.update(candidate, candidate.name, [*emails, address], candidate.notes)
    proof = ownership.record(
        candidate,
        ProofKind.EMAIL,
        address,
        method=METHOD,
        detail=f"{address} confirmed by a one-time code",
    )
    if address not in emails:
        recheck_recipients(candidate, trigger="user")
    return proof


def _message(settings: Settings, candidate: Candidate, address: str, code: str) -> EmailMessage:
    organization = Organization.get_by_id(candidate.organization_id)
    message = EmailMessage()
    message["Subject"] = "Your Skillproof code"
    message["From"] = settings.smtp_from
    message["To"] = address
    minutes = int(LIFETIME.total_seconds() // 60)
    message.set_content(
        f"Your code: {code}\n\n"
        f"Enter it on the page where you asked for it to show {organization.name} that "
        f"{address} is yours. It works once, for {minutes} minutes.\n\n"
        "If you did not ask for it, ignore this message: nothing changes.\n"
    )
    return message


def _audit(candidate: Candidate, action: str) -> None:
    # Neither the code nor the address: the audit trail outlives a deleted candidate's data.
    audit(candidate.organization_id, None, action, "candidate", str(candidate.id))
