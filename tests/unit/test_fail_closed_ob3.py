"""ARCHITECTURE.md "Fail closed" for VCs: each attack built with real signatures, refused."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from app.verification.ob3 import verify_vc
from app.verification.ob3.proofs import signing_input
from app.verification.ob3.status import BITSTRING_MIN_ENTRIES
from app.verification.result import Outcome, Verdict, VerificationResult
from tests.support.fakes import FakeFetcher, redirect
from tests.support.ob3_builders import (
    SIGNED_AT,
    IssuerKit,
    bitstring_entry,
    build_credential,
    encode_bitstring,
)
from tests.support.ob3_builders import multibase_encode as _multibase

NOW = datetime(2025, 6, 1, tzinfo=UTC)
KIT = IssuerKit.did_key(seed=21)
STRANGER = IssuerKit.did_key(seed=22)
WEB = IssuerKit.did_web("issuer.example")
P256 = IssuerKit.did_key(curve="P-256", seed=23)
LIST_URL = "https://issuer.example/status/1"


def _verify(payload: Any, fetcher: FakeFetcher | None = None) -> VerificationResult:
    return verify_vc(payload, target="t", fetcher=fetcher or FakeFetcher(), now=NOW)


def _failed(result: VerificationResult) -> str:
    return "; ".join(c.detail for c in result.checks if c.outcome is Outcome.FAIL)


def _sign_with(kit: IssuerKit, credential: dict[str, Any], **proof_fields: Any) -> dict[str, Any]:
    """A real signature over a proof whose configuration the test chooses."""
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": kit.default_suite,
        "created": SIGNED_AT,
        "verificationMethod": kit.key_id,
        "proofPurpose": "assertionMethod",
        **proof_fields,
    }
    proof = {k: v for k, v in proof.items() if v is not None}
    proof["proofValue"] = _multibase(kit.raw_sign(signing_input(credential, proof, "rdfc")))
    return {**copy.deepcopy(credential), "proof": proof}


def test_a_correctly_made_proof_of_the_helper_verifies() -> None:
    assert _verify(_sign_with(KIT, build_credential(KIT))).verdict is Verdict.VERIFIED


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        pytest.param({"expires": "2025-01-01T00:00:00Z"}, "proof itself expired", id="expired"),
        pytest.param({"created": "2030-01-01T00:00:00Z"}, "in the future", id="future-created"),
        pytest.param({"created": "last tuesday"}, "cannot be read", id="unreadable-created"),
        pytest.param({"proofPurpose": "authentication"}, "proofPurpose", id="authentication"),
        pytest.param({"proofPurpose": None}, "proofPurpose", id="no-purpose"),
    ],
)
def test_a_proof_outside_its_own_terms_makes_the_credential_invalid(
    fields: dict[str, Any], words: str
) -> None:
    result = _verify(_sign_with(KIT, build_credential(KIT), **fields))
    assert result.verdict is Verdict.INVALID
    assert words in _failed(result)


def test_a_proof_that_expires_later_still_verifies() -> None:
    signed = _sign_with(KIT, build_credential(KIT), expires="2030-01-01T00:00:00Z")
    assert _verify(signed).verdict is Verdict.VERIFIED


@pytest.mark.parametrize(
    ("kit", "suite"),
    [
        pytest.param(P256, "eddsa-rdfc-2022", id="p256-key-eddsa-label"),
        pytest.param(KIT, "ecdsa-rdfc-2019", id="ed25519-key-ecdsa-label"),
    ],
)
def test_a_cryptosuite_label_that_does_not_match_the_key_is_invalid(
    kit: IssuerKit, suite: str
) -> None:
    result = _verify(_sign_with(kit, build_credential(kit), cryptosuite=suite))
    assert result.verdict is Verdict.INVALID
    assert "key as the proof requires" in _failed(result)


def test_a_vc_jwt_whose_embedded_proof_is_a_strangers_is_invalid() -> None:
    credential = build_credential(KIT)
    forged = STRANGER.sign(credential)
    forged["proof"]["verificationMethod"] = KIT.key_id
    result = _verify(KIT.sign_jwt(forged))
    assert result.verdict is Verdict.INVALID
    assert "signature does not match" in _failed(result)


def test_a_vc_jwt_embedding_a_proof_by_another_issuer_is_invalid() -> None:
    result = _verify(KIT.sign_jwt(STRANGER.sign(build_credential(KIT))))
    assert result.verdict is Verdict.INVALID
    assert "not to the issuer" in _failed(result)


def test_a_vc_jwt_whose_embedded_proof_verifies_is_verified_with_both_checks() -> None:
    result = _verify(KIT.sign_jwt(KIT.sign(build_credential(KIT))))
    assert result.verdict is Verdict.VERIFIED
    assert [c.outcome for c in result.checks if c.id == "signature"] == [Outcome.PASS] * 2


def _did_web_fetcher(*routes: tuple[str, Any]) -> FakeFetcher:
    return FakeFetcher(dict(routes))


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("http://issuer.example/.well-known/did.json", id="https-to-http"),
        pytest.param("https://evil.example/.well-known/did.json", id="other-host"),
        pytest.param("https://issuer.example:8443/.well-known/did.json", id="other-port"),
    ],
)
def test_a_did_web_document_redirected_off_its_origin_fails_resolution(target: str) -> None:
    fetcher = _did_web_fetcher(
        (WEB.did_document_url, redirect(target)), (target, WEB.did_document())
    )
    result = _verify(WEB.sign(build_credential(WEB)), fetcher)
    assert result.verdict is Verdict.INVALID
    assert "another site" in _failed(result)


def test_a_did_web_document_redirected_within_its_origin_still_resolves() -> None:
    moved = "https://issuer.example/keys/did.json"
    fetcher = _did_web_fetcher((WEB.did_document_url, redirect(moved)), (moved, WEB.did_document()))
    assert _verify(WEB.sign(build_credential(WEB)), fetcher).verdict is Verdict.VERIFIED


KEY_URL = "https://issuer.example/keys/1"


def _key_document(controller: str) -> dict[str, Any]:
    return {
        "@context": ["https://w3id.org/security/multikey/v1"],
        "id": KEY_URL,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": WEB.multikey,
    }


def _https_key_case(did_document: dict[str, Any]) -> tuple[dict[str, Any], FakeFetcher]:
    credential = WEB.sign(build_credential(WEB), key_id=KEY_URL)
    fetcher = FakeFetcher({KEY_URL: _key_document(WEB.id), WEB.did_document_url: did_document})
    return credential, fetcher


def test_an_https_key_whose_controller_did_lists_it_is_verified() -> None:
    document = {**WEB.did_document(), "assertionMethod": [KEY_URL]}
    assert _verify(*_https_key_case(document)).verdict is Verdict.VERIFIED


def test_an_https_key_whose_controller_did_does_not_list_it_is_invalid_not_unreachable() -> None:
    result = _verify(*_https_key_case(WEB.did_document()))
    assert result.verdict is Verdict.INVALID
    assert "does not list this signing key" in _failed(result)


def test_an_https_key_naming_a_did_key_controller_is_invalid() -> None:
    credential = KIT.sign(build_credential(KIT), key_id=KEY_URL)
    key = {**_key_document(KIT.id), "publicKeyMultibase": KIT.multikey}
    result = _verify(credential, FakeFetcher({KEY_URL: key}))
    assert result.verdict is Verdict.INVALID


def _status_case(size_bits: int, bits: list[int]) -> tuple[dict[str, Any], FakeFetcher]:
    status_list = KIT.status_list(LIST_URL, set_bits=bits)
    subject = status_list["credentialSubject"]
    subject["encodedList"] = "u" + encode_bitstring(bits, size_bits=size_bits)
    status_list = KIT.sign({k: v for k, v in status_list.items() if k != "proof"})
    credential = KIT.sign(build_credential(KIT, status=bitstring_entry(LIST_URL, 3)))
    return credential, FakeFetcher({LIST_URL: status_list})


@pytest.mark.parametrize("bits", [pytest.param([], id="not-set"), pytest.param([3], id="set")])
def test_a_bitstring_status_list_below_the_minimum_length_is_invalid(bits: list[int]) -> None:
    result = _verify(*_status_case(BITSTRING_MIN_ENTRIES - 8, bits))
    assert result.verdict is Verdict.INVALID
    assert "fewer than the 131,072" in _failed(result)


def test_a_bitstring_status_list_of_the_minimum_length_is_read() -> None:
    assert _verify(*_status_case(BITSTRING_MIN_ENTRIES, [])).verdict is Verdict.VERIFIED
    assert _verify(*_status_case(BITSTRING_MIN_ENTRIES, [3])).verdict is Verdict.REVOKED


def test_a_status_list_credential_redirected_to_another_site_is_invalid() -> None:
    elsewhere = "https://cdn.example/status/1"
    credential = KIT.sign(build_credential(KIT, status=bitstring_entry(LIST_URL, 3)))
    fetcher = FakeFetcher(
        {LIST_URL: redirect(elsewhere), elsewhere: KIT.status_list(LIST_URL, set_bits=[])}
    )
    result = _verify(credential, fetcher)
    assert result.verdict is Verdict.INVALID
    assert "another site" in _failed(result)


REVOCATION_URL = "https://issuer.example/revocations"


def _revocation_case(revoked: bool) -> tuple[dict[str, Any], FakeFetcher]:
    issuer = "https://issuer.example"
    kit = IssuerKit(issuer, f"{issuer}#key-1", KIT.private_key)
    credential = build_credential(
        kit, status={"id": REVOCATION_URL, "type": "1EdTechRevocationList"}
    )
    credential["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    credential = kit.sign(credential)
    elsewhere = "https://lists.example/revocations"
    listed = [{"id": credential["id"]}] if revoked else []
    controller = kit.did_document() | {"@context": ["https://www.w3.org/ns/did/v1"]}
    routes = {
        issuer: controller,
        REVOCATION_URL: redirect(elsewhere),
        elsewhere: {"id": REVOCATION_URL, "revokedCredentials": listed},
    }
    return credential, FakeFetcher(routes)


def test_a_revocation_list_redirected_elsewhere_cannot_confirm_not_revoked() -> None:
    credential, fetcher = _revocation_case(False)
    result = _verify(credential, fetcher)
    status = [c for c in result.checks if c.id == "status"]
    assert [c.outcome for c in status] == [Outcome.WARN]
    assert result.verdict is Verdict.VERIFIED


def test_a_revocation_list_redirected_elsewhere_still_revokes() -> None:
    credential, fetcher = _revocation_case(True)
    assert _verify(credential, fetcher).verdict is Verdict.REVOKED


def test_a_status_list_whose_proof_has_expired_since_the_last_check_fails_the_next() -> None:
    unsigned = {k: v for k, v in KIT.status_list(LIST_URL).items() if k != "proof"}
    status_list = _sign_with(KIT, unsigned, expires="2025-07-01T00:00:00Z")
    credential = KIT.sign(build_credential(KIT, status=bitstring_entry(LIST_URL, 3)))
    fetcher = FakeFetcher({LIST_URL: status_list})
    before = verify_vc(credential, target="t", fetcher=fetcher, now=NOW)
    after = verify_vc(credential, target="t", fetcher=fetcher, now=datetime(2025, 8, 1, tzinfo=UTC))
    assert before.verdict is Verdict.VERIFIED
    assert after.verdict is Verdict.INVALID
    assert "proof itself expired" in _failed(after)
