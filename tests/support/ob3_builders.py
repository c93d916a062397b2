"""An OB 3.0 issuer kit: Ed25519 / P-256 keys, DID documents, signed credentials and status lists.

Signs with the same canonicalisation the verifier checks (app.verification.ob3.proofs), and is
cross-checked against the specification's published test vector in tests/unit/test_ob3_proofs.py.
"""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from jwcrypto import jwk, jws

from app.verification.ob3.dids import did_web_url
from app.verification.ob3.keys import b64url_encode, multibase_encode, multikey_of
from app.verification.ob3.proofs import SUITES, signing_input

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
STATUS_LIST_2021 = "https://w3id.org/vc/status-list/2021/v1"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
SIGNED_AT = "2024-01-01T00:00:00Z"


@dataclass(frozen=True)
class IssuerKit:
    """An issuer (its id, usually a DID) and one signing key listed for assertions."""

    id: str
    key_id: str
    private_key: PrivateKey
    name: str = "Example University"

    @classmethod
    def did_key(cls, curve: str = "Ed25519", seed: int | None = None) -> IssuerKit:
        """An issuer whose id is the did:key of a fresh (or seeded) key."""
        private_key = _new_key(curve, seed)
        fingerprint = multikey_of(private_key.public_key())
        did = f"did:key:{fingerprint}"
        return cls(did, f"{did}#{fingerprint}", private_key)

    @classmethod
    def did_web(cls, host: str = "issuer.example", curve: str = "Ed25519") -> IssuerKit:
        did = f"did:web:{host}"
        return cls(did, f"{did}#key-1", _new_key(curve, None))

    @classmethod
    def did_jwk(cls) -> IssuerKit:
        private_key = _new_key("Ed25519", None)
        did = "did:jwk:" + b64url_encode(json.dumps(self_jwk(private_key)).encode())
        return cls(did, f"{did}#0", private_key)

    @property
    def multikey(self) -> str:
        return multikey_of(self.private_key.public_key())

    @property
    def did_document_url(self) -> str:
        return did_web_url(self.id)

    def did_document(self, *, list_for_assertions: bool = True) -> dict[str, Any]:
        """The issuer's DID document, listing the key under assertionMethod."""
        method = {
            "id": self.key_id,
            "type": "Multikey",
            "controller": self.id,
            "publicKeyMultibase": self.multikey,
        }
        document: dict[str, Any] = {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.id,
            "verificationMethod": [method],
        }
        if list_for_assertions:
            document["assertionMethod"] = [self.key_id]
        return document

    def sign(
        self,
        credential: Mapping[str, Any],
        *,
        cryptosuite: str | None = None,
        proof_type: str = "DataIntegrityProof",
        key_id: str | None = None,
        created: str = SIGNED_AT,
    ) -> dict[str, Any]:
        """Add a proof (appended to any existing ones, as a proof set)."""
        suite = cryptosuite or self.default_suite
        proof: dict[str, Any] = {"type": proof_type, "created": created}
        if proof_type == "DataIntegrityProof":
            proof["cryptosuite"] = suite
        proof["verificationMethod"] = key_id or self.key_id
        proof["proofPurpose"] = "assertionMethod"
        canon = SUITES.get(suite, ("rdfc", ""))[0] if proof_type == "DataIntegrityProof" else "rdfc"
        unsigned = {k: v for k, v in credential.items() if k != "proof"}
        proof["proofValue"] = multibase_encode(self.raw_sign(signing_input(unsigned, proof, canon)))
        signed = copy.deepcopy(dict(credential))
        existing = signed.get("proof")
        signed["proof"] = proof if existing is None else _as_list(existing) + [proof]
        return signed

    @property
    def default_suite(self) -> str:
        return (
            "ecdsa-rdfc-2019"
            if isinstance(self.private_key, ec.EllipticCurvePrivateKey)
            else "eddsa-rdfc-2022"
        )

    def raw_sign(self, message: bytes) -> bytes:
        if isinstance(self.private_key, ed25519.Ed25519PrivateKey):
            return self.private_key.sign(message)
        r, s = decode_dss_signature(self.private_key.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def sign_jwt(
        self,
        credential: Mapping[str, Any],
        *,
        vc_claim: bool = False,
        header: Mapping[str, Any] | None = None,
        claims: Mapping[str, Any] | None = None,
    ) -> str:
        """A compact VC-JWT: the credential as the claims set, or VCDM 1.1 `vc` claim form."""
        alg = "EdDSA" if isinstance(self.private_key, ed25519.Ed25519PrivateKey) else "ES256"
        payload = _vc_claims(credential) if vc_claim else dict(credential)
        payload.update(claims or {})
        merged = {"alg": alg, "typ": "JWT", "kid": self.key_id, **(header or {})}
        protected = {k: v for k, v in merged.items() if v is not None}  # None removes a field
        token = jws.JWS(json.dumps(payload).encode())
        token.add_signature(jwk.JWK.from_pyca(self.private_key), None, json.dumps(protected))
        return str(token.serialize(compact=True))

    def status_list(
        self,
        url: str,
        *,
        set_bits: Iterable[int] = (),
        purpose: str = "revocation",
        list_type: str = "BitstringStatusList",
        valid_until: str | None = None,
    ) -> dict[str, Any]:
        """A signed status list credential with the given positions set."""
        contexts = [VC_V2] if list_type == "BitstringStatusList" else [VC_V1, STATUS_LIST_2021]
        encoded = encode_bitstring(set_bits)
        list_credential: dict[str, Any] = {
            "@context": contexts,
            "id": url,
            "type": ["VerifiableCredential", f"{list_type}Credential"],
            "issuer": self.id,
            "credentialSubject": {
                "id": f"{url}#list",
                "type": list_type,
                "statusPurpose": purpose,
                "encodedList": "u" + encoded if list_type == "BitstringStatusList" else encoded,
            },
        }
        date_field = "validFrom" if list_type == "BitstringStatusList" else "issuanceDate"
        list_credential[date_field] = "2020-01-01T00:00:00Z"
        if valid_until:
            list_credential["validUntil" if date_field == "validFrom" else "expirationDate"] = (
                valid_until
            )
        if list_type != "BitstringStatusList" or self.default_suite != "eddsa-rdfc-2022":
            list_credential["@context"].append(DATA_INTEGRITY_V2)
        return self.sign(list_credential)


def self_jwk(private_key: PrivateKey) -> dict[str, Any]:
    """The public JWK of a key."""
    exported = jwk.JWK.from_pyca(private_key.public_key()).export_public(as_dict=True)
    return dict(exported)


def build_credential(
    issuer: IssuerKit | str,
    *,
    version: int = 2,
    credential_id: str = "urn:uuid:2f3c8a4e-0b1d-4e8e-9a57-0d1e4f5a6b7c",
    subject_id: str | None = "did:example:learner",
    email: str | None = None,
    salt: str | None = None,
    valid_from: str = "2024-01-01T00:00:00Z",
    valid_until: str | None = None,
    status: Mapping[str, Any] | list[Mapping[str, Any]] | None = None,
    achievement_name: str = "Data Analysis",
    alignments: Iterable[Mapping[str, Any]] = (),
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An unsigned OpenBadgeCredential (VCDM 2.0 by default, 1.1 with version=1)."""
    issuer_id = issuer if isinstance(issuer, str) else issuer.id
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "achievement": _achievement(achievement_name, alignments),
    }
    if subject_id:
        subject["id"] = subject_id
    if email:
        subject["identifier"] = [_identity(email, salt)]
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3] if version == 2 else [VC_V1, OB_V3, DATA_INTEGRITY_V2],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": "Example University"},
        "name": achievement_name,
        "credentialSubject": subject,
    }
    start, end = ("validFrom", "validUntil") if version == 2 else ("issuanceDate", "expirationDate")
    credential[start] = valid_from
    if valid_until:
        credential[end] = valid_until
    if status is not None:
        credential["credentialStatus"] = status
    credential.update(extra or {})
    return credential


def build_clr(
    issuer: IssuerKit, credentials: Iterable[Any], *, valid_from: str = SIGNED_AT
) -> dict[str, Any]:
    """An unsigned CLR 2.0 ClrCredential wrapping (signed) credentials."""
    return {
        "@context": [VC_V2, CLR_V2, OB_V3],
        "id": "urn:uuid:7d4c6a0e-2b7f-4c1e-8f0a-3b9d5e6f7a8b",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name},
        "name": "Transcript",
        "validFrom": valid_from,
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["ClrSubject"],
            "verifiableCredential": list(credentials),
        },
    }


def bitstring_entry(url: str, index: int, purpose: str = "revocation") -> dict[str, Any]:
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def encode_bitstring(set_bits: Iterable[int], size_bits: int = 131_072) -> str:
    """base64url(gzip(bitstring)), leftmost bit = index 0."""
    bits = bytearray(size_bits // 8)
    for index in set_bits:
        bits[index // 8] |= 0x80 >> (index % 8)
    return b64url_encode(gzip.compress(bytes(bits), mtime=0))


def _achievement(name: str, alignments: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": "https://issuer.example/achievements/data-analysis",
        "type": ["Achievement"],
        "name": name,
        "description": f"Awarded for {name}.",
        "criteria": {"narrative": "Completed the assessed project."},
        "achievementType": "Certificate",
    }
    aligned = [{"type": ["Alignment"], **a} for a in alignments]
    if aligned:
        achievement["alignment"] = aligned
    return achievement


def _identity(email: str, salt: str | None) -> dict[str, Any]:
    import hashlib

    if salt is None:
        return {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": False,
            "identityHash": email,
        }
    digest = hashlib.sha256((email.lower() + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "salt": salt,
    }


def _vc_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    issuer = credential["issuer"]
    claims: dict[str, Any] = {
        "vc": dict(credential),
        "iss": issuer["id"] if isinstance(issuer, Mapping) else issuer,
        "jti": credential.get("id"),
    }
    start = credential.get("validFrom", credential.get("issuanceDate"))
    if start:
        claims["nbf"] = int(datetime.fromisoformat(start).timestamp())
    end = credential.get("validUntil", credential.get("expirationDate"))
    if end:
        claims["exp"] = int(datetime.fromisoformat(end).timestamp())
    return claims


def _new_key(curve: str, seed: int | None) -> PrivateKey:
    if curve == "P-256":
        if seed is not None:
            return ec.derive_private_key(seed, ec.SECP256R1())
        return ec.generate_private_key(ec.SECP256R1())
    if seed is not None:
        return ed25519.Ed25519PrivateKey.from_private_bytes(seed.to_bytes(32, "big"))
    return ed25519.Ed25519PrivateKey.generate()


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def ed25519_from_hex(private_hex: str) -> ed25519.Ed25519PrivateKey:
    """The spec test vector's key (the first 32 bytes of its 64-byte secret)."""
    return ed25519.Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex)[:32])


def now_utc() -> datetime:
    return datetime.now(UTC)


__all__ = ["IssuerKit", "bitstring_entry", "build_credential", "encode_bitstring", "serialization"]
