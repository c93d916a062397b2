"""Open Badges 2.0 test issuers with real RSA keys: hosted and signed assertions, baked images."""

from __future__ import annotations

import functools
import hashlib
import json
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto import jwk, jws

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
DEFAULT_EMAIL = "candidate@example.com"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@functools.cache
def rsa_key(name: str = "issuer") -> rsa.RSAPrivateKey:
    """A 2048-bit RSA key, one per name for the whole test run (generation is slow)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def sign(payload: dict[str, Any], key: rsa.RSAPrivateKey, alg: str = "RS256") -> str:
    """A compact JWS of the payload, as OB 2.0 signed badges are."""
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    token = jws.JWS(json.dumps(payload).encode())
    token.add_signature(jwk.JWK.from_pem(pem), alg=alg, protected=json.dumps({"alg": alg}))
    return str(token.serialize(compact=True))


def hashed_identity(email: str, salt: str | None = None, alg: str = "sha256") -> str:
    digest = hashlib.new(alg, (email + (salt or "")).encode()).hexdigest()
    return f"{alg}${digest}"


def recipient(
    email: str = DEFAULT_EMAIL,
    *,
    hashed: bool = True,
    salt: str | None = "s4lt",
    alg: str = "sha256",
) -> dict[str, Any]:
    """An OB 2.0 IdentityObject for an e-mail address."""
    if not hashed:
        return {"type": "email", "hashed": False, "identity": email}
    identity: dict[str, Any] = {
        "type": "email",
        "hashed": True,
        "identity": hashed_identity(email, salt, alg),
    }
    if salt is not None:
        identity["salt"] = salt
    return identity


@dataclass
class IssuerKit:
    """One issuer on `base`: profile, key, BadgeClass, revocation list; builds its assertions."""

    base: str = "https://issuer.example"
    name: str = "Example Issuer"
    key_name: str = "issuer"
    revoked: list[Any] = field(default_factory=list)

    @property
    def key(self) -> rsa.RSAPrivateKey:
        return rsa_key(self.key_name)

    @property
    def issuer_id(self) -> str:
        return f"{self.base}/issuer.json"

    @property
    def key_id(self) -> str:
        return f"{self.base}/keys/1.json"

    @property
    def badge_id(self) -> str:
        return f"{self.base}/badges/robotics.json"

    @property
    def revocation_list_id(self) -> str:
        return f"{self.base}/revocations.json"

    def assertion_id(self, slug: str = "a1") -> str:
        return f"{self.base}/assertions/{slug}.json"

    def issuer_profile(self, **overrides: Any) -> dict[str, Any]:
        profile = {
            "@context": OB2_CONTEXT,
            "type": "Issuer",
            "id": self.issuer_id,
            "name": self.name,
            "url": self.base,
            "email": "badges@issuer.example",
            "publicKey": self.key_id,
            "revocationList": self.revocation_list_id,
        }
        return _merge(profile, overrides)

    def public_key(self, **overrides: Any) -> dict[str, Any]:
        doc = {
            "@context": OB2_CONTEXT,
            "type": "CryptographicKey",
            "id": self.key_id,
            "owner": self.issuer_id,
            "publicKeyPem": public_pem(self.key),
        }
        return _merge(doc, overrides)

    def badge_class(self, **overrides: Any) -> dict[str, Any]:
        badge = {
            "@context": OB2_CONTEXT,
            "type": "BadgeClass",
            "id": self.badge_id,
            "name": "Robotics Fundamentals",
            "description": "Builds and programs a small robot.",
            "image": f"{self.base}/badges/robotics.png",
            "criteria": {"narrative": "Pass the robotics practical."},
            "issuer": self.issuer_id,
            "tags": ["robotics", "python"],
            "alignment": [
                {
                    "targetName": "Robot programming",
                    "targetFramework": "ESCO",
                    "targetCode": "S1.2.3",
                    "targetUrl": "https://esco.example/skills/robot-programming",
                }
            ],
        }
        return _merge(badge, overrides)

    def revocation_list(self, revoked: list[Any] | None = None) -> dict[str, Any]:
        return {
            "@context": OB2_CONTEXT,
            "type": "RevocationList",
            "id": self.revocation_list_id,
            "issuer": self.issuer_id,
            "revokedAssertions": list(self.revoked if revoked is None else revoked),
        }

    def documents(self) -> dict[str, dict[str, Any]]:
        """The issuer's shared documents keyed by URL (profile, key, BadgeClass, revocations)."""
        return {
            self.issuer_id: self.issuer_profile(),
            self.key_id: self.public_key(),
            self.badge_id: self.badge_class(),
            self.revocation_list_id: self.revocation_list(),
        }

    def hosted_assertion(
        self,
        slug: str = "a1",
        *,
        email: str = DEFAULT_EMAIL,
        issued_on: str = "2024-01-15T10:00:00Z",
        **overrides: Any,
    ) -> dict[str, Any]:
        assertion = {
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": self.assertion_id(slug),
            "recipient": recipient(email),
            "badge": self.badge_id,
            "issuedOn": issued_on,
            "verification": {"type": "hosted"},
        }
        return _merge(assertion, overrides)

    def hosted(self, slug: str = "a1", **kwargs: Any) -> dict[str, dict[str, Any]]:
        """Documents for a hosted badge: the assertion at its id plus the issuer's documents."""
        assertion = self.hosted_assertion(slug, **kwargs)
        return {**self.documents(), assertion["id"]: assertion}

    def signed_payload(self, slug: str = "s1", **kwargs: Any) -> dict[str, Any]:
        payload = self.hosted_assertion(slug, **kwargs)
        if "verification" not in kwargs:
            payload["verification"] = {"type": "signed", "creator": self.key_id}
        if "id" not in kwargs:
            serial = int(hashlib.sha256(slug.encode()).hexdigest()[:12], 16) % 10**12
            payload["id"] = f"urn:uuid:00000000-0000-4000-8000-{serial:012d}"
        return payload

    def signed_assertion(self, slug: str = "s1", *, alg: str = "RS256", **kwargs: Any) -> str:
        """A compact JWS signed with this issuer's key."""
        return sign(self.signed_payload(slug, **kwargs), self.key, alg)


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Overrides replace keys; a value of None removes the key."""
    merged = {**base, **overrides}
    return {k: v for k, v in merged.items() if v is not None}


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(*extra_chunks: bytes) -> bytes:
    """A valid 1x1 PNG with extra chunks placed before the image data."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    data = png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    return PNG_MAGIC + header + b"".join(extra_chunks) + data + png_chunk(b"IEND", b"")


