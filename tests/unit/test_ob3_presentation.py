"""Verifiable Presentations over Skillproof's challenge, signed in the test by a wallet's key."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from app.verification.ob3.presentation import (
    MAX_BYTES,
    MAX_CREDENTIALS,
    Challenge,
    Refused,
    challenge_of,
    check_presentation,
    read_presentation,
    verify_presentation,
)
from app.verification.result import Verdict
from tests.support.ob3_builders import VC_V2, IssuerKit, build_credential
from tests.support.ob3_fakes import FakeFetcher, timeout
from tests.support.wallet import UNIVERSITY, Wallet, badge_for

NOW = datetime(2025, 7, 1, tzinfo=UTC)
DOMAIN = "skillproof.test"
OURS = Challenge("b3VyLW5vbmNl", DOMAIN)
WALLET = Wallet.did_key(seed=5)
STRANGER = Wallet.did_key(seed=6)


def _check(presentation: Any, fetcher: FakeFetcher | None = None) -> Any:
    return check_presentation(presentation, OURS, fetcher=fetcher or FakeFetcher(), now=NOW)


def _verify(presentation: Any, fetcher: FakeFetcher | None = None) -> Any:
    return verify_presentation(presentation, OURS, fetcher=fetcher or FakeFetcher(), now=NOW)


def _good(**options: Any) -> dict[str, Any]:
    credentials = options.pop("credentials", [badge_for(WALLET.did)])
    options.setdefault("challenge", OURS.nonce)
    options.setdefault("domain", DOMAIN)
    return WALLET.present(credentials, **options)


@pytest.mark.parametrize(
    "wallet",
    [
        pytest.param(WALLET, id="did-key-ed25519"),
        pytest.param(Wallet.did_key("P-256", seed=9), id="did-key-p256"),
        pytest.param(Wallet.did_jwk(), id="did-jwk"),
    ],
)
def test_a_presentation_over_our_challenge_proves_the_holder_and_its_badges(
    wallet: Wallet,
) -> None:
    presentation = wallet.present(
        [badge_for(wallet.did), badge_for(wallet.did, name="Statistics")],
        challenge=OURS.nonce,
        domain=DOMAIN,
    )

    result = _verify(presentation)

    assert result.holder == wallet.did
    assert [c.result.verdict for c in result.credentials] == [Verdict.VERIFIED] * 2
    assert all(c.held_by_holder for c in result.credentials)
    assert {c.result.achievement.name for c in result.credentials} == {  # type: ignore[union-attr]
        "Data Analysis",
        "Statistics",
    }


def test_jcs_suite_and_vcdm_1_1_presentations_verify() -> None:
    presentation = _good(
        credentials=[badge_for(WALLET.did, version=1)], cryptosuite="eddsa-jcs-2022", version=1
    )

    assert _check(presentation).signed_with == "eddsa-jcs-2022"


def test_an_ed25519_signature_2020_presentation_as_wallets_sign_today_verifies() -> None:
    presentation = _good(
        credentials=[badge_for(WALLET.did, version=1)],
        proof_type="Ed25519Signature2020",
        version=1,
    )

    result = _verify(presentation)

    assert result.signed_with == "Ed25519Signature2020"
    assert result.credentials[0].held_by_holder


def test_without_a_holder_the_signer_is_the_holder() -> None:
    presentation = _good(with_holder=False)

    assert _check(presentation).holder == WALLET.did


def test_a_did_web_holder_lists_its_key_for_authentication() -> None:
    wallet = Wallet.did_web("learner.example")
    presentation = wallet.present([badge_for(wallet.did)], challenge=OURS.nonce, domain=DOMAIN)
    fetcher = FakeFetcher({wallet.kit.did_document_url: wallet.did_document()})

    assert _verify(presentation, fetcher).credentials[0].held_by_holder


@pytest.mark.parametrize(
    ("document", "kind", "words"),
    [
        pytest.param(
            "assertion-only",
            "invalid",
            "does not list this key for authentication",
            id="not-listed",
        ),
        pytest.param(timeout("x"), "unreachable", "could not be fetched", id="unreachable"),
    ],
)
def test_a_did_web_holder_that_does_not_vouch_for_the_key_is_refused(
    document: Any, kind: str, words: str
) -> None:
    wallet = Wallet.did_web("learner.example")
    presentation = wallet.present([], challenge=OURS.nonce, domain=DOMAIN)
    served = (
        wallet.did_document(list_for_authentication=False)
        if document == "assertion-only"
        else document
    )

    with pytest.raises(Refused) as refused:
        _check(presentation, FakeFetcher({wallet.kit.did_document_url: served}))

    assert refused.value.kind == kind
    assert words in refused.value.reason


def test_an_empty_presentation_still_proves_the_did() -> None:
    proof = _check(_good(credentials=[]))

    assert (proof.holder, proof.credentials) == (WALLET.did, ())


def test_a_badge_awarded_to_someone_else_is_verified_but_not_the_holders() -> None:
    result = _verify(_good(credentials=[badge_for(STRANGER.did)]))

    (presented,) = result.credentials
    assert presented.result.verdict is Verdict.VERIFIED
    assert presented.result.subject_id == STRANGER.did
    assert not presented.held_by_holder


def test_a_forged_badge_inside_a_signed_presentation_is_not_the_holders() -> None:
    forged = badge_for(WALLET.did)
    forged["credentialSubject"]["achievement"]["name"] = "Brain Surgery"

    (presented,) = _verify(_good(credentials=[forged])).credentials

    assert presented.result.verdict is Verdict.INVALID
    assert not presented.held_by_holder


def _tampered() -> dict[str, Any]:
    presentation = _good()
    presentation["verifiableCredential"].append(badge_for(WALLET.did, name="Added later"))
    return presentation


def _holder_swapped() -> dict[str, Any]:
    # the stranger signs with their own key, naming our wallet as the holder
    return WALLET.present(
        [badge_for(WALLET.did)], challenge=OURS.nonce, domain=DOMAIN, signer=STRANGER.kit
    )


def _wrong_key_reference() -> dict[str, Any]:
    return _good(key_id=f"{WALLET.did}#{STRANGER.kit.multikey}")


REFUSALS: list[Any] = [
    pytest.param(
        lambda: _good(challenge="another-exchanges-nonce"),
        "another challenge",
        id="foreign-challenge",
    ),
    pytest.param(lambda: _good(challenge=None), "names none", id="no-challenge"),
    pytest.param(lambda: _good(domain="evil.example"), "another site", id="wrong-domain"),
    pytest.param(lambda: _good(domain=None), "another site", id="no-domain"),
    pytest.param(_holder_swapped, "not by its holder", id="holder-is-not-signer"),
    pytest.param(_wrong_key_reference, "not in that DID", id="key-not-in-did"),
    pytest.param(_tampered, "does not match", id="tampered"),
    pytest.param(lambda: _good(purpose="assertionMethod"), "proofPurpose", id="assertion-purpose"),
    pytest.param(
        lambda: _good(created="2025-07-01T00:05:00Z"), "in the future", id="future-created"
    ),
    pytest.param(lambda: _good(expires="2025-06-30T00:00:00Z"), "expired", id="expired-proof"),
    pytest.param(
        lambda: {k: v for k, v in _good().items() if k != "proof"}, "not signed", id="unsigned"
    ),
    pytest.param(
        lambda: {**_good(), "holder": "https://learner.example"}, "holder's DID", id="no-did"
    ),
    pytest.param(
        lambda: badge_for(WALLET.did), "a single credential proves nothing", id="a-bare-credential"
    ),
    pytest.param(
        lambda: _good(
            credentials=[badge_for(WALLET.did)] * (MAX_CREDENTIALS + 1),
            cryptosuite="eddsa-jcs-2022",
        ),
        f"at most {MAX_CREDENTIALS}",
        id="too-many-credentials",
    ),
    pytest.param(lambda: _good(credentials=[42]), "not a credential", id="not-a-credential"),
]


@pytest.mark.parametrize(("make", "words"), REFUSALS)
def test_refused_presentations_say_why(make: Callable[[], Any], words: str) -> None:
    with pytest.raises(Refused) as refused:
        _verify(make())

    assert refused.value.kind == "invalid"
    assert words in refused.value.reason


def test_a_foreign_challenge_is_flagged_so_a_replay_can_be_named() -> None:
    presentation = _good(challenge="another-exchanges-nonce")

    with pytest.raises(Refused) as refused:
        _check(presentation)

    assert refused.value.challenge
    assert challenge_of(presentation) == "another-exchanges-nonce"


def test_a_domain_list_naming_ours_is_accepted() -> None:
    assert _check(_good(domain=["other.example", DOMAIN])).holder == WALLET.did


@pytest.mark.parametrize(
    ("make", "words"),
    [
        pytest.param(
            lambda: _good(cryptosuite="bbs-2023"),
            "cryptosuite Skillproof does not handle: bbs-2023",
            id="suite",
        ),
        pytest.param(
            lambda: {**_good(), "holder": "did:ion:abc"}, "did:ion", id="holder-did-method"
        ),
        pytest.param(
            lambda: _good(
                credentials=[
                    {
                        "@context": VC_V2,
                        "type": "EnvelopedVerifiableCredential",
                        "id": "data:application/vc+sd-jwt,x",
                    }
                ]
            ),
            "vc+sd-jwt",
            id="enveloped-sd-jwt",
        ),
    ],
)
def test_what_skillproof_does_not_handle_is_named(make: Callable[[], Any], words: str) -> None:
    with pytest.raises(Refused) as refused:
        _check(make())

    assert refused.value.kind == "unsupported"
    assert words in refused.value.reason


# VP-JWT ---------------------------------------------------------------------------------------


def test_a_vp_jwt_with_our_nonce_and_audience_verifies_its_credentials() -> None:
    jwt_badge = UNIVERSITY.sign_jwt(
        build_credential(UNIVERSITY, subject_id=WALLET.did, achievement_name="SQL"), vc_claim=True
    )
    enveloped = {
        "type": "EnvelopedVerifiableCredential",
        "id": "data:application/vc+jwt," + jwt_badge,
    }
    token = WALLET.present_jwt(
        [jwt_badge, badge_for(WALLET.did), enveloped], nonce=OURS.nonce, aud=DOMAIN
    )

    result = _verify(token)

    assert result.signed_with == "JWT, EdDSA"
    assert [c.result.verdict for c in result.credentials] == [Verdict.VERIFIED] * 3
    assert all(c.held_by_holder for c in result.credentials)
    assert challenge_of(token) == OURS.nonce


@pytest.mark.parametrize(
    ("make", "words"),
    [
        pytest.param(
            lambda: WALLET.present_jwt([], nonce="other", aud=DOMAIN),
            "another challenge",
            id="nonce",
        ),
        pytest.param(
            lambda: WALLET.present_jwt([], nonce=OURS.nonce, aud="evil.example"),
            "another site",
            id="aud",
        ),
        pytest.param(
            lambda: WALLET.present_jwt(
                [], nonce=OURS.nonce, aud=DOMAIN, claims={"exp": 1_700_000_000}
            ),
            "expired",
            id="exp",
        ),
        pytest.param(
            lambda: WALLET.present_jwt(
                [], nonce=OURS.nonce, aud=DOMAIN, header={"kid": None, "jwk": {"kty": "OKP"}}
            ),
            "carries its own key",
            id="jwk-header",
        ),
        pytest.param(
            lambda: WALLET.present_jwt(
                [], nonce=OURS.nonce, aud=DOMAIN, claims={"iss": STRANGER.did}
            ),
            "not by its holder",
            id="iss-not-signer",
        ),
        pytest.param(
            lambda: _flip_payload(WALLET.present_jwt([], nonce=OURS.nonce, aud=DOMAIN)),
            "does not match",
            id="tampered",
        ),
    ],
)
def test_refused_vp_jwts_say_why(make: Callable[[], str], words: str) -> None:
    with pytest.raises(Refused) as refused:
        _check(make())

    assert words in refused.value.reason


def _flip_payload(token: str) -> str:
    header, _, signature = token.split(".")
    forged = WALLET.present_jwt([badge_for(WALLET.did)], nonce=OURS.nonce, aud=DOMAIN)
    return ".".join([header, forged.split(".")[1], signature])


# Reading what was pasted or posted ---------------------------------------------------------------


def test_read_accepts_the_bare_presentation_the_vc_api_body_and_a_token() -> None:
    presentation = _good()
    token = WALLET.present_jwt([], nonce=OURS.nonce, aud=DOMAIN)

    assert read_presentation(json.dumps(presentation)) == presentation
    assert read_presentation(json.dumps({"verifiablePresentation": presentation})) == presentation
    assert read_presentation(f"  {token}\n") == token


@pytest.mark.parametrize(
    ("data", "words"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b'{"@context": [', "damaged", id="cut-short"),
        pytest.param(
            b"[" * 100_000 + b"]" * 100_000, "not a Verifiable Presentation", id="deep-list"
        ),
        pytest.param(b"{" + b'"a":{' * 50_000 + b"}" * 50_001, "damaged", id="deep-object"),
        pytest.param(b"\xff\xfe", "not text", id="binary"),
        pytest.param(b"hello wallet", "not a Verifiable Presentation", id="prose"),
        pytest.param(b" " + b"x" * MAX_BYTES, "larger than 2 MiB", id="oversized"),
    ],
)
def test_read_refuses_what_is_no_presentation(data: bytes, words: str) -> None:
    with pytest.raises(Refused) as refused:
        read_presentation(data)

    assert words in refused.value.reason


def test_a_presentation_is_never_changed_by_checking_it() -> None:
    presentation = _good()
    before = copy.deepcopy(presentation)

    _verify(presentation)

    assert presentation == before


def test_another_issuers_did_key_cannot_stand_in_for_the_holder() -> None:
    other = IssuerKit.did_key(seed=77)
    presentation = WALLET.present(
        [], challenge=OURS.nonce, domain=DOMAIN, key_id=other.key_id, signer=other
    )

    with pytest.raises(Refused) as refused:
        _check(presentation)

    assert "not by its holder" in refused.value.reason


def test_a_vp_jwt_without_iss_or_holder_is_held_by_the_kids_did() -> None:
    token = WALLET.present_jwt([], nonce=OURS.nonce, aud=DOMAIN, claims={"iss": None})

    assert _check(token).holder == WALLET.did
