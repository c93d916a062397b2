"""OB 2.0 signed assertions: real RSA keys, key ownership, revocation lists."""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.verification.fetcher import FetchResponse
from app.verification.result import Outcome, Verdict, VerificationResult
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.fakes import FakeFetcher, FakeRoute, status
from tests.support.ob2_builders import DEFAULT_EMAIL, IssuerKit, public_pem, rsa_key, sign

NOW = datetime(2025, 1, 1, tzinfo=UTC)
KIT = IssuerKit()
CORPUS = (Path(__file__).parents[2] / ".." / "shared" / "corpus").resolve()


def run(
    token: str, fetcher: FakeFetcher, emails: tuple[str, ...] = (DEFAULT_EMAIL,)
) -> VerificationResult:
    return verify(
        Source.from_bytes(token.encode(), "badge.jws"), fetcher=fetcher, now=NOW, emails=emails
    )


def failed(result: VerificationResult) -> dict[str, str]:
    return {c.id: c.detail for c in result.checks if c.outcome is Outcome.FAIL}


def documents(**replace: Any) -> FakeFetcher:
    fetcher = FakeFetcher(KIT.documents())
    for url, route in replace.items():
        fetcher.add(getattr(KIT, url), route)
    return fetcher


def tampered(token: str, **changes: Any) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update({"issuedOn": "2023-01-01T00:00:00Z", **changes})
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def unsigned(alg: str) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': alg})}.{part(KIT.signed_payload())}.{'' if alg == 'none' else 'c2ln'}"


SIGNED = KIT.signed_assertion()
SIGNED_ID = KIT.signed_payload()["id"]
OTHER_KEY = rsa_key("someone-else")


@pytest.mark.parametrize(
    ("token", "fetcher", "verdict", "check"),
    [
        pytest.param(SIGNED, documents(), Verdict.VERIFIED, None, id="valid-signed"),
        pytest.param(
            KIT.signed_assertion(alg="PS256"), documents(), Verdict.VERIFIED, None, id="ps256"
        ),
        pytest.param(tampered(SIGNED), documents(), Verdict.INVALID, "signature", id="tampered"),
        pytest.param(
            sign(KIT.signed_payload(), OTHER_KEY),
            documents(),
            Verdict.INVALID,
            "signature",
            id="other-key",
        ),
        pytest.param(
            SIGNED,
            documents(key_id=KIT.public_key(owner="https://evil.example/issuer.json")),
            Verdict.INVALID,
            "key-owner",
            id="key-owner-mismatch",
        ),
        pytest.param(
            SIGNED,
            documents(issuer_id=KIT.issuer_profile(publicKey="https://issuer.example/keys/2.json")),
            Verdict.INVALID,
            "key-owner",
            id="key-not-listed-by-issuer",
        ),
        pytest.param(
            SIGNED,
            documents(key_id=KIT.public_key(publicKeyPem=public_pem(OTHER_KEY))),
            Verdict.INVALID,
            "signature",
            id="key-document-swapped",
        ),
        pytest.param(unsigned("none"), documents(), Verdict.INVALID, "signature", id="alg-none"),
        pytest.param(unsigned("HS256"), documents(), Verdict.INVALID, "signature", id="alg-hs256"),
        pytest.param(
            SIGNED,
            documents(revocation_list_id=KIT.revocation_list([SIGNED_ID])),
            Verdict.REVOKED,
            "revocation",
            id="revoked-one-entry",
        ),
        pytest.param(
            SIGNED,
            documents(
                revocation_list_id=KIT.revocation_list(
                    [
                        "urn:uuid:other",
                        {"id": SIGNED_ID, "revocationReason": "Cheated"},
                        {"id": "x"},
                    ]
                )
            ),
            Verdict.REVOKED,
            "revocation",
            id="revoked-among-several-by-id",
        ),
        pytest.param(
            KIT.signed_assertion(uid="abc-123"),
            documents(revocation_list_id=KIT.revocation_list([{"uid": "abc-123"}, "urn:uuid:x"])),
            Verdict.REVOKED,
            "revocation",
            id="revoked-by-uid",
        ),
        pytest.param(
            SIGNED,
            documents(revocation_list_id=KIT.revocation_list(["urn:uuid:other", {"id": "y"}])),
            Verdict.VERIFIED,
            None,
            id="not-on-revocation-list",
        ),
        pytest.param(
            SIGNED,
            documents(revocation_list_id=status(503)),
            Verdict.UNREACHABLE,
            "revocation",
            id="revocation-list-unreachable",
        ),
        pytest.param(
            SIGNED, documents(key_id=status(404)), Verdict.UNREACHABLE, "key", id="key-404"
        ),
        pytest.param(
            KIT.signed_assertion(expires="2024-02-01T00:00:00Z"),
            documents(),
            Verdict.EXPIRED,
            "expiry",
            id="expired",
        ),
        pytest.param(
            KIT.signed_assertion(issued_on="2031-02-01T00:00:00Z"),
            documents(),
            Verdict.NOT_YET_VALID,
            "issued-on",
            id="future-issued-on",
        ),
        pytest.param(
            KIT.signed_assertion(email="other@example.com"),
            documents(),
            Verdict.RECIPIENT_MISMATCH,
            "recipient",
            id="wrong-recipient",
        ),
    ],
)
def test_signed_assertion_verdicts(
    token: str, fetcher: FakeFetcher, verdict: Verdict, check: str | None
) -> None:
    result = run(token, fetcher)
    assert result.verdict is verdict
    assert result.format == "ob2-signed"
    if check is not None:
        assert check in failed(result)