def itxt(keyword: str, text: str, *, compressed: bool = False) -> bytes:
    payload = zlib.compress(text.encode()) if compressed else text.encode()
    body = (
        keyword.encode("latin-1") + b"\0" + bytes([1 if compressed else 0, 0]) + b"\0\0" + payload
    )
    return png_chunk(b"iTXt", body)


def text_chunk(keyword: str, text: str) -> bytes:
    return png_chunk(b"tEXt", keyword.encode("latin-1") + b"\0" + text.encode("latin-1"))


def baked_png(payload: str, *, keyword: str = "openbadges", compressed: bool = False) -> bytes:
    """A PNG carrying `payload` (a URL, JSON or JWS) in an iTXt chunk."""
    return png(itxt(keyword, payload, compressed=compressed))


def baked_svg(
    payload: str | None = None, *, verify: str | None = None, element: str = "assertion"
) -> str:
    """An SVG carrying an openbadges:assertion (or :credential) element."""
    attribute = f' verify="{verify}"' if verify else ""
    body = f"<![CDATA[{payload}]]>" if payload is not None else ""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"'
        ' viewBox="0 0 10 10">'
        f"<openbadges:{element}{attribute}>{body}</openbadges:{element}>"
        '<circle cx="5" cy="5" r="4"/></svg>'
    )
