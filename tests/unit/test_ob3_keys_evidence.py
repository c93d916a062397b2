"""Key resolution (did:web path form, HTTPS key documents), endorsements and OB 3.0 evidence."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.verification.ob3 import verify_vc
from app.verification.ob3.dids import did_web_url
from app.verification.ob3.errors import Failure
from app.verification.result import Verdict
from tests.support.ob3_builders import IssuerKit, build_credential
from tests.support.ob3_fakes import FakeFetcher

NOW = datetime(2025, 6, 1, tzinfo=UTC)
KIT = IssuerKit.did_key(seed=21)


@pytest.mark.parametrize(
    ("did", "url"),
    [
        pytest.param("did:web:example.com", "https://example.com/.well-known/did.json", id="root"),
        pytest.param(
            "did:web:example.com:u:alice", "https://example.com/u/alice/did.json", id="path"
        ),
        pytest.param(
            "did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json", id="port"
        ),
    ],
)
def test_did_web_url(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        pytest.param("did:web:", id="empty"),
        pytest.param("did:web:example.com::x", id="empty-segment"),
        pytest.param("did:web:evil.com%2Fpath", id="slash-in-host"),
    ],
)
def test_malformed_did_web_is_refused(did: str) -> None:
    with pytest.raises(Failure, match="malformed"):
        did_web_url(did)


def test_did_web_path_form_verifies() -> None:
    kit = IssuerKit.did_web("issuer.example:departments:cs")
    fetcher = FakeFetcher({kit.did_document_url: kit.did_document()})

    result = verify_vc(kit.sign(build_credential(kit)), target="t", fetcher=fetcher, now=NOW)

    assert result.verdict is Verdict.VERIFIED
    assert fetcher.fetched("https://issuer.example/departments/cs/did.json")


def test_did_document_for_another_did_is_invalid() -> None:
    kit = IssuerKit.did_web("issuer.example")
    document = kit.did_document() | {"id": "did:web:attacker.example"}

    result = verify_vc(
        kit.sign(build_credential(kit)),
        target="t",
        fetcher=FakeFetcher({kit.did_document_url: document}),
        now=NOW,
    )

    assert result.verdict is Verdict.INVALID


def test_a_did_document_cannot_claim_its_key_for_another_issuer() -> None:
    victim, attacker = IssuerKit.did_web("victim.example"), IssuerKit.did_web("attacker.example")
    document = attacker.did_document()
    document["verificationMethod"][0]["controller"] = victim.id
    forged = attacker.sign(build_credential(victim))
    fetcher = FakeFetcher({attacker.did_document_url: document})

    result = verify_vc(forged, target="t", fetcher=fetcher, now=NOW)

    assert result.verdict is Verdict.INVALID


def _https_issuer() -> tuple[IssuerKit, dict[str, Any]]:
    issuer = "https://issuer.example/profile"
    key_url = "https://issuer.example/keys/1"
    kit = IssuerKit(issuer, key_url, KIT.private_key)
    key_document = {
        "id": key_url,
        "type": "Multikey",
        "controller": issuer,
        "publicKeyMultibase": kit.multikey,
    }
    return kit, key_document


def test_https_key_document_listed_by_its_controller_verifies() -> None:
    kit, key_document = _https_issuer()
    profile = {"id": kit.id, "assertionMethod": [kit.key_id]}
    fetcher = FakeFetcher({kit.key_id: key_document, kit.id: profile})

    result = verify_vc(kit.sign(build_credential(kit)), target="t", fetcher=fetcher, now=NOW)

    assert result.verdict is Verdict.VERIFIED


def test_https_key_document_its_controller_does_not_list_is_invalid() -> None:
    kit, key_document = _https_issuer()
    fetcher = FakeFetcher({kit.key_id: key_document, kit.id: {"id": kit.id, "assertionMethod": []}})

    result = verify_vc(kit.sign(build_credential(kit)), target="t", fetcher=fetcher, now=NOW)

    assert result.verdict is Verdict.INVALID
    assert "does not list this signing key" in " ".join(c.detail for c in result.checks)


def test_draft_suite_name_verifies_with_a_warning() -> None:
    credential = KIT.sign(build_credential(KIT), cryptosuite="eddsa-2022")

    result = verify_vc(credential, target="t", fetcher=FakeFetcher(), now=NOW)

    assert result.verdict is Verdict.VERIFIED
    assert any(c.id == "suite" and c.outcome == "warn" for c in result.checks)


def _endorsed(endorsement: dict[str, Any]) -> dict[str, Any]:
    credential = build_credential(KIT)
    credential["credentialSubject"]["achievement"]["endorsement"] = [endorsement]
    return KIT.sign(credential)


def _endorsement(kit: IssuerKit) -> dict[str, Any]:
    endorsement = build_credential(
        kit, credential_id="urn:uuid:00000000-0000-4000-8000-00000000e001"
    )
    endorsement["type"] = ["VerifiableCredential", "EndorsementCredential"]
    endorsement["credentialSubject"] = {
        "id": "https://issuer.example/achievements/data-analysis",
        "type": ["EndorsementSubject"],
        "endorsementComment": "A rigorous assessment.",
    }
    endorsement["issuer"]["name"] = "Professional Body"
    return kit.sign(endorsement)


def test_verified_endorsement_is_named() -> None:
    credential = _endorsed(_endorsement(IssuerKit.did_key(seed=22)))

    result = verify_vc(credential, target="t", fetcher=FakeFetcher(), now=NOW)

    assert result.verdict is Verdict.VERIFIED
    endorsements = [c for c in result.checks if c.id == "endorsement"]
    assert [(c.outcome, c.detail) for c in endorsements] == [
        ("pass", "endorsed by Professional Body (verified)")
    ]


def test_forged_endorsement_is_not_shown_and_does_not_fail_the_badge() -> None:
    endorsement = _endorsement(IssuerKit.did_key(seed=22))
    endorsement["credentialSubject"]["endorsementComment"] = "Outstanding!"

    result = verify_vc(_endorsed(endorsement), target="t", fetcher=FakeFetcher(), now=NOW)

    assert result.verdict is Verdict.VERIFIED
    endorsements = [c for c in result.checks if c.id == "endorsement"]
    assert [c.outcome for c in endorsements] == ["warn"]
    assert "Professional Body" not in " ".join(c.detail for c in result.checks)


def test_results_and_credits_are_shown() -> None:
    credential = build_credential(KIT)
    achievement = credential["credentialSubject"]["achievement"]
    achievement["creditsAvailable"] = 5
    achievement["resultDescription"] = [
        {
            "id": "urn:uuid:00000000-0000-4000-8000-0000000000r1",
            "type": ["ResultDescription"],
            "name": "Final grade",
            "resultType": "LetterGrade",
        }
    ]
    credential["credentialSubject"]["result"] = [
        {
            "type": ["Result"],
            "resultDescription": "urn:uuid:00000000-0000-4000-8000-0000000000r1",
            "value": "A",
        }
    ]
    credential["credentialSubject"]["creditsEarned"] = 4.5

    result = verify_vc(KIT.sign(credential), target="t", fetcher=FakeFetcher(), now=NOW)

    assert result.verdict is Verdict.VERIFIED
    assert result.achievement is not None
    assert (result.achievement.results, result.achievement.credits) == (("Final grade: A",), 4.5)
