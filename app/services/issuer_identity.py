"""Who an issuer is, as far as anything has established it.

A credential names its issuer and gives it a name, but the name is the credential's own claim:
a fresh did:key can call itself "Amazon Web Services". The signature binds the credential to
the issuer's identifier (a DID, or a web address); only the organisation's issuer policy (an
admin who marked the issuer trusted, neutral or blocked) attaches a name to that identifier.
Until then the issuer is shown, and ranked, as its identifier, visibly "identity not
established".
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from app.ranking import Tier

NOT_ESTABLISHED = "identity not established"
SHOWN_CHARACTERS = 8  # of a DID's method-specific part: did:key:z6MkhaXg…


@dataclass(frozen=True, slots=True)
class IssuerIdentity:
    label: str  # what the issuer is shown and ranked as
    claimed_name: str  # the name the credential gives its issuer ("" when none)
    established: bool

    @property
    def note(self) -> str:
        """'identity not established; calls itself "X"', or '' once established."""
        if self.established:
            return ""
        if self.claimed_name:
            return f'{NOT_ESTABLISHED}; calls itself "{self.claimed_name}"'
        return NOT_ESTABLISHED


def identity_of(name: str, issuer_id: str, tier: Tier) -> IssuerIdentity:
    """The issuer as the organisation's policy establishes it (any tier but unknown), which it
    can only do for an identifier: a policy row keyed by a bare name establishes nothing."""
    name, issuer_id = (name or "").strip(), (issuer_id or "").strip()
    if tier is not Tier.UNKNOWN and issuer_id:
        return IssuerIdentity(name or issuer_id, name, True)
    return IssuerIdentity(unestablished_label(issuer_id), name, False)


def unestablished_label(issuer_id: str) -> str:
    """'signed by did:key:z6MkhaXg…', 'issued by issuer.example', or 'issuer not named'."""
    if issuer_id.startswith("did:web:"):  # a domain name: worth reading in full
        return f"signed by {issuer_id[:80]}"
    if issuer_id.startswith("did:"):  # a key: its first characters tell keys apart
        method, _, rest = issuer_id[4:].partition(":")
        shown = rest if len(rest) <= SHOWN_CHARACTERS else rest[:SHOWN_CHARACTERS] + "…"
        return f"signed by did:{method}:{shown}"
    try:
        host = urlsplit(issuer_id).hostname
    except ValueError:
        host = None
    if host:
        return f"issued by {host}"
    return "issuer not named" if not issuer_id else f"issued by {issuer_id[:60]}"