def test_revocation_reason_is_shown() -> None:
    listing = KIT.revocation_list([{"id": SIGNED_ID, "revocationReason": "Cheated"}])
    result = run(SIGNED, documents(revocation_list_id=listing))
    assert "Cheated" in failed(result)["revocation"]


def test_revocation_list_is_revalidated_and_the_key_is_fetched_first() -> None:
    fetcher = documents()
    run(SIGNED, fetcher)
    # The key first, with only the BadgeClass on the key's own site fetched alongside it.
    assert KIT.key_id in fetcher.urls[:2]
    assert set(fetcher.urls[:2]) <= {KIT.key_id, KIT.badge_id}
    assert {r.url: r.revalidate for r in fetcher.requests}[KIT.revocation_list_id] is True


def test_a_bad_signature_stops_before_following_the_payloads_links_to_other_sites() -> None:
    fetcher = documents()
    run(tampered(SIGNED, badge="https://elsewhere.example/badge.json"), fetcher)
    assert fetcher.urls == [KIT.key_id]


class KeyWaitsForBadgeClass(FakeFetcher):
    """Holds the key's response until the BadgeClass is asked for (or gives up after 10 s)."""

    def __init__(self) -> None:
        super().__init__(KIT.documents())
        self.badge_class_asked = threading.Event()
        self.in_flight_together = False

    def fetch(self, url: str, **options: Any) -> FetchResponse:
        if url == KIT.badge_id:
            self.badge_class_asked.set()
        elif url == KIT.key_id:
            self.in_flight_together = self.badge_class_asked.wait(10)
        return super().fetch(url, **options)


def test_the_key_and_the_badge_class_are_fetched_at_the_same_time() -> None:
    fetcher = KeyWaitsForBadgeClass()
    assert run(SIGNED, fetcher).verdict is Verdict.VERIFIED
    assert fetcher.in_flight_together


def test_issuer_without_revocation_list_is_verified_with_a_skipped_check() -> None:
    fetcher = documents(issuer_id=KIT.issuer_profile(revocationList=None))
    result = run(SIGNED, fetcher)
    assert result.verdict is Verdict.VERIFIED
    assert [c.outcome for c in result.checks if c.id == "revocation"] == [Outcome.SKIP]


def test_key_is_found_through_the_issuer_when_the_badge_names_no_creator() -> None:
    token = KIT.signed_assertion(verification={"type": "signed"})
    assert run(token, documents()).verdict is Verdict.VERIFIED


def test_signed_token_marked_hosted_is_checked_as_hosted() -> None:
    token = KIT.signed_assertion("h1", id=KIT.assertion_id("h1"), verification={"type": "hosted"})
    fetcher = FakeFetcher(KIT.hosted("h1", revoked=True))
    result = run(token, fetcher)
    assert result.verdict is Verdict.REVOKED
    assert KIT.assertion_id("h1") in fetcher.urls


