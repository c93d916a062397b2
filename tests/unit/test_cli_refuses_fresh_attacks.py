"""`skillproof verify` (a real process) gives `verified` to none of the documents the "Fail
closed" rules refuse, each signed fresh by the test signers in this run."""

from __future__ import annotations

import base64
import copy
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto import jwk, jws

from app.verification.ob3.keys import multibase_encode
from app.verification.ob3.proofs import signing_input
from tests.support.ob2_builders import png
from tests.support.ob3_builders import SIGNED_AT, IssuerKit, build_credential, self_jwk
from tests.support.test_issuer import verifier_env

SKILLPROOF = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "skillproof"
pytestmark = pytest.mark.skipif(not SKILLPROOF.exists(), reason=f"{SKILLPROOF} is not installed")

KIT = IssuerKit.did_key()
STRANGER = IssuerKit.did_key()
P256 = IssuerKit.did_key(curve="P-256")


def _proof(kit: IssuerKit, credential: dict[str, Any], **fields: Any) -> dict[str, Any]:
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": kit.default_suite,
        "created": SIGNED_AT,
        "verificationMethod": kit.key_id,
        "proofPurpose": "assertionMethod",
        **fields,
    }
    proof["proofValue"] = multibase_encode(kit.raw_sign(signing_input(credential, proof, "rdfc")))
    return {**copy.deepcopy(credential), "proof": proof}


def _famous() -> dict[str, Any]:
    return build_credential(KIT)


def _stranger_proof_in_jwt() -> str:
    forged = STRANGER.sign(_famous())
    forged["proof"]["verificationMethod"] = KIT.key_id
    return KIT.sign_jwt(forged)


def _jwk_header() -> str:
    issuer = "https://issuer.example"
    kit = IssuerKit(issuer, f"{issuer}#key-1", STRANGER.private_key)
    return kit.sign_jwt(
        build_credential(kit), header={"kid": None, "jwk": self_jwk(kit.private_key)}
    )


def _tampered() -> dict[str, Any]:
    signed = KIT.sign(_famous())
    signed["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    return signed


def _hmac() -> str:
    token = jws.JWS(json.dumps(_famous()).encode())
    secret = jwk.JWK(kty="oct", k=base64.urlsafe_b64encode(b"k" * 32).decode().rstrip("="))
    token.add_signature(secret, None, json.dumps({"alg": "HS256", "kid": KIT.key_id}))
    return str(token.serialize(compact=True))


def _es384() -> str:
    private_key = ec.generate_private_key(ec.SECP384R1())
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    fingerprint = multibase_encode(b"\x81\x24" + point)
    kit = IssuerKit(f"did:key:{fingerprint}", f"did:key:{fingerprint}#{fingerprint}", private_key)
    return kit.sign_jwt(build_credential(kit), header={"alg": "ES384"})


Make = Callable[[], Any]
CASES: dict[str, tuple[Make, str]] = {
    "proof-expired.json": (
        lambda: _proof(KIT, _famous(), expires="2025-01-01T00:00:00Z"),
        "invalid",
    ),
    "proof-from-the-future.json": (
        lambda: _proof(KIT, _famous(), created="2030-01-01T00:00:00Z"),
        "invalid",
    ),
    "proof-for-authentication.json": (
        lambda: _proof(KIT, _famous(), proofPurpose="authentication"),
        "invalid",
    ),
    "suite-does-not-match-key.json": (
        lambda: _proof(P256, build_credential(P256), cryptosuite="eddsa-rdfc-2022"),
        "invalid",
    ),
    "stranger-proof-inside-jwt.jwt": (_stranger_proof_in_jwt, "invalid"),
    "did-key-not-the-issuer.json": (
        lambda: STRANGER.sign(build_credential("did:web:issuer.example")),
        "invalid",
    ),
    "jwk-header.jwt": (_jwk_header, "invalid"),
    "tampered.json": (_tampered, "invalid"),
    "hmac.jwt": (_hmac, "invalid"),
    "presentation.json": (
        lambda: {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [KIT.sign(_famous())],
        },
        "unsupported",
    ),
    "certificate.pdf": (lambda: b"%PDF-1.7\n%%EOF\n", "unsupported"),
    "photo.png": (lambda: png(), "unsupported"),
    "cv.txt": (lambda: b"Ten years of AWS, honest.\n", "unsupported"),
}
CONTROLS: dict[str, tuple[Make, str]] = {
    "valid.json": (lambda: KIT.sign(_famous()), "verified"),
    "valid-es384.jwt": (_es384, "verified"),
}


def _write(folder: Path, cases: dict[str, tuple[Make, str]]) -> dict[str, str]:
    expected = {}
    for name, (make, verdict) in cases.items():
        body = make()
        data = (
            body
            if isinstance(body, bytes)
            else body.encode()
            if isinstance(body, str)
            else (json.dumps(body).encode())
        )
        (folder / name).write_bytes(data)
        expected[str(folder / name)] = verdict
    return expected


def test_no_freshly_signed_refused_document_is_verified_by_the_cli(tmp_path: Path) -> None:
    expected = _write(tmp_path, {**CASES, **CONTROLS})
    done = subprocess.run(
        [str(SKILLPROOF), "verify", *expected, "--json", "--as-of", "2025-06-01"],
        capture_output=True,
        env=verifier_env(),
        timeout=120,
        check=False,
    )
    got = {line["target"]: line["verdict"] for line in map(json.loads, done.stdout.splitlines())}
    assert got == expected, done.stderr.decode()[-2000:]
    assert done.returncode == 1
