"""Compact JWS: read the header and payload, and verify with a key from the issuer."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from app.verification.detect import MAX_JSON_BYTES, JsonError, parse_json

# Every asymmetric JOSE algorithm jwcrypto verifies with a PEM key; never `none` or HMAC.
ALLOWED_ALGS = frozenset(
    {
        "RS256",
        "RS384",
        "RS512",
        "PS256",
        "PS384",
        "PS512",
        "ES256",
        "ES384",
        "ES512",
        "ES256K",
        "EdDSA",
        "Ed25519",
        "Ed448",
    }
)
REFUSED_ALGS = frozenset({"none", "HS256", "HS384", "HS512"})
# What `verify` imports for a plain PEM key: a caller may load them while it fetches the key.
PLAIN_MODULES = (
    "cryptography.exceptions",
    "cryptography.hazmat.primitives.hashes",
    "cryptography.hazmat.primitives.asymmetric.padding",
    "cryptography.hazmat.primitives.asymmetric.utils",
    "cryptography.hazmat.primitives.serialization",
)


class JwsError(ValueError):
    """A token that is not a usable compact JWS; the message is plain words."""


class JwsUnsupported(JwsError):
    """A well-formed token signed with an algorithm Skillproof does not handle yet."""


@dataclass(frozen=True, slots=True)
class CompactJws:
    token: str
    header: dict[str, Any]
    payload: Any

    @property
    def alg(self) -> str:
        return str(self.header.get("alg"))


def parse(token: str, *, check_alg: bool = True) -> CompactJws:
    """Split and decode a compact JWS without verifying it; refuses algorithms we never trust."""
    token = token.strip()
    if len(token) > MAX_JSON_BYTES * 2:
        raise JwsError("the signed badge is too large")
    parts = token.split(".")
    if len(parts) != 3:
        raise JwsError("not a compact signature (JWS): it must have three parts")
    header = _decode_json(parts[0], "header")
    if not isinstance(header, dict):
        raise JwsError("the signature header is not a JSON object")
    alg = header.get("alg")
    if check_alg and (not isinstance(alg, str) or alg.lower() == "none" or alg in REFUSED_ALGS):
        raise JwsError(f"the signature uses an algorithm Skillproof never accepts ({_alg(alg)})")
    if check_alg and alg not in ALLOWED_ALGS:
        raise JwsUnsupported(
            f"signed with an algorithm Skillproof does not handle yet ({_alg(alg)})"
        )
    if header.get("crit"):
        raise JwsError("the signature has critical header extensions Skillproof does not handle")
    return CompactJws(token, header, _decode_json(parts[1], "payload"))


def verify(compact: CompactJws, public_key_pem: str) -> bool:
    """Whether the signature verifies with this PEM public key (raises JwsError if bad key)."""
    checked = _verify_plain(compact, public_key_pem)
    return _verify_jwcrypto(compact, public_key_pem) if checked is None else checked


def _verify_plain(compact: CompactJws, public_key_pem: str) -> bool | None:
    """The common case, a PEM public key whose type fits the algorithm, checked with
    `cryptography` itself (jwcrypto costs a signed badge more to import than to verify);
    None for anything else (certificates, private keys, unencoded payloads), which jwcrypto
    judges as before."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    if compact.alg not in _PLAIN_ALGS or "b64" in compact.header:
        return None
    try:
        key = load_pem_public_key(public_key_pem.encode())
    except (ValueError, TypeError):
        return None
    signed, _, signature = compact.token.rpartition(".")
    try:
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    except (binascii.Error, ValueError):
        return False
    return _plain_check(compact.alg, key, raw, signed.encode("ascii"))


_PLAIN_ALGS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
_PLAIN_ALGS |= {"ES256K", "EdDSA", "Ed25519", "Ed448"}
_EC_CURVES = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}
_EC_CURVES["ES256K"] = "secp256k1"


def _plain_check(alg: str, key: Any, signature: bytes, signed: bytes) -> bool | None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    digest = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}
    bits = alg[2:5]
    try:
        if alg[:2] in ("RS", "PS") and isinstance(key, rsa.RSAPublicKey):
            hashing = digest[bits]
            pad: padding.AsymmetricPadding = (
                padding.PKCS1v15()
                if alg[:2] == "RS"
                else padding.PSS(padding.MGF1(hashing), salt_length=hashing.digest_size)
            )
            key.verify(signature, signed, pad, hashing)
        elif alg in _EC_CURVES and isinstance(key, ec.EllipticCurvePublicKey):
            if key.curve.name != _EC_CURVES[alg]:
                return None  # jwcrypto names the mismatch
            size = (key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                return False
            r, s = (int.from_bytes(signature[i : i + size], "big") for i in (0, size))
            key.verify(encode_dss_signature(r, s), signed, ec.ECDSA(digest[bits]))
        elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            curve = "Ed25519" if isinstance(key, ed25519.Ed25519PublicKey) else "Ed448"
            if alg not in ("EdDSA", curve):
                return None
            key.verify(signature, signed)
        else:
            return None  # a key of another type: jwcrypto refuses it in its own words
    except InvalidSignature:
        return False
    return True


def _verify_jwcrypto(compact: CompactJws, public_key_pem: str) -> bool:
    from jwcrypto import jwk, jws  # only an unusual key pays for importing it
    from jwcrypto.common import JWException

    try:
        key = jwk.JWK.from_pem(public_key_pem.encode())
    except (ValueError, TypeError, JWException) as exc:
        raise JwsError("the issuer's public key cannot be read") from exc
    if key.has_private:
        raise JwsError("the issuer published a private key, not a public key")
    try:
        token = jws.JWS()
        token.deserialize(compact.token)
        token.verify(key, alg=compact.alg)
    except (jws.InvalidJWSSignature, jws.InvalidJWSObject, JWException, ValueError):
        return False
    return True


def _decode_json(part: str, name: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise JwsError(f"the signature {name} is not base64url") from None
    try:
        return parse_json(raw)
    except JsonError as exc:
        raise JwsError(f"the signature {name} is {exc}") from None


def _alg(value: Any) -> str:
    return json.dumps(value)[:30]