def test_signed_badge_given_without_its_signature_is_invalid() -> None:
    data = json.dumps(KIT.signed_payload()).encode()
    result = verify(Source.from_bytes(data, "badge.json"), fetcher=documents(), now=NOW)
    assert result.verdict is Verdict.INVALID
    assert "signature" in failed(result)


def test_signed_badge_served_at_a_url_is_verified() -> None:
    url = "https://wallet.example/badge.jws"
    fetcher = documents()
    fetcher.add(url, FakeRoute(body=SIGNED, content_type="text/plain"))
    result = verify(Source.from_url(url), fetcher=fetcher, now=NOW)
    assert result.verdict is Verdict.VERIFIED


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "verdict"),
    [
        pytest.param("simple.jwt", Verdict.VERIFIED, id="simple"),
        pytest.param("simple-not-revoked.jwt", Verdict.VERIFIED, id="not-revoked"),
        pytest.param("simple-revoked.jwt", Verdict.REVOKED, id="revoked"),
    ],
)
def test_1edtech_signed_fixtures(name: str, verdict: Verdict) -> None:
    folder = CORPUS / "1edtech-dc-validator" / "ob20"
    if not folder.is_dir():
        pytest.skip(f"conformance corpus not found at {folder}")
    fetcher = FakeFetcher()
    for asset in (folder / "assets").glob("*.json"):
        for base in ("https://example.org/", "http://example.org/"):
            fetcher.add(
                base + asset.name, FakeRoute(asset.read_bytes(), content_type="application/json")
            )
    token = (folder / name).read_text()
    result = run(token, fetcher, emails=("nobody@example.org",))
    assert result.verdict is verdict


def test_key_is_known_by_its_address_not_by_the_name_it_gives_itself() -> None:
    attacker = "https://evil.example/key.json"
    payload = KIT.signed_payload(verification={"type": "signed", "creator": attacker})
    token = sign(payload, OTHER_KEY)
    fetcher = documents()
    fetcher.add(attacker, KIT.public_key(publicKeyPem=public_pem(OTHER_KEY)))  # claims KIT's key id
    result = run(token, fetcher)
    assert result.verdict is Verdict.INVALID
    assert "key-owner" in failed(result)


def test_issuer_described_only_inside_the_token_cannot_vouch_for_the_key() -> None:
    badge = {**KIT.badge_class(), "issuer": KIT.issuer_profile(id=None)}
    result = run(KIT.signed_assertion(badge=badge), documents())
    assert result.verdict is Verdict.INVALID
    assert "key-owner" in failed(result)


def test_embedded_issuer_is_read_from_its_own_address() -> None:
    fake = KIT.issuer_profile(publicKey=[KIT.key_id, "https://evil.example/key.json"], name="Fake")
    fetcher = documents()
    result = run(KIT.signed_assertion(badge={**KIT.badge_class(), "issuer": fake}), fetcher)
    assert result.verdict is Verdict.VERIFIED
    assert KIT.issuer_id in fetcher.urls
    assert result.issuer is not None and result.issuer.name == KIT.name


class SlowBadgeClass(FakeFetcher):
    """Answers the BadgeClass only after the key (whose signature fails) was answered."""

    def __init__(self) -> None:
        super().__init__(KIT.documents())
        self.key_answered = threading.Event()
        self.started: list[str] = []
        self.finished: list[str] = []

    def fetch(self, url: str, **options: Any) -> FetchResponse:
        self.started.append(url)
        if url == KIT.badge_id:
            self.key_answered.wait(10)
        response = super().fetch(url, **options)
        if url == KIT.key_id:
            self.key_answered.set()
        self.finished.append(url)
        return response


def test_a_fetch_started_ahead_has_ended_when_the_verification_returns() -> None:
    fetcher = SlowBadgeClass()
    result = run(tampered(SIGNED), fetcher)  # halts on the signature, the BadgeClass in flight
    assert result.verdict is Verdict.INVALID
    assert sorted(fetcher.finished) == sorted(fetcher.started)  # none still under way
