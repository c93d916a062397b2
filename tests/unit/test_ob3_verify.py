"""verify_vc on JSON-LD credentials signed in the test run: proofs, keys, status, dates."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from app.verification.ob3 import verify_vc
from app.verification.result import RecipientStatus, Verdict
from tests.support.ob3_builders import (
    OB_V3,
    STATUS_LIST_2021,
    VC_V2,
    IssuerKit,
    bitstring_entry,
    build_credential,
)
from tests.support.ob3_fakes import FakeFetcher, timeout

NOW = datetime(2025, 6, 1, tzinfo=UTC)
LIST_URL = "https://issuer.example/status/1"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
KIT = IssuerKit.did_key(seed=7)
OTHER = IssuerKit.did_key(seed=8)
WEB = IssuerKit.did_web("issuer.example")


@dataclass
class Scenario:
    payload: dict[str, Any]
    fetcher: FakeFetcher = field(default_factory=FakeFetcher)
    emails: tuple[str, ...] = ()


def _signed(**options: Any) -> Scenario:
    return Scenario(KIT.sign(build_credential(KIT, **options)))


def _with_status(
    bits: list[int], *, list_kit: IssuerKit = KIT, purpose: str = "revocation"
) -> Scenario:
    credential = KIT.sign(build_credential(KIT, status=bitstring_entry(LIST_URL, 3, purpose)))
    status_list = list_kit.status_list(LIST_URL, set_bits=bits, purpose=purpose)
    return Scenario(credential, FakeFetcher({LIST_URL: status_list}))


def _did_web(document: Any) -> Scenario:
    return Scenario(WEB.sign(build_credential(WEB)), FakeFetcher({WEB.did_document_url: document}))


def _tampered() -> Scenario:
    scenario = _signed()
    scenario.payload["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    return scenario


def _signed_by_other_key() -> Scenario:
    forged = OTHER.sign(build_credential(KIT))
    forged["proof"]["verificationMethod"] = KIT.key_id
    return Scenario(forged)


def _did_key_not_issuer() -> Scenario:
    return Scenario(
        OTHER.sign(build_credential(WEB)), FakeFetcher({WEB.did_document_url: WEB.did_document()})
    )


def _proof_set_with_one_bad() -> Scenario:
    credential = KIT.sign(build_credential(KIT))
    credential = KIT.sign(credential, cryptosuite="eddsa-jcs-2022")
    credential["proof"][1]["proofValue"] = credential["proof"][0]["proofValue"]
    return Scenario(credential)


def _status_list_tampered() -> Scenario:
    scenario = _with_status([])
    status_list = scenario.fetcher.documents[LIST_URL]
    status_list["credentialSubject"]["encodedList"] = KIT.status_list(LIST_URL, set_bits=[9])[
        "credentialSubject"
    ]["encodedList"]
    return scenario


def _status_list_2021(bits: list[int]) -> Scenario:
    entry = {
        "id": f"{LIST_URL}#3",
        "type": "StatusList2021Entry",
        "statusPurpose": "revocation",
        "statusListIndex": "3",
        "statusListCredential": LIST_URL,
    }
    credential = build_credential(KIT, version=1, status=entry)
    credential["@context"].insert(2, STATUS_LIST_2021)
    status_list = KIT.status_list(LIST_URL, set_bits=bits, list_type="StatusList2021")
    return Scenario(KIT.sign(credential), FakeFetcher({LIST_URL: status_list}))


def _revocation_list(revoked: bool, served_from: str) -> Scenario:
    issuer = "https://issuer.example"
    kit = IssuerKit(issuer, f"{issuer}#key-1", KIT.private_key)
    url = f"{served_from}/revocations/1"
    credential = build_credential(kit, status={"id": url, "type": "1EdTechRevocationList"})
    credential["@context"].append(OB_EXTENSIONS)
    credential = kit.sign(credential)
    listed = [{"id": credential["id"], "revocationReason": "issued in error"}] if revoked else []
    controller = kit.did_document() | {"@context": ["https://www.w3.org/ns/did/v1"]}
    documents = {issuer: controller, url: {"id": url, "revokedCredentials": listed}}
    return Scenario(credential, FakeFetcher(documents))


def _unknown_context() -> Scenario:
    credential = build_credential(KIT)
    credential["@context"].append("https://example.org/my-private-context.jsonld")
    return Scenario(credential | {"proof": KIT.sign(build_credential(KIT))["proof"]})


def _undefined_term() -> Scenario:
    credential = build_credential(KIT, version=1)
    credential["credentialSubject"]["favouriteColour"] = "blue"
    return Scenario(credential | {"proof": KIT.sign(build_credential(KIT, version=1))["proof"]})


def _relative_type() -> Scenario:
    credential = build_credential(KIT)
    credential["credentialStatus"] = {"id": f"{LIST_URL}#1", "type": "MadeUpStatus"}
    credential["@context"] = [VC_V2, OB_V3]
    return Scenario(credential | {"proof": KIT.sign(build_credential(KIT))["proof"]})


def _poison_graph() -> Scenario:
    nodes = [f"_:n{i}" for i in range(12)]
    knows = "https://schema.org/knows"  # a full IRI: safe mode lets it through
    clique = [
        {"id": node, knows: [{"id": other} for other in nodes if other != node]} for node in nodes
    ]
    credential = build_credential(KIT)
    credential["credentialSubject"][knows] = clique
    return Scenario(credential | {"proof": KIT.sign(build_credential(KIT))["proof"]})


def _with(scenario: Scenario, change: Callable[[Scenario], None]) -> Scenario:
    change(scenario)
    return scenario


CASES = [
    pytest.param(
        _signed,
        Verdict.VERIFIED,
        "signed by the issuer (eddsa-rdfc-2022)",
        id="valid-did-key-eddsa-rdfc",
    ),
    pytest.param(
        lambda: _signed(version=1), Verdict.VERIFIED, "eddsa-rdfc-2022", id="valid-vcdm-1.1"
    ),
    pytest.param(
        lambda: Scenario(KIT.sign(build_credential(KIT), cryptosuite="eddsa-jcs-2022")),
        Verdict.VERIFIED,
        "eddsa-jcs-2022",
        id="valid-eddsa-jcs",
    ),
    pytest.param(
        lambda: Scenario(
            KIT.sign(
                build_credential(
                    KIT,
                    extra={
                        "@context": [
                            VC_V2,
                            OB_V3,
                            "https://w3id.org/security/suites/ed25519-2020/v1",
                        ]
                    },
                ),
                proof_type="Ed25519Signature2020",
            )
        ),
        Verdict.VERIFIED,
        "Ed25519Signature2020",
        id="valid-ed25519signature2020",
    ),
    pytest.param(
        lambda: Scenario((p := IssuerKit.did_key("P-256")).sign(build_credential(p))),
        Verdict.VERIFIED,
        "ecdsa-rdfc-2019",
        id="valid-p256-ecdsa-rdfc",
    ),
    pytest.param(
        lambda: Scenario((j := IssuerKit.did_jwk()).sign(build_credential(j))),
        Verdict.VERIFIED,
        "eddsa-rdfc-2022",
        id="valid-did-jwk",
    ),
    pytest.param(
        lambda: _did_web(WEB.did_document()),
        Verdict.VERIFIED,
        "signed by the issuer",
        id="valid-did-web",
    ),
    pytest.param(_tampered, Verdict.INVALID, "signature does not match", id="tampered"),
    pytest.param(_signed_by_other_key, Verdict.INVALID, "signature does not match", id="wrong-key"),
    pytest.param(
        _did_key_not_issuer, Verdict.INVALID, "not to the issuer", id="did-key-not-the-issuer"
    ),
    pytest.param(
        lambda: _did_web(WEB.did_document(list_for_assertions=False)),
        Verdict.INVALID,
        "does not list this signing key",
        id="key-not-listed-for-assertions",
    ),
    pytest.param(
        lambda: _did_web(IssuerKit.did_web("issuer.example").did_document()),
        Verdict.INVALID,
        "signature does not match",
        id="did-web-lists-another-key",
    ),
    pytest.param(
        lambda: _did_web(timeout("x")),
        Verdict.UNREACHABLE,
        "could not be fetched",
        id="did-web-timeout",
    ),
    pytest.param(
        lambda: _did_web(404), Verdict.UNREACHABLE, "not found", id="did-web-404-is-unreachable"
    ),
    pytest.param(lambda: _did_web(503), Verdict.UNREACHABLE, "HTTP 503", id="did-web-503"),
    pytest.param(
        _proof_set_with_one_bad, Verdict.INVALID, "signature does not match", id="proof-set-one-bad"
    ),
    pytest.param(
        lambda: Scenario(build_credential(KIT)), Verdict.INVALID, "carries no proof", id="no-proof"
    ),
    pytest.param(lambda: _with_status([]), Verdict.VERIFIED, "not revoked", id="status-bit-clear"),
    pytest.param(
        lambda: _with_status([3]), Verdict.REVOKED, "revoked by the issuer", id="status-bit-set"
    ),
    pytest.param(
        lambda: _with_status([3], purpose="suspension"),
        Verdict.REVOKED,
        "suspended",
        id="status-suspended",
    ),
    pytest.param(
        lambda: _with_status([3], list_kit=OTHER),
        Verdict.INVALID,
        "not by the issuer",
        id="status-list-other-issuer",
    ),
    pytest.param(
        lambda: _with(_with_status([]), lambda s: s.fetcher.add(LIST_URL, timeout(LIST_URL))),
        Verdict.UNREACHABLE,
        "status list could not be fetched",
        id="status-list-unreachable",
    ),
    pytest.param(
        lambda: _with(_with_status([]), lambda s: s.fetcher.documents.pop(LIST_URL)),
        Verdict.UNREACHABLE,
        "HTTP 404",
        id="status-list-404",
    ),
    pytest.param(
        _status_list_tampered,
        Verdict.INVALID,
        "status list does not verify",
        id="status-list-tampered",
    ),
    pytest.param(
        lambda: _status_list_2021([]), Verdict.VERIFIED, "not revoked", id="statuslist2021-clear"
    ),
    pytest.param(
        lambda: _status_list_2021([3]), Verdict.REVOKED, "revoked", id="statuslist2021-set"
    ),
    pytest.param(
        lambda: _revocation_list(True, "https://elsewhere.example"),
        Verdict.REVOKED,
        "issued in error",
        id="revocation-list-revoked-from-elsewhere-counts",
    ),
    pytest.param(
        lambda: _revocation_list(False, "https://issuer.example"),
        Verdict.VERIFIED,
        "not revoked (revocation list checked)",
        id="revocation-list-issuer-origin",
    ),
    pytest.param(
        lambda: _revocation_list(False, "https://elsewhere.example"),
        Verdict.VERIFIED,
        "unconfirmed",
        id="revocation-list-elsewhere-warns",
    ),
    pytest.param(
        lambda: _signed(valid_until="2025-01-01T00:00:00Z"),
        Verdict.EXPIRED,
        "expired on 2025-01-01",
        id="expired",
    ),
    pytest.param(
        lambda: _signed(valid_from="2026-01-01T00:00:00Z"),
        Verdict.NOT_YET_VALID,
        "not valid until",
        id="not-yet-valid",
    ),
    pytest.param(
        lambda: _signed(version=1, valid_until="2025-01-01T00:00:00Z"),
        Verdict.EXPIRED,
        "expired",
        id="expired-vcdm-1.1",
    ),
    pytest.param(
        lambda: Scenario(_signed(email="ann@example.org").payload, emails=("bob@example.org",)),
        Verdict.RECIPIENT_MISMATCH,
        "another e-mail address",
        id="wrong-recipient",
    ),
    pytest.param(
        _unknown_context, Verdict.INVALID, "context Skillproof does not know", id="unknown-context"
    ),
    pytest.param(
        _undefined_term, Verdict.INVALID, "do not define: favouriteColour", id="undefined-term"
    ),
    pytest.param(
        _relative_type,
        Verdict.INVALID,
        "type its JSON-LD contexts do not define",
        id="relative-type",
    ),
    pytest.param(_poison_graph, Verdict.INVALID, "too complex to verify", id="poison-graph"),
    pytest.param(
        lambda: _with(
            _signed(), lambda s: s.payload["proof"].update(verificationMethod="did:example:123#k")
        ),
        Verdict.UNSUPPORTED,
        "DID method Skillproof does not handle: did:example",
        id="unknown-did-method",
    ),
    pytest.param(
        lambda: _with(_signed(), lambda s: s.payload["proof"].update(cryptosuite="bbs-2023")),
        Verdict.UNSUPPORTED,
        "cryptosuite Skillproof does not handle: bbs-2023",
        id="unknown-cryptosuite",
    ),
    pytest.param(
        lambda: _with(
            _signed(), lambda s: s.payload["proof"].update(proofPurpose="authentication")
        ),
        Verdict.INVALID,
        "proofPurpose",
        id="wrong-proof-purpose",
    ),
    pytest.param(
        lambda: _with(_signed(), lambda s: s.payload.update(type=["OpenBadgeCredential"])),
        Verdict.INVALID,
        "type VerifiableCredential missing",
        id="not-a-vc",
    ),
]


@pytest.mark.parametrize(("make", "verdict", "detail"), CASES)
def test_verdict(make: Callable[[], Scenario], verdict: Verdict, detail: str) -> None:
    scenario = make()

    result = verify_vc(
        scenario.payload, target="t", fetcher=scenario.fetcher, now=NOW, emails=scenario.emails
    )

    details = " | ".join(c.detail for c in result.checks)
    assert result.verdict is verdict, details
    assert detail in details


def test_status_lists_are_fetched_with_revalidation() -> None:
    scenario = _with_status([])

    verify_vc(scenario.payload, target="t", fetcher=scenario.fetcher, now=NOW)

    assert scenario.fetcher.calls == [(LIST_URL, True)]


def test_status_is_not_fetched_for_a_forged_credential() -> None:
    scenario = _with_status([])
    scenario.payload["name"] = "Forged"

    result = verify_vc(scenario.payload, target="t", fetcher=scenario.fetcher, now=NOW)

    assert result.verdict is Verdict.INVALID
    assert scenario.fetcher.calls == []


@pytest.mark.parametrize(
    ("email", "salt", "given", "status"),
    [
        pytest.param(
            "ann@example.org",
            "pepper",
            "Ann@Example.org",
            RecipientStatus.MATCHED,
            id="hashed-salted-case-insensitive",
        ),
        pytest.param(
            "ann@example.org", "", "ann@example.org", RecipientStatus.MATCHED, id="hashed-unsalted"
        ),
        pytest.param(
            "ann@example.org", None, "ANN@example.org", RecipientStatus.MATCHED, id="plain"
        ),
        pytest.param(
            "ann@example.org",
            "pepper",
            "bob@example.org",
            RecipientStatus.MISMATCH,
            id="hashed-other",
        ),
    ],
)
def test_recipient_identifier(
    email: str, salt: str | None, given: str, status: RecipientStatus
) -> None:
    credential = KIT.sign(build_credential(KIT, email=email, salt=salt))

    result = verify_vc(credential, target="t", fetcher=FakeFetcher(), now=NOW, emails=[given])

    assert result.recipient is status


@pytest.mark.parametrize(
    ("subject_id", "emails", "status"),
    [
        pytest.param(
            "mailto:Ann@Example.org",
            ("ann@example.org",),
            RecipientStatus.MATCHED,
            id="mailto-match",
        ),
        pytest.param(
            "mailto:ann@example.org",
            ("bob@example.org",),
            RecipientStatus.MISMATCH,
            id="mailto-other",
        ),
        pytest.param(
            "did:example:learner",
            ("ann@example.org",),
            RecipientStatus.NOT_CHECKABLE,
            id="did-subject",
        ),
        pytest.param("did:example:learner", (), RecipientStatus.SKIPPED, id="no-email-given"),
    ],
)
def test_recipient_subject_id(
    subject_id: str, emails: tuple[str, ...], status: RecipientStatus
) -> None:
    credential = KIT.sign(build_credential(KIT, subject_id=subject_id))

    result = verify_vc(credential, target="t", fetcher=FakeFetcher(), now=NOW, emails=emails)

    assert result.recipient is status
    assert result.verdict is (
        Verdict.RECIPIENT_MISMATCH if status is RecipientStatus.MISMATCH else Verdict.VERIFIED
    )


def test_evidence_comes_from_the_signed_credential() -> None:
    alignment = {
        "targetName": "SQL",
        "targetFramework": "ESCO",
        "targetCode": "S1.2",
        "targetUrl": "https://esco.example/sql",
    }
    credential = KIT.sign(
        build_credential(KIT, alignments=[alignment], valid_until="2030-01-01T00:00:00Z")
    )

    result = verify_vc(credential, target="t", fetcher=FakeFetcher(), now=NOW)

    assert result.issuer is not None and (result.issuer.id, result.issuer.name) == (
        KIT.id,
        "Example University",
    )
    assert result.achievement is not None
    assert (result.achievement.name, result.achievement.type) == ("Data Analysis", "Certificate")
    assert result.achievement.criteria == "Completed the assessed project."
    assert [(s.name, s.framework, s.code, s.url) for s in result.skills] == [
        ("SQL", "ESCO", "S1.2", "https://esco.example/sql")
    ]
    assert result.issued_on == datetime(2024, 1, 1, tzinfo=UTC)
    assert result.expires == datetime(2030, 1, 1, tzinfo=UTC)
    assert result.credential_id == credential["id"]
    assert result.checked_at == NOW


def test_nothing_is_shown_from_a_credential_whose_proof_fails() -> None:
    credential = _tampered().payload

    result = verify_vc(credential, target="t", fetcher=FakeFetcher(), now=NOW)

    assert (result.issuer, result.achievement, result.skills) == (None, None, ())


def test_input_is_not_modified() -> None:
    credential = KIT.sign(build_credential(KIT))
    before = copy.deepcopy(credential)

    verify_vc(credential, target="t", fetcher=FakeFetcher(), now=NOW)

    assert credential == before
