"""Whether a badge was awarded to the candidate: plain or hashed identities, salted or not."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from app.verification.result import RecipientStatus

_HASHES = {"sha256": hashlib.sha256, "md5": hashlib.md5}
_CHECKABLE_WITH_EMAIL = {"email", "emailaddress"}


@dataclass(frozen=True, slots=True)
class AwardedEmail:
    """An e-mail address a badge is awarded to: the address itself, or its hash and salt."""

    identity: str
    hashed: bool
    salt: str = ""

    def matches(self, email: str) -> bool:
        """Whether `email` is this address (a hash with an unknown method matches nothing)."""
        try:
            return _matches(self.identity, email, self.salt, hashed=self.hashed)
        except RecipientError:
            return False

    @property
    def address(self) -> str | None:
        """The plain address, lower-case; None when only its hash is known."""
        return None if self.hashed else self.identity.strip().lower()

    def to_dict(self) -> dict[str, Any]:
        return {"identity": self.identity, "hashed": self.hashed, "salt": self.salt}

    @classmethod
    def from_dict(cls, data: Any) -> AwardedEmail | None:
        """Read back a stored `to_dict()`; anything malformed is None."""
        if not isinstance(data, Mapping) or not isinstance(data.get("identity"), str):
            return None
        salt = data.get("salt")
        return cls(
            data["identity"], data.get("hashed") is True, salt if isinstance(salt, str) else ""
        )


@dataclass(frozen=True, slots=True)
class RecipientOutcome:
    status: RecipientStatus
    detail: str
    matched: str | None = None
    awarded: tuple[AwardedEmail, ...] = ()  # the e-mail identities the badge declares


class RecipientError(ValueError):
    """A recipient that is malformed (the badge is invalid, not awarded to someone else)."""


def check_recipient(recipient: Any, emails: Sequence[str], *, salt: Any = None) -> RecipientOutcome:
    """Compare an OB 1.x/2.0 recipient (an IdentityObject, or an OB 0.5 string) with e-mails."""
    identity = _identity_object(recipient, salt)
    kind = str(identity.get("type", "")).strip()
    awarded = awarded_email(identity)
    if not emails:
        return RecipientOutcome(
            RecipientStatus.SKIPPED, "no e-mail address given for the candidate", awarded=awarded
        )
    if kind.lower() not in _CHECKABLE_WITH_EMAIL:
        return RecipientOutcome(
            RecipientStatus.NOT_CHECKABLE,
            f"awarded to a {_kind_name(kind)}, which cannot be compared with an e-mail address",
        )
    return replace(_compare(identity, emails), awarded=awarded)


def awarded_email(identity: Mapping[str, Any]) -> tuple[AwardedEmail, ...]:
    """The e-mail identity an IdentityObject declares (none for other kinds or bad values)."""
    value = identity.get("identity")
    kind = str(identity.get("type", "")).strip().lower()
    if kind not in _CHECKABLE_WITH_EMAIL or not isinstance(value, str) or not value.strip():
        return ()
    salt = identity.get("salt")
    hashed = _is_hashed(identity.get("hashed"), value.strip())
    return (AwardedEmail(value.strip()[:400], hashed, "" if salt is None else str(salt)[:400]),)


def _identity_object(recipient: Any, salt: Any) -> Mapping[str, Any]:
    if isinstance(recipient, str):  # OB 0.5: the e-mail itself, or its hash with a top-level salt
        hashed = "$" in recipient
        return {"type": "email", "identity": recipient, "hashed": hashed, "salt": salt}
    if not isinstance(recipient, Mapping):
        raise RecipientError("the badge does not say who it was awarded to")
    if not isinstance(recipient.get("identity"), str) or not recipient["identity"].strip():
        raise RecipientError("the badge's recipient has no identity")
    if not isinstance(recipient.get("type", ""), str):
        raise RecipientError("the badge's recipient type is not a word")
    return recipient


def _compare(identity: Mapping[str, Any], emails: Sequence[str]) -> RecipientOutcome:
    value = str(identity["identity"]).strip()
    salt = identity.get("salt")
    salt_text = "" if salt is None else str(salt)
    hashed = _is_hashed(identity.get("hashed"), value)
    for email in emails:
        if _matches(value, email, salt_text, hashed=hashed):
            return RecipientOutcome(RecipientStatus.MATCHED, f"awarded to {email.strip()}", email)
    given = ", ".join(e.strip() for e in emails)
    how = "a hashed e-mail address that is not " if hashed else "another e-mail address, not "
    return RecipientOutcome(RecipientStatus.MISMATCH, f"awarded to {how}{given}")


def _is_hashed(flag: Any, value: str) -> bool:
    if isinstance(flag, bool):
        return flag
    if isinstance(flag, str):
        return flag.strip().lower() == "true"
    return "$" in value and value.split("$", 1)[0].lower() in _HASHES


def _matches(value: str, email: str, salt: str, *, hashed: bool) -> bool:
    candidate = email.strip().lower()
    if not hashed:
        return value.lower() == candidate
    algorithm, _, digest = value.partition("$")
    hasher = _HASHES.get(algorithm.lower())
    if hasher is None or not digest or not digest.isascii():
        raise RecipientError(f"the recipient is hashed with an unknown method ({algorithm[:20]})")
    # Issuers hash the address as they stored it; the spec says lower-case, but try it as given.
    variants = {candidate, email.strip()}
    return any(
        hmac.compare_digest(hasher((v + salt).encode()).hexdigest(), digest.strip().lower())
        for v in variants
    )


def _kind_name(kind: str) -> str:
    names = {"url": "web address", "telephone": "phone number", "id": "identifier"}
    if kind.lower() in names:
        return names[kind.lower()]
    return f"'{kind[:30]}' identity" if kind else "non-e-mail identity"
