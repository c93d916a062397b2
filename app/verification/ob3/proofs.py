"""Data Integrity and Ed25519Signature2020 proofs: every proof present must verify."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from app.verification.fetcher import Fetcher
from app.verification.ob3.canon import canonize, canonize_jcs
from app.verification.ob3.dids import ResolvedKey, require_issuer, resolve_key
from app.verification.ob3.errors import invalid, unsupported
from app.verification.ob3.keys import PublicKey, multibase_decode

CHECK = "signature"
# cryptosuite -> (canonicalization, key type)
SUITES: dict[str, tuple[str, str]] = {
    "eddsa-rdfc-2022": ("rdfc", "Ed25519"),
    "eddsa-2022": ("rdfc", "Ed25519"),  # the suite's name before it was finalised
    "eddsa-jcs-2022": ("jcs", "Ed25519"),
    "ecdsa-rdfc-2019": ("rdfc", "P-256"),
}
LEGACY_SUITES = {"Ed25519Signature2020": ("rdfc", "Ed25519")}


def proofs_of(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The proofs attached to a document (a single proof or a proof set)."""
    proof = document.get("proof")
    items = proof if isinstance(proof, list) else [proof] if proof is not None else []
    if not all(isinstance(p, Mapping) for p in items):
        raise invalid(CHECK, "a proof is not a JSON object")
    return items


def unsigned(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document without its proofs: what they sign."""
    return {k: v for k, v in document.items() if k != "proof"}


def suite_of(proof: Mapping[str, Any]) -> tuple[str, str, str]:
    """(suite name, canonicalization, key type) for a proof, or unsupported."""
    proof_type = proof.get("type")
    if proof_type == "DataIntegrityProof":
        suite = str(proof.get("cryptosuite"))
        if suite in SUITES:
            return (suite, *SUITES[suite])
        raise unsupported(CHECK, f"signed with a cryptosuite Skillproof does not handle: {suite}")
    if isinstance(proof_type, str) and proof_type in LEGACY_SUITES:
        return (proof_type, *LEGACY_SUITES[proof_type])
    raise unsupported(CHECK, f"signed with a proof type Skillproof does not handle: {proof_type}")


def signing_input(document: Mapping[str, Any], proof: Mapping[str, Any], method: str) -> bytes:
    """The bytes a proof signs: hash(proof configuration) + hash(document without proofs)."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document.get("@context")
    if method == "jcs":
        return _sha256(canonize_jcs(config)) + _sha256(canonize_jcs(unsigned(document)))
    return _sha256(canonize(config).encode()) + _sha256(canonize(unsigned(document)).encode())


@dataclass(frozen=True, slots=True)
class BoundProof:
    """A proof whose cheap checks passed: its suite is known and its key is the issuer's."""

    proof: Mapping[str, Any]
    suite: str
    canonicalization: str
    key_type: str
    key: ResolvedKey
    signature: bytes


def bind_proof(
    proof: Mapping[str, Any], issuer_id: str | None, fetcher: Fetcher, now: datetime
) -> BoundProof:
    """Everything about one proof that needs no canonicalization, the key binding included."""
    suite, method, key_type = suite_of(proof)
    if proof.get("proofPurpose") != "assertionMethod":
        raise invalid(CHECK, "the proof is not meant for issuing credentials (proofPurpose)")
    check_proof_dates(proof, now)
    check_proof_dates(proof, now)
    method_id = proof.get("verificationMethod")
    if not isinstance(method_id, str):
        raise invalid(CHECK, "the proof does not say which key signed it")
    key = resolve_key(method_id, fetcher)
    require_issuer(key, issuer_id)
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str):
        raise invalid(CHECK, "the proof carries no signature value")
    return BoundProof(proof, suite, method, key_type, key, multibase_decode(proof_value))


def check_signature(document: Mapping[str, Any], bound: BoundProof) -> None:
    """The expensive part: canonicalize what the proof signs and check the signature."""
    message = signing_input(document, bound.proof, bound.canonicalization)
    _verify_signature(bound.key.public_key, bound.key_type, bound.signature, message)


def verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    issuer_id: str | None,
    fetcher: Fetcher,
    now: datetime,
) -> tuple[str, ResolvedKey]:
    """Verify one proof against a key its issuer published; returns the suite and the key."""
    bound = bind_proof(proof, issuer_id, fetcher, now)
    check_signature(document, bound)
    return bound.suite, bound.key


def check_proof_dates(proof: Mapping[str, Any], now: datetime) -> None:
    """A proof made in the future, or one whose own `expires` has passed, proves nothing."""
    created = _proof_date(proof, "created")
    if created is not None and created > now:
        raise invalid(CHECK, f"the proof says it was made in the future ({created.isoformat()})")
    expires = _proof_date(proof, "expires")
    if expires is not None and expires <= now:
        raise invalid(CHECK, f"the proof itself expired on {expires.date().isoformat()}")


def _proof_date(proof: Mapping[str, Any], field: str) -> datetime | None:
    value = proof.get(field)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise invalid(CHECK, f"the proof's {field} date cannot be read")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _verify_signature(key: PublicKey, key_type: str, signature: bytes, message: bytes) -> None:
    try:
        if key_type == "Ed25519" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
            return
        if (
            key_type == "P-256"
            and isinstance(key, ec.EllipticCurvePublicKey)
            and isinstance(key.curve, ec.SECP256R1)
        ):
            if len(signature) != 64:
                raise InvalidSignature
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            key.verify(der, message, ec.ECDSA(hashes.SHA256()))
            return
    except InvalidSignature as exc:
        raise invalid(
            CHECK,
            "the signature does not match: the credential was altered or signed by another key",
        ) from exc
    if key_type == "P-256" and isinstance(key, ec.EllipticCurvePublicKey):
        # ecdsa-rdfc-2019 also defines P-384 (with SHA-384): well defined, not implemented yet
        raise unsupported(
            CHECK, f"signed with ecdsa-rdfc-2019 on {key.curve.name}; Skillproof handles P-256 only"
        )
    raise invalid(CHECK, f"the signing key is not a {key_type} key as the proof requires")


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
