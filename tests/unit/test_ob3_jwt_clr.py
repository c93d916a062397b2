"""verify_vc on compact VC-JWTs (both claim forms) and on CLR 2.0 records with nested VCs."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from app.verification.ob3 import verify_vc
from app.verification.result import Verdict
from tests.support.ob3_builders import IssuerKit, build_clr, build_credential, self_jwk
from tests.support.ob3_fakes import FakeFetcher

NOW = datetime(2025, 6, 1, tzinfo=UTC)
KIT = IssuerKit.did_key(seed=11)
OTHER = IssuerKit.did_key(seed=12)
WEB = IssuerKit.did_web("jwt-issuer.example")


def _b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _unsigned_token(credential: dict[str, Any]) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(credential)}."


def _swap_payload(token: str, payload: dict[str, Any]) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{_b64(payload)}.{signature}"


JWT_CASES: list[Any] = [
    pytest.param(
        lambda: KIT.sign_jwt(build_credential(KIT)),
        Verdict.VERIFIED,
        "JWT, EdDSA",
        id="claims-set-form",
    ),
    pytest.param(
        lambda: KIT.sign_jwt(build_credential(KIT), vc_claim=True),
        Verdict.VERIFIED,
        "JWT",
        id="vc-claim-form",
    ),
    pytest.param(
        lambda: IssuerKit.did_key("P-256", seed=5).sign_jwt(
            build_credential(IssuerKit.did_key("P-256", seed=5))
        ),
        Verdict.VERIFIED,
        "JWT, ES256",
        id="p256",
    ),
    pytest.param(
        lambda: WEB.sign_jwt(build_credential(WEB)), Verdict.VERIFIED, "JWT", id="did-web-kid"
    ),
    pytest.param(
        lambda: WEB.sign_jwt(build_credential(WEB), header={"kid": "#key-1"}),
        Verdict.VERIFIED,
        "JWT",
        id="relative-kid",
    ),
    pytest.param(
        lambda: _unsigned_token(build_credential(KIT)), Verdict.INVALID, "alg none", id="alg-none"
    ),
    pytest.param(
        lambda: OTHER.sign_jwt(
            build_credential(OTHER), header={"kid": None, "jwk": self_jwk(OTHER.private_key)}
        ),
        Verdict.INVALID,
        "jwk header",
        id="jwk-header",
    ),
    pytest.param(
        lambda: _swap_payload(
            KIT.sign_jwt(build_credential(KIT)), build_credential(KIT, achievement_name="Surgery")
        ),
        Verdict.INVALID,
        "signature does not match",
        id="tampered",
    ),
    pytest.param(
        lambda: OTHER.sign_jwt(build_credential(KIT), header={"kid": KIT.key_id}),
        Verdict.INVALID,
        "signature does not match",
        id="wrong-key",
    ),
    pytest.param(
        lambda: OTHER.sign_jwt(build_credential(WEB)),
        Verdict.INVALID,
        "not to the issuer",
        id="did-key-not-the-issuer",
    ),
    pytest.param(
        lambda: KIT.sign_jwt(build_credential(KIT), claims={"nbf": 1_000_000_000}),
        Verdict.INVALID,
        "start date disagrees",
        id="nbf-disagrees",
    ),
    pytest.param(
        lambda: KIT.sign_jwt(build_credential(KIT), claims={"iss": OTHER.id}),
        Verdict.INVALID,
        "token's issuer",
        id="iss-disagrees",
    ),
    pytest.param(
        lambda: KIT.sign_jwt(
            build_credential(KIT, valid_until="2025-01-01T00:00:00Z"), vc_claim=True
        ),
        Verdict.EXPIRED,
        "expired on 2025-01-01",
        id="expired-exp",
    ),
    pytest.param(
        lambda: KIT.sign_jwt(
            build_credential(KIT, valid_from="2026-01-01T00:00:00Z"), vc_claim=True
        ),
        Verdict.NOT_YET_VALID,
        "not valid until",
        id="not-yet-valid-nbf",
    ),
    pytest.param(lambda: "not.a-jwt", Verdict.INVALID, "three dot-separated parts", id="two-parts"),
    pytest.param(lambda: "abc.def.ghi", Verdict.INVALID, "header is not JSON", id="garbage-parts"),
]


@pytest.mark.parametrize(("make", "verdict", "detail"), JWT_CASES)
def test_jwt_verdict(make: Callable[[], str], verdict: Verdict, detail: str) -> None:
    fetcher = FakeFetcher({WEB.did_document_url: WEB.did_document()})

    result = verify_vc(make(), target="t", fetcher=fetcher, now=NOW)

    details = " | ".join(c.detail for c in result.checks)
    assert result.verdict is verdict, details
    assert detail in details
    assert result.format == "ob3-jwt"


def test_vc_claim_form_takes_dates_and_ids_from_registered_claims() -> None:
    credential = build_credential(KIT, valid_until="2030-01-01T00:00:00Z")
    token = KIT.sign_jwt(credential, vc_claim=True)

    result = verify_vc(token, target="t", fetcher=FakeFetcher(), now=NOW)

    assert result.verdict is Verdict.VERIFIED
    assert result.expires == datetime(2030, 1, 1, tzinfo=UTC)
    assert result.credential_id == credential["id"]


def _clr(nested: list[Any]) -> dict[str, Any]:
    return KIT.sign(build_clr(KIT, nested))


def test_clr_verifies_itself_and_each_nested_credential() -> None:
    good = KIT.sign(
        build_credential(KIT, credential_id="urn:uuid:00000000-0000-4000-8000-000000000001")
    )
    other = OTHER.sign(
        build_credential(OTHER, credential_id="urn:uuid:00000000-0000-4000-8000-000000000002")
    )

    result = verify_vc(_clr([good, other]), target="t", fetcher=FakeFetcher(), now=NOW)

    assert (result.verdict, result.format) == (Verdict.VERIFIED, "clr2")
    assert [n.verdict for n in result.nested] == [Verdict.VERIFIED, Verdict.VERIFIED]
    assert [n.target for n in result.nested] == [good["id"], other["id"]]


def test_clr_lists_a_bad_nested_credential_without_failing_the_record() -> None:
    forged = KIT.sign(build_credential(KIT))
    forged["name"] = "Forged"

    result = verify_vc(_clr([forged]), target="t", fetcher=FakeFetcher(), now=NOW)

    assert result.verdict is Verdict.VERIFIED
    assert [n.verdict for n in result.nested] == [Verdict.INVALID]
    assert any(c.id == "nested" and c.outcome == "warn" for c in result.checks)


def test_clr_nested_jwt_is_verified() -> None:
    token = KIT.sign_jwt(build_credential(KIT))

    result = verify_vc(_clr([token]), target="t", fetcher=FakeFetcher(), now=NOW)

    assert [n.verdict for n in result.nested] == [Verdict.VERIFIED]
    assert result.nested[0].target == "t#credential-1"


def test_tampered_clr_shows_no_nested_results() -> None:
    clr = _clr([KIT.sign(build_credential(KIT))])
    clr["name"] = "Another transcript"

    result = verify_vc(clr, target="t", fetcher=FakeFetcher(), now=NOW)

    assert result.verdict is Verdict.INVALID
    assert result.nested == ()
