"""The demo issuer's Open Badges 3.0 side: a did:key issuer signing eddsa-rdfc-2022 credentials.

The credentials and their BitstringStatusList are signed on request with the key kept in
`instance/demo-issuer/` and served next to the OB 2.0 documents (demo mode only).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from app.services.demo_issuer import BADGES, PREFIX, load_or_create_key
from app.verification.ob3.keys import multibase_encode, multikey_of
from app.verification.ob3.proofs import signing_input

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_BITS = 131_072  # the Bitstring Status List minimum (16 KiB)


@dataclass(frozen=True)
class Ob3Award:
    slug: str
    badge: str
    email: str
    index: int  # position in the status list
    revoked: bool = False


class DemoOb3Issuer:
    """Builds and signs the demo's OB 3.0 documents for a base URL."""

    def __init__(self, key_dir: Path, base: str) -> None:
        self.key = load_or_create_key(
            key_dir / "ed25519-key.pem",
            ed25519.Ed25519PrivateKey.generate,
            ed25519.Ed25519PrivateKey,
        )
        self.base = base.rstrip("/") + PREFIX + "/ob3"
        fingerprint = multikey_of(self.key.public_key())
        self.did = f"did:key:{fingerprint}"
        self.key_id = f"{self.did}#{fingerprint}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def credential(self, award: Ob3Award) -> dict[str, Any]:
        badge = BADGES[award.badge]
        salt = hashlib.sha256(award.slug.encode()).hexdigest()[:8]
        digest = hashlib.sha256((award.email + salt).encode()).hexdigest()
        document = {
            "@context": [VC_V2, OB_V3],
            "id": self.url(f"{award.slug}.json"),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": self.did, "type": ["Profile"], "name": "Skillproof Demo Academy"},
            "name": badge.name,
            "validFrom": "2025-06-02T09:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityType": "emailAddress",
                        "hashed": True,
                        "identityHash": f"sha256${digest}",
                        "salt": salt,
                    }
                ],
                "achievement": _achievement(self.base, award.badge),
            },
            "credentialStatus": {
                "id": f"{self.url('status.json')}#{award.index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(award.index),
                "statusListCredential": self.url("status.json"),
            },
        }
        return self._sign(document)

    def status_list(self, awards: list[Ob3Award]) -> dict[str, Any]:
        bits = bytearray(STATUS_BITS // 8)
        for award in awards:
            if award.revoked:
                bits[award.index // 8] |= 0x80 >> (award.index % 8)
        encoded = base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=")
        document = {
            "@context": [VC_V2],
            "id": self.url("status.json"),
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": self.did,
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "id": self.url("status.json#list"),
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": "u" + encoded.decode(),
            },
        }
        return self._sign(document)

    def _sign(self, document: dict[str, Any]) -> dict[str, Any]:
        proof: dict[str, Any] = {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2025-06-02T09:00:00Z",
            "verificationMethod": self.key_id,
            "proofPurpose": "assertionMethod",
        }
        proof["proofValue"] = multibase_encode(
            self.key.sign(signing_input(document, proof, "rdfc"))
        )
        return {**document, "proof": proof}


def _achievement(base: str, slug: str) -> dict[str, Any]:
    badge = BADGES[slug]
    return {
        "id": f"{base}/achievements/{slug}",
        "type": ["Achievement"],
        "name": badge.name,
        "description": badge.description,
        "criteria": {"narrative": f"Pass the {badge.name} assessment with at least 70%."},
        "achievementType": "Certification",
        "image": {"id": f"{base.removesuffix('/ob3')}/images/{slug}.svg", "type": "Image"},
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": name,
                "targetFramework": framework,
                "targetCode": code,
                "targetUrl": f"https://esco.example/skill/{code}",
            }
            for name, framework, code in badge.skills
        ],
    }


OB3_AWARDS = (
    Ob3Award("amira-ob3-data", "python-data", "amira.haddad@example.com", 3),
    Ob3Award("ben-ob3-k8s", "kubernetes-admin", "ben.okafor@example.com", 7, revoked=True),
    Ob3Award("dana-ob3-cloud", "cloud-practitioner", "dana.kowalski@example.com", 11),
)
