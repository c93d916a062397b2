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
    from jwcrypto import jwk, jws  # only a signed badge pays for importing it
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
