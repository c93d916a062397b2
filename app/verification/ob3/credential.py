"""Reading a VC: shape, issuer, dates, and authenticating its proofs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.verification.fetcher import Fetcher
from app.verification.ob3.canon import check_json_ld
from app.verification.ob3.errors import Failure, invalid
from app.verification.ob3.keys import PublicKey
from app.verification.ob3.proofs import BoundProof, bind_proof, check_signature, proofs_of
from app.verification.result import Check, Outcome, Verdict

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
LEGACY_NAMES = {"eddsa-2022": "signed with eddsa-2022, the draft name of eddsa-rdfc-2022"}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def types_of(node: Any) -> list[str]:
    if not isinstance(node, Mapping):
        return []
    return [t for t in as_list(node.get("type")) if isinstance(t, str)]


def issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return value if isinstance(value, str) and value else None


def check_shape(document: Mapping[str, Any]) -> None:
    """A VC: the VC context first, the VerifiableCredential type, an issuer and a subject."""
    contexts = as_list(document.get("@context"))
    if not contexts or contexts[0] not in (VC_V1, VC_V2):
        raise invalid(
            "format", "is not a Verifiable Credential (its first context is not the VC one)"
        )
    if "VerifiableCredential" not in types_of(document):
        raise invalid(
            "format", "is not a Verifiable Credential (type VerifiableCredential missing)"
        )
    if issuer_id(document) is None:
        raise invalid("format", "does not name its issuer")
    if not as_list(document.get("credentialSubject")):
        raise invalid("format", "has no credential subject")


@dataclass(frozen=True, slots=True)
class Authentication:
    """One check per proof, and the issuer keys that verified."""

    checks: tuple[Check, ...]
    keys: frozenset[bytes]

    @property
    def ok(self) -> bool:
        return all(c.outcome is Outcome.PASS for c in self.checks)


def authenticate(document: Mapping[str, Any], fetcher: Fetcher, now: datetime) -> Authentication:
    """Verify every proof; each gives one check (a failure names its verdict).

    Cheap checks first: every proof's key is bound to the issuer before any JSON-LD work, and a
    forged binding ends the check without canonicalizing anything.
    """
    proofs = proofs_of(document)
    if not proofs:
        raise invalid("signature", "carries no proof: nothing shows who issued it")
    bound, failed = [], []
    for proof in proofs:
        try:
            bound.append(bind_proof(proof, issuer_id(document), fetcher, now))
        except Failure as failure:
            failed.append(failure.to_check())
    if any(check.verdict is Verdict.INVALID for check in failed):
        return Authentication(tuple(failed), frozenset())
    try:
        check_json_ld(document)
    except Failure as failure:
        return Authentication((*failed, failure.to_check()), frozenset())
    return _signatures(document, bound, failed)


def _signatures(
    document: Mapping[str, Any], bound: list[BoundProof], checks: list[Check]
) -> Authentication:
    keys = set()
    for proof in bound:
        try:
            check_signature(document, proof)
        except Failure as failure:
            checks.append(failure.to_check())
            continue
        checks.append(Check("signature", Outcome.PASS, f"signed by the issuer ({proof.suite})"))
        keys.add(key_bytes(proof.key.public_key))
        if proof.suite in LEGACY_NAMES:
            checks.append(Check("suite", Outcome.WARN, LEGACY_NAMES[proof.suite]))
    return Authentication(tuple(checks), frozenset(keys))


def key_bytes(public_key: PublicKey) -> bytes:
    """A comparable encoding of a public key."""
    return public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


@dataclass(frozen=True, slots=True)
class Window:
    """When a credential is valid."""

    valid_from: datetime | None
    valid_until: datetime | None


def parse_date(value: Any, field: str) -> datetime | None:
    """An ISO 8601 date-time (UTC when it has no zone); None when absent."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid("dates", f"its {field} is not a date")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise invalid("dates", f"its {field} is not a valid date: {value}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def window_of(document: Mapping[str, Any]) -> Window:
    start = document.get("validFrom", document.get("issuanceDate"))
    end = document.get("validUntil", document.get("expirationDate"))
    return Window(parse_date(start, "start date"), parse_date(end, "end date"))


def check_window(window: Window, now: datetime) -> Check:
    """expired / not_yet_valid / pass."""
    if window.valid_until is not None and window.valid_until <= now:
        detail = f"expired on {window.valid_until.date().isoformat()}"
        return Check("dates", Outcome.FAIL, detail, Verdict.EXPIRED)
    if window.valid_from is not None and window.valid_from > now:
        detail = f"not valid until {window.valid_from.date().isoformat()}"
        return Check("dates", Outcome.FAIL, detail, Verdict.NOT_YET_VALID)
    return Check("dates", Outcome.PASS, "within its validity period")
