"""Our signer and canonicalisation against the OB 3.0 specification's published test vectors.

Ed25519 signatures are deterministic, so signing the vector's credential with the vector's key
must reproduce the published hashes and proofValue byte for byte: a self-consistent bug in
canonicalisation (shared by signer and verifier) cannot pass this.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from app.verification.ob3.canon import canonize
from app.verification.ob3.proofs import signing_input, unsigned
from tests.support.ob3_builders import IssuerKit, ed25519_from_hex

VECTORS = (Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "ob3-spec").resolve()
pytestmark = pytest.mark.skipif(
    not VECTORS.is_dir(), reason=f"spec test vectors not found at {VECTORS}"
)


def _load(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def _kit() -> IssuerKit:
    keypair = _load("test-vector-ob/keypair.json")
    return IssuerKit(
        keypair["controller"], keypair["id"], ed25519_from_hex(keypair["privateKeyHex"])
    )


def test_canonical_hashes_match_the_published_vector() -> None:
    expected = _load("test-vector-ob/keypair.json")["expected_ob_test_vector"]
    signed = _load("test-vector-ob/linked-data-proof-ob--signed-credential.json")

    data = signing_input(unsigned(signed), signed["proof"], "rdfc")

    assert data[:32].hex() == expected["proofHashHex"]
    assert data[32:].hex() == expected["documentHashHex"]
    assert (
        hashlib.sha256(canonize(unsigned(signed)).encode()).hexdigest()
        == expected["documentHashHex"]
    )


@pytest.mark.parametrize(
    ("credential", "proof"),
    [
        pytest.param(
            "test-vector-ob/linked-data-proof-ob--credential.json",
            "test-vector-ob/linked-data-proof-ob--proof.json",
            id="open-badge",
        ),
        pytest.param(
            "test-vector-clr/linked-data-proof-clr--credential.json",
            "test-vector-clr/linked-data-proof-clr--proof.json",
            id="clr",
        ),
    ],
)
def test_signer_reproduces_the_published_proof_value(credential: str, proof: str) -> None:
    published = _load(proof)

    signed = _kit().sign(_load(credential), created=published["created"])

    assert signed["proof"]["proofValue"] == published["proofValue"]


def test_signature_matches_the_published_signature_hex() -> None:
    expected = _load("test-vector-ob/keypair.json")["expected_ob_test_vector"]
    signed = _load("test-vector-ob/linked-data-proof-ob--signed-credential.json")

    signature = _kit().raw_sign(signing_input(unsigned(signed), signed["proof"], "rdfc"))

    assert signature.hex() == expected["signatureHex"]


def test_the_vector_key_is_the_published_multikey() -> None:
    keypair = _load("test-vector-ob/keypair.json")

    assert _kit().multikey == keypair["publicKeyMultibase"]
