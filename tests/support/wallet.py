"""A learner's wallet for tests: a holder DID and key that sign Verifiable Presentations.

JSON-LD presentations get a Data Integrity proof (proofPurpose `authentication`, challenge and
domain) made with the same canonicalization the verifier checks; VP-JWTs carry `nonce` and `aud`.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519
from jwcrypto import jwk, jws

from app.verification.ob3.keys import multibase_encode
from app.verification.ob3.proofs import SUITES, signing_input
from tests.support.ob3_builders import ED25519_2020, VC_V1, VC_V2, IssuerKit, build_credential

SIGNED_AT = "2025-06-01T00:00:00Z"


@dataclass(frozen=True)
class Wallet:
    """A holder: its DID and the key that DID lists for authentication."""

    kit: IssuerKit

    @classmethod
    def did_key(cls, curve: str = "Ed25519", seed: int | None = None) -> Wallet:
        return cls(IssuerKit.did_key(curve, seed))

    @classmethod
    def did_jwk(cls) -> Wallet:
        return cls(IssuerKit.did_jwk())

    @classmethod
    def did_web(cls, host: str = "learner.example") -> Wallet:
        return cls(IssuerKit.did_web(host))

    @property
    def did(self) -> str:
        return self.kit.id

    def did_document(self, *, list_for_authentication: bool = True) -> dict[str, Any]:
        """A did:web holder's document: the key under authentication (or only assertionMethod)."""
        document = self.kit.did_document()
        if list_for_authentication:
            document["authentication"] = [self.kit.key_id]
        return document

    def present(
        self,
        credentials: Iterable[Any],
        *,
        challenge: str | None,
        domain: str | list[str] | None,
        version: int = 2,
        holder: str | None = None,
        purpose: str = "authentication",
        created: str = SIGNED_AT,
        expires: str | None = None,
        cryptosuite: str | None = None,
        key_id: str | None = None,
        signer: IssuerKit | None = None,
        proof_type: str = "DataIntegrityProof",
        with_holder: bool = True,
    ) -> dict[str, Any]:
        """A presentation of `credentials` signed by this wallet (or `signer`) over a challenge."""
        suite_context = ED25519_2020 if proof_type == "Ed25519Signature2020" else DATA_INTEGRITY_V2
        presentation: dict[str, Any] = {
            "@context": [VC_V2] if version == 2 else [VC_V1, suite_context],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": list(credentials),
        }
        if with_holder:
            presentation["holder"] = holder or self.did
        kit = signer or self.kit
        proof: dict[str, Any] = {"type": proof_type}
        if proof_type == "DataIntegrityProof":
            proof["cryptosuite"] = cryptosuite or kit.default_suite
        proof.update(created=created, verificationMethod=key_id or kit.key_id, proofPurpose=purpose)
        if challenge is not None:
            proof["challenge"] = challenge
        if domain is not None:
            proof["domain"] = domain
        if expires is not None:
            proof["expires"] = expires
        canonicalization = SUITES.get(proof.get("cryptosuite", ""), ("rdfc", ""))[0]
        signature = kit.raw_sign(signing_input(presentation, proof, canonicalization))
        signed = copy.deepcopy(presentation)
        signed["proof"] = {**proof, "proofValue": multibase_encode(signature)}
        return signed

    def present_jwt(
        self,
        credentials: Iterable[Any],
        *,
        nonce: str | None,
        aud: str | None,
        claims: Mapping[str, Any] | None = None,
        header: Mapping[str, Any] | None = None,
    ) -> str:
        """A VCDM 1.1 VP-JWT: the presentation in the `vp` claim, `iss` the holder."""
        payload: dict[str, Any] = {
            "iss": self.did,
            "vp": {
                "@context": [VC_V1],
                "type": ["VerifiablePresentation"],
                "verifiableCredential": list(credentials),
            },
        }
        if nonce is not None:
            payload["nonce"] = nonce
        if aud is not None:
            payload["aud"] = aud
        payload.update(claims or {})
        key = self.kit.private_key
        alg = "EdDSA" if isinstance(key, ed25519.Ed25519PrivateKey) else "ES256"
        merged = {"alg": alg, "typ": "JWT", "kid": self.kit.key_id, **(header or {})}
        protected = {k: v for k, v in merged.items() if v is not None}
        token = jws.JWS(json.dumps(payload).encode())
        token.add_signature(jwk.JWK.from_pyca(key), None, json.dumps(protected))
        return str(token.serialize(compact=True))


DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
UNIVERSITY = IssuerKit.did_key(seed=41)


def badge_for(
    holder: str, *, name: str = "Data Analysis", issuer: IssuerKit = UNIVERSITY, version: int = 2
) -> dict[str, Any]:
    """An OpenBadgeCredential awarded to `holder`, signed by a did:key university."""
    slug = name.lower().replace(" ", "-")
    return issuer.sign(
        build_credential(
            issuer,
            subject_id=holder,
            version=version,
            achievement_name=name,
            credential_id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, holder + '/' + slug)}",
        )
    )
