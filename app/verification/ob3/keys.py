"""Public keys from their published encodings: multibase Multikey and JWK."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

import base58
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from app.verification.ob3.errors import invalid, unsupported

PublicKey = (
    ed25519.Ed25519PublicKey | ed448.Ed448PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
)

ED25519_PREFIX = b"\xed\x01"
P256_PREFIX = b"\x80\x24"
# multicodec prefix -> (curve, compressed point length)
EC_PREFIXES: dict[bytes, tuple[ec.EllipticCurve, int]] = {
    P256_PREFIX: (ec.SECP256R1(), 33),
    b"\x81\x24": (ec.SECP384R1(), 49),
    b"\x82\x24": (ec.SECP521R1(), 67),
    b"\xe7\x01": (ec.SECP256K1(), 33),
}
JWK_CURVES: dict[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(),
    "P-384": ec.SECP384R1(),
    "P-521": ec.SECP521R1(),
    "secp256k1": ec.SECP256K1(),
}


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise invalid("key", "a key or signature is not valid base64url") from exc


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def multibase_decode(value: str) -> bytes:
    """Decode a multibase string: 'z' base58btc or 'u' base64url."""
    if value.startswith("z"):
        try:
            return base58.b58decode(value[1:])
        except ValueError as exc:
            raise invalid("key", "a key or signature is not valid base58") from exc
    if value.startswith("u"):
        return b64url_decode(value[1:])
    raise invalid("key", "a key or signature uses an unknown multibase encoding")


def multibase_encode(data: bytes) -> str:
    """Encode as multibase base58btc ('z')."""
    return "z" + base58.b58encode(data).decode("ascii")


def key_from_multikey(value: str) -> PublicKey:
    """An Ed25519 or elliptic-curve (P-256, P-384, P-521, secp256k1) key from a Multikey value."""
    raw = multibase_decode(value)
    curve = EC_PREFIXES.get(raw[:2])
    try:
        if raw.startswith(ED25519_PREFIX) and len(raw) == 34:
            return ed25519.Ed25519PublicKey.from_public_bytes(raw[2:])
        if curve is not None and len(raw) == 2 + curve[1]:
            return ec.EllipticCurvePublicKey.from_encoded_point(curve[0], raw[2:])
    except ValueError as exc:
        raise invalid("key", "the issuer's public key is malformed") from exc
    if len(raw) == 32:  # Ed25519VerificationKey2020 without the multicodec header
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    raise unsupported(
        "key", "the issuer's key type is not supported (Ed25519, P-256, P-384, P-521, secp256k1)"
    )


def multikey_of(public_key: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey) -> str:
    """The multibase Multikey form of an Ed25519 or P-256 public key."""
    from cryptography.hazmat.primitives import serialization

    if isinstance(public_key, ed25519.Ed25519PublicKey):
        raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return multibase_encode(ED25519_PREFIX + raw)
    point = public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    return multibase_encode(P256_PREFIX + point)


def key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """An Ed25519, Ed448, elliptic-curve or RSA public key from a JWK."""
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(str(jwk["x"])))
        if kty == "OKP" and crv == "Ed448":
            return ed448.Ed448PublicKey.from_public_bytes(b64url_decode(str(jwk["x"])))
        if kty == "EC" and isinstance(crv, str) and crv in JWK_CURVES:
            x = int.from_bytes(b64url_decode(str(jwk["x"])), "big")
            y = int.from_bytes(b64url_decode(str(jwk["y"])), "big")
            return ec.EllipticCurvePublicNumbers(x, y, JWK_CURVES[crv]).public_key()
        if kty == "RSA":
            n = int.from_bytes(b64url_decode(str(jwk["n"])), "big")
            e = int.from_bytes(b64url_decode(str(jwk["e"])), "big")
            return rsa.RSAPublicNumbers(e, n).public_key()
    except (KeyError, ValueError) as exc:
        raise invalid("key", "the issuer's public key is malformed") from exc
    raise unsupported("key", f"the issuer's key type is not supported ({kty} {crv or ''})")


def key_from_method(method: Mapping[str, Any]) -> PublicKey:
    """The public key a verification method publishes (Multikey or JsonWebKey)."""
    multikey = method.get("publicKeyMultibase")
    if isinstance(multikey, str):
        return key_from_multikey(multikey)
    jwk = method.get("publicKeyJwk")
    if isinstance(jwk, Mapping):
        return key_from_jwk(jwk)
    raise invalid("key", "the issuer's key entry has no public key Skillproof can read")
