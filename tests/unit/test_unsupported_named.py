"""README's promises: what is well defined but not handled is `unsupported`, named; what
jwcrypto verifies safely is verified; a file that is no credential says so."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from jwcrypto import jwk, jws

from app.verification.ob3.keys import multibase_encode
from app.verification.ob3.proofs import signing_input
from app.verification.result import Outcome, Verdict, VerificationResult
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.fakes import FakeFetcher, FakeRoute
from tests.support.ob2_builders import IssuerKit as Ob2Kit
from tests.support.ob2_builders import sign
from tests.support.ob3_builders import SIGNED_AT, IssuerKit, build_credential

NOW = datetime(2025, 6, 1, tzinfo=UTC)
NOT_A_CREDENTIAL = "not a digital badge or credential"
# multicodec prefixes of did:key (varint): P-384 0x1201, P-521 0x1202, secp256k1 0xe7
DID_KEY_PREFIX = {"P-384": b"\x81\x24", "P-521": b"\x82\x24", "secp256k1": b"\xe7\x01"}
CURVES = {"P-384": ec.SECP384R1(), "P-521": ec.SECP521R1(), "secp256k1": ec.SECP256K1()}


def _run(data: bytes | str, fetcher: FakeFetcher | None = None) -> VerificationResult:
    raw = data.encode() if isinstance(data, str) else data
    return verify(Source.from_bytes(raw, "upload"), fetcher=fetcher or FakeFetcher(), now=NOW)


def _failed(result: VerificationResult) -> str:
    return "; ".join(c.detail for c in result.checks if c.outcome is Outcome.FAIL)


def _ec_did_key(curve: str) -> IssuerKit:
    private_key = ec.generate_private_key(CURVES[curve])
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    fingerprint = multibase_encode(DID_KEY_PREFIX[curve] + point)
    did = f"did:key:{fingerprint}"
    return IssuerKit(did, f"{did}#{fingerprint}", private_key)


def _rsa_did_jwk() -> tuple[IssuerKit, rsa.RSAPrivateKey]:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = jwk.JWK.from_pyca(private_key.public_key()).export_public(as_dict=True)
    did = "did:jwk:" + base64.urlsafe_b64encode(json.dumps(public).encode()).decode().rstrip("=")
    return IssuerKit(did, f"{did}#0", ec.generate_private_key(ec.SECP256R1())), private_key


@pytest.mark.parametrize(
    ("curve", "alg"),
    [
        pytest.param("P-384", "ES384", id="es384"),
        pytest.param("P-521", "ES512", id="es512"),
        pytest.param("secp256k1", "ES256K", id="es256k"),
    ],
)
def test_a_vc_jwt_signed_with_another_curve_jwcrypto_verifies_is_verified(
    curve: str, alg: str
) -> None:
    kit = _ec_did_key(curve)
    result = _run(kit.sign_jwt(build_credential(kit), header={"alg": alg}))
    assert result.verdict is Verdict.VERIFIED, _failed(result)
    assert f"JWT, {alg}" in " ".join(c.detail for c in result.checks)


@pytest.mark.parametrize("alg", ["RS384", "PS512"])
def test_a_vc_jwt_signed_with_rsa_variants_is_verified(alg: str) -> None:
    kit, private_key = _rsa_did_jwk()
    payload = json.dumps(build_credential(kit)).encode()
    token = jws.JWS(payload)
    header = {"alg": alg, "kid": kit.key_id}
    token.add_signature(jwk.JWK.from_pyca(private_key), None, json.dumps(header))
    result = _run(str(token.serialize(compact=True)))
    assert result.verdict is Verdict.VERIFIED, _failed(result)


def test_an_es384_token_altered_after_signing_is_still_invalid() -> None:
    kit = _ec_did_key("P-384")
    header, _, signature = kit.sign_jwt(build_credential(kit), header={"alg": "ES384"}).split(".")
    other = kit.sign_jwt(build_credential(kit, achievement_name="Surgery"), header={"alg": "ES384"})
    result = _run(".".join([header, other.split(".")[1], signature]))
    assert result.verdict is Verdict.INVALID


def _unsigned_token(header: dict[str, Any], claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part(header)}.{part(claims)}.c2lnbmF0dXJl"


KIT = IssuerKit.did_key(seed=31)


@pytest.mark.parametrize(
    ("alg", "verdict", "words"),
    [
        pytest.param(
            "ML-DSA-44", Verdict.UNSUPPORTED, "does not handle yet: ML-DSA-44", id="mldsa"
        ),
        pytest.param("HS256", Verdict.INVALID, "never accepts: HS256", id="hmac"),
        pytest.param("none", Verdict.INVALID, "not signed", id="none"),
    ],
)
def test_a_vc_jwt_algorithm_is_verified_refused_or_named_unsupported(
    alg: str, verdict: Verdict, words: str
) -> None:
    token = _unsigned_token({"alg": alg, "kid": KIT.key_id}, build_credential(KIT))
    result = _run(token)
    assert result.verdict is verdict
    assert words in _failed(result)


@pytest.mark.parametrize(
    "kid",
    [
        pytest.param("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", id="bare"),
        pytest.param(
            "urn:ietf:params:oauth:jwk-thumbprint:sha-256:NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
            id="urn",
        ),
    ],
)
def test_a_vc_jwt_whose_key_is_named_only_by_thumbprint_is_unsupported(kid: str) -> None:
    issuer = "https://issuer.example"
    kit = IssuerKit(issuer, kid, KIT.private_key)
    result = _run(kit.sign_jwt(build_credential(kit)))
    assert result.verdict is Verdict.UNSUPPORTED
    assert "thumbprint" in _failed(result)


def _presentation() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [KIT.sign(build_credential(KIT))],
    }


def test_a_verifiable_presentation_is_unsupported_and_named() -> None:
    result = _run(json.dumps(_presentation()))
    assert result.verdict is Verdict.UNSUPPORTED
    assert "Verifiable Presentation" in _failed(result)


def test_a_signed_presentation_jwt_is_unsupported_and_named() -> None:
    vp = {"iss": KIT.id, "vp": _presentation()}
    result = _run(KIT.sign_jwt({}, claims=vp))
    assert result.verdict is Verdict.UNSUPPORTED
    assert "Verifiable Presentation" in _failed(result)


def test_an_ecdsa_proof_on_a_p384_key_is_unsupported_not_forged() -> None:
    kit = _ec_did_key("P-384")
    credential = build_credential(kit)
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-rdfc-2019",
        "created": SIGNED_AT,
        "verificationMethod": kit.key_id,
        "proofPurpose": "assertionMethod",
    }
    message = signing_input(credential, proof, "rdfc")
    assert isinstance(kit.private_key, ec.EllipticCurvePrivateKey)
    r, s = decode_dss_signature(kit.private_key.sign(message, ec.ECDSA(hashes.SHA384())))
    proof["proofValue"] = multibase_encode(r.to_bytes(48, "big") + s.to_bytes(48, "big"))
    result = _run(json.dumps({**credential, "proof": proof}))
    assert result.verdict is Verdict.UNSUPPORTED
    assert "secp384r1" in _failed(result)


OB2 = Ob2Kit()


def _ob2_documents_with_key(public_key: Any) -> FakeFetcher:
    pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    fetcher = FakeFetcher(OB2.documents())
    fetcher.add(OB2.key_id, OB2.public_key(publicKeyPem=pem))
    return fetcher


@pytest.mark.parametrize(
    ("make_key", "alg"),
    [
        pytest.param(lambda: ec.generate_private_key(ec.SECP521R1()), "ES512", id="es512"),
        pytest.param(lambda: OB2.key, "PS512", id="ps512"),
        pytest.param(lambda: OB2.key, "PS384", id="ps384"),
    ],
)
def test_an_ob2_signed_badge_with_an_algorithm_jwcrypto_verifies_is_verified(
    make_key: Any, alg: str
) -> None:
    key = make_key()
    result = _run(sign(OB2.signed_payload(), key, alg), _ob2_documents_with_key(key.public_key()))
    assert result.verdict is Verdict.VERIFIED, _failed(result)


def test_an_ob2_signed_badge_with_an_unknown_algorithm_is_unsupported_and_named() -> None:
    token = _unsigned_token({"alg": "ML-DSA-65"}, OB2.signed_payload())
    result = _run(token, FakeFetcher(OB2.documents()))
    assert result.verdict is Verdict.UNSUPPORTED
    assert "ML-DSA-65" in _failed(result)


def test_an_ob2_signed_badge_with_hmac_is_invalid() -> None:
    token = _unsigned_token({"alg": "HS256"}, OB2.signed_payload())
    assert _run(token, FakeFetcher(OB2.documents())).verdict is Verdict.INVALID


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
TEXT = b"I passed AWS Solutions Architect, honest.\nCertificate no. 1234\n"


@pytest.mark.parametrize(
    ("data", "what"),
    [
        pytest.param(PDF, "a PDF document", id="pdf"),
        pytest.param(JPEG, "a JPEG image", id="photo"),
        pytest.param(TEXT, "a text file", id="text"),
    ],
)
def test_a_file_that_is_no_credential_is_unsupported_and_says_so(data: bytes, what: str) -> None:
    result = _run(data)
    assert result.verdict is Verdict.UNSUPPORTED
    assert _failed(result).startswith(f"{NOT_A_CREDENTIAL}: this is {what}")


def test_a_link_that_serves_a_pdf_is_unsupported_not_a_credential() -> None:
    url = "https://issuer.example/certificate.pdf"
    fetcher = FakeFetcher({url: FakeRoute(body=PDF, content_type="application/pdf")})
    result = verify(Source.from_url(url), fetcher=fetcher, now=NOW)
    assert result.verdict is Verdict.UNSUPPORTED
    assert f"{NOT_A_CREDENTIAL}: {url} is a PDF document" in _failed(result)
