"""An OB 2.0 signed badge's JWS is checked with `cryptography` directly when the key is a plain
PEM public key that fits the algorithm (issue 14: jwcrypto costs more to import than to
verify). The verdict must be the one jwcrypto gives, for every algorithm, signed or tampered."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from jwcrypto import jwk
from jwcrypto import jws as jose

from app.verification import jws

PAYLOAD = {"uid": "b1", "badge": "https://issuer.example/badge"}
Key = Any


def make_key(kind: str) -> Key:
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind in ("secp256r1", "secp384r1", "secp521r1", "secp256k1"):
        return ec.generate_private_key(getattr(ec, kind.upper())())
    return (
        ed25519.Ed25519PrivateKey.generate()
        if kind == "ed25519"
        else ed448.Ed448PrivateKey.generate()
    )


def pem(key: Key) -> str:
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public.decode()


def signed(key: Key, alg: str) -> str:
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    token = jose.JWS(json.dumps(PAYLOAD).encode())
    token.add_signature(jwk.JWK.from_pem(private), alg=alg, protected={"alg": alg})
    return str(token.serialize(compact=True))


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    flipped = "A" if signature[5] != "A" else "B"
    return ".".join((header, payload, signature[:5] + flipped + signature[6:]))


ALGORITHMS = [
    pytest.param(alg, kind, id=alg)
    for alg, kind in [
        ("RS256", "rsa"),
        ("RS384", "rsa"),
        ("RS512", "rsa"),
        ("PS256", "rsa"),
        ("PS384", "rsa"),
        ("PS512", "rsa"),
        ("ES256", "secp256r1"),
        ("ES384", "secp384r1"),
        ("ES512", "secp521r1"),
        ("ES256K", "secp256k1"),
        ("EdDSA", "ed25519"),
        ("EdDSA", "ed448"),
    ]
]


@pytest.mark.parametrize(("alg", "kind"), ALGORITHMS)
def test_a_plain_public_key_is_checked_without_jwcrypto_with_jwcrypto_s_verdict(
    alg: str, kind: str
) -> None:
    key = make_key(kind)
    good, bad = signed(key, alg), tampered(signed(key, alg))
    for token, expected in ((good, True), (bad, False)):
        compact = jws.parse(token)
        assert jws._verify_plain(compact, pem(key)) is expected
        assert jws._verify_jwcrypto(compact, pem(key)) is expected
        assert jws.verify(compact, pem(key)) is expected


@pytest.mark.parametrize(
    ("alg", "signer", "holder"),
    [
        pytest.param("RS256", "rsa", "secp256r1", id="rsa-alg-ec-key"),
        pytest.param("ES256", "secp256r1", "secp384r1", id="es256-with-a-p384-key"),
        pytest.param("ES256", "secp256r1", "rsa", id="ec-alg-rsa-key"),
        pytest.param("EdDSA", "ed25519", "rsa", id="eddsa-alg-rsa-key"),
    ],
)
def test_a_key_that_does_not_fit_the_algorithm_never_verifies(
    alg: str, signer: str, holder: str
) -> None:
    compact = jws.parse(signed(make_key(signer), alg))
    other = pem(make_key(holder))
    assert jws._verify_plain(compact, other) in (None, False)
    with contextlib.suppress(jws.JwsError):  # jwcrypto may refuse the key outright: fine too
        assert jws.verify(compact, other) is False


def test_a_signature_of_the_wrong_length_is_not_verified() -> None:
    key = make_key("secp256r1")
    header, payload, _ = signed(key, "ES256").split(".")
    compact = jws.parse(f"{header}.{payload}.AAAA")
    assert jws.verify(compact, pem(key)) is False


def test_a_private_key_or_a_certificate_goes_to_jwcrypto_which_names_the_problem() -> None:
    key = make_key("rsa")
    compact = jws.parse(signed(key, "RS256"))
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    assert jws._verify_plain(compact, private) is None
    with pytest.raises(jws.JwsError, match="private key"):
        jws.verify(compact, private)
