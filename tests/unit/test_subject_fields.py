"""Results say whom a credential names: the matched address, the subject's DID and the earner's
name, and only for credentials whose authenticity was shown."""

from __future__ import annotations

from datetime import UTC, datetime

from app.verification.ob3 import verify_vc
from app.verification.result import Verdict
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.fakes import FakeFetcher
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.ob2_builders import IssuerKit as Ob2Kit
from tests.support.ob3_builders import IssuerKit, build_credential
from tests.support.ob3_fakes import FakeFetcher as Ob3Fetcher

NOW = datetime(2025, 6, 1, tzinfo=UTC)
KIT = IssuerKit.did_key(seed=11)
OTHER = IssuerKit.did_key(seed=12)
OB2 = Ob2Kit()


def test_an_ob3_result_names_its_subject_did_name_and_matched_address() -> None:
    credential = build_credential(KIT, subject_id="did:key:z6MkLearner", email="Ada@Example.com")
    credential["credentialSubject"]["name"] = "  Ada   Lovelace "

    result = verify_vc(
        KIT.sign(credential), target="t", fetcher=Ob3Fetcher(), now=NOW, emails=["ada@example.com"]
    )

    assert result.verdict is Verdict.VERIFIED
    assert result.subject_id == "did:key:z6MkLearner"
    assert result.subject_name == "Ada Lovelace"
    assert result.recipient_identity == "ada@example.com"
    assert result.to_dict()["subject_id"] == "did:key:z6MkLearner"


def test_a_forged_ob3_credential_names_nobody() -> None:
    credential = build_credential(KIT, subject_id="did:key:z6MkLearner")
    credential["credentialSubject"]["name"] = "Ada Lovelace"

    result = verify_vc(OTHER.sign(credential), target="t", fetcher=Ob3Fetcher(), now=NOW)

    assert result.verdict is Verdict.INVALID
    assert (result.subject_id, result.subject_name) == (None, None)


def test_an_ob2_badge_names_its_earner_from_the_recipient_profile_extension() -> None:
    documents = OB2.hosted(**{"extensions:recipientProfile": {"name": "Grace\nHopper"}})
    url = OB2.assertion_id()

    result = verify(
        Source.from_url(url), fetcher=FakeFetcher(documents), now=NOW, emails=(DEFAULT_EMAIL,)
    )

    assert result.verdict is Verdict.VERIFIED
    assert result.subject_name == "Grace Hopper"
    assert result.recipient_identity == DEFAULT_EMAIL


def test_an_ob2_recipient_profile_that_is_not_a_name_is_ignored() -> None:
    documents = OB2.hosted(**{"extensions:recipientProfile": {"name": ["x"] * 3}})

    result = verify(Source.from_url(OB2.assertion_id()), fetcher=FakeFetcher(documents), now=NOW)

    assert result.verdict is Verdict.VERIFIED
    assert result.subject_name is None
