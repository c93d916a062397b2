"""Compact VC-JWT: the credential as the claims set, or in the VCDM 1.1 `vc` claim."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.verification.fetcher import Fetcher
from app.verification.jws import ALLOWED_ALGS, REFUSED_ALGS
from app.verification.ob3.credential import Window, issuer_id, parse_date, window_of
from app.verification.ob3.dids import ResolvedKey, require_issuer, resolve_key
from app.verification.ob3.errors import Failure, invalid, unsupported
from app.verification.ob3.keys import b64url_decode

CHECK = "signature"
# The same algorithms as an OB 2.0 JWS: jwcrypto also checks that the key fits the algorithm
# (an ES384 token needs a P-384 key).
ALGORITHMS = sorted(ALLOWED_ALGS)
CLOCK_SKEW = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Jwt:
    """A decoded, not yet verified VC-JWT."""

    token: str
    header: Mapping[str, Any]
    claims: Mapping[str, Any]
    credential: dict[str, Any]


def decode(token: str) -> Jwt:
    """Split and parse a compact JWT; nothing is trusted yet."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise invalid("format", "is not a compact JWT (three dot-separated parts)")
    header, claims = _json_part(parts[0], "header"), _json_part(parts[1], "claims")
    return Jwt(token.strip(), header, claims, _credential(claims))


def verify_signature(decoded: Jwt, fetcher: Fetcher) -> tuple[str, ResolvedKey]:
    """Verify the JWS with a key the issuer published; returns the algorithm and the key."""
    from jwcrypto import jwk, jws  # only a VC-JWT pays for importing it
    from jwcrypto.common import JWException

    alg = decoded.header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none":
        raise invalid(CHECK, "the token is not signed (alg none)")
    if alg in REFUSED_ALGS:
        raise invalid(
            CHECK, f"the token uses a signature algorithm Skillproof never accepts: {alg}"
        )
    if alg not in ALGORITHMS:
        raise unsupported(
            CHECK, f"signed with an algorithm Skillproof does not handle yet: {alg[:40]}"
        )
    issuer = issuer_id(decoded.credential)
    key = resolve_key(_key_id(decoded.header, issuer), fetcher)
    require_issuer(key, issuer)
    try:
        token = jws.JWS()
        token.deserialize(decoded.token)
        token.allowed_algs = ALGORITHMS
        token.verify(jwk.JWK.from_pyca(key.public_key), alg=alg)
    except (JWException, ValueError, TypeError) as exc:
        raise invalid(
            CHECK,
            "the signature does not match: the credential was altered or signed by another key",
        ) from exc
    return alg, key


def jwt_window(decoded: Jwt) -> Window:
    """The validity window; nbf/exp must agree with the credential's own dates."""
    window = window_of(decoded.credential)
    nbf, exp = _numeric_date(decoded.claims, "nbf"), _numeric_date(decoded.claims, "exp")
    _agree(nbf, window.valid_from, "start")
    _agree(exp, window.valid_until, "end")
    return Window(window.valid_from or nbf, window.valid_until or exp)


def _key_id(header: Mapping[str, Any], issuer: str | None) -> str:
    kid = header.get("kid")
    if isinstance(kid, str) and kid:
        if kid.startswith("#") and issuer:
            return issuer + kid
        if _is_thumbprint(kid):
            raise unsupported(
                "key",
                "the token names its key only by a thumbprint (VC-JOSE-COSE); Skillproof finds"
                " keys through the issuer's DID or key documents, not by thumbprint",
            )
        return kid
    if "jwk" in header:
        raise invalid(
            CHECK, "the token carries its own key (jwk header): only the credential vouches for it"
        )
    if issuer and issuer.startswith(("did:key:", "did:jwk:")):
        return issuer
    raise invalid(CHECK, "the token does not say which of the issuer's keys signed it")


def _is_thumbprint(kid: str) -> bool:
    """A bare RFC 7638 JWK thumbprint (or its URN form): it names a key but says where not."""
    if kid.startswith("urn:ietf:params:oauth:jwk-thumbprint:"):
        return True
    return ":" not in kid and "/" not in kid and len(kid) == 43


def _credential(claims: Mapping[str, Any]) -> dict[str, Any]:
    vc = claims.get("vc")
    if vc is None:
        return dict(claims)
    if not isinstance(vc, Mapping):
        raise invalid("format", "the token's vc claim is not a JSON object")
    credential = dict(vc)
    # VCDM 1.1 JWT encoding: registered claims stand in for credential properties
    if "iss" in claims and "issuer" not in credential:
        credential["issuer"] = claims["iss"]
    if "jti" in claims and "id" not in credential:
        credential["id"] = claims["jti"]
    subject = credential.get("credentialSubject")
    if "sub" in claims and isinstance(subject, Mapping) and "id" not in subject:
        credential["credentialSubject"] = {**subject, "id": claims["sub"]}
    for claim, field in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        stamp = _numeric_date(claims, claim)
        if stamp is not None and field not in credential and "validFrom" not in credential:
            credential[field] = stamp.isoformat()
    return credential


def check_issuer_claim(decoded: Jwt) -> None:
    iss = decoded.claims.get("iss")
    issuer = issuer_id(decoded.credential)
    if iss is not None and iss != issuer:
        raise invalid(
            "issuer", f"the token's issuer ({iss}) is not the credential's issuer ({issuer})"
        )


def _agree(stamp: datetime | None, date: datetime | None, which: str) -> None:
    if stamp is not None and date is not None and abs(stamp - date) > CLOCK_SKEW:
        raise invalid("dates", f"the token's {which} date disagrees with the credential's own")


def _numeric_date(claims: Mapping[str, Any], name: str) -> datetime | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid("dates", f"the token's {name} is not a date")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise invalid("dates", f"the token's {name} is out of range") from exc


def _json_part(part: str, name: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(part))
    except (Failure, ValueError, UnicodeDecodeError) as exc:
        raise invalid("format", f"the token's {name} is not JSON") from exc
    if not isinstance(value, dict):
        raise invalid("format", f"the token's {name} is not a JSON object")
    return value


__all__ = ["Jwt", "check_issuer_claim", "decode", "jwt_window", "parse_date", "verify_signature"]
