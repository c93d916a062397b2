"""The VC API exchange a wallet talks to: request, presentation, single use, expiry, scoping."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import (
    AuditEntry,
    Candidate,
    Credential,
    Organization,
    PresentationChallenge,
    ProofKind,
    ProvenIdentity,
    utcnow,
)
from app.services import candidates as candidate_service
from app.services import ownership, presentations, verification
from app.services.ownership import Belonging
from app.web import exchanges
from tests.support.ob3_fakes import FakeFetcher
from tests.support.wallet import Wallet, badge_for

DOMAIN = "localhost"
WALLET = Wallet.did_key(seed=21)
STRANGER = Wallet.did_key(seed=22)


@pytest.fixture
def ada(org: Organization) -> Candidate:
    return candidate_service.create(org, "Ada Lovelace", ["ada@example.com"])


@pytest.fixture
def challenge(ada: Candidate) -> PresentationChallenge:
    return presentations.new_challenge(ada, DOMAIN)


@pytest.fixture
def wallet_client(app: Flask) -> FlaskClient:
    """A wallet: no session, no CSRF token, CSRF protection on."""
    return app.test_client()


def _present(challenge: PresentationChallenge, *credentials: Any, **options: Any) -> dict[str, Any]:
    items = list(credentials) if credentials else [badge_for(WALLET.did)]
    presentation = WALLET.present(
        items, challenge=challenge.nonce, domain=DOMAIN, created=_now_text(), **options
    )
    return {"verifiablePresentation": presentation}


def _now_text() -> str:
    return utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")


def _post(client: FlaskClient, exchange_id: str, body: Any) -> Any:
    return client.post(f"/exchanges/{exchange_id}", json=body)


def test_an_empty_post_answers_the_presentation_request(
    wallet_client: FlaskClient, challenge: PresentationChallenge
) -> None:
    response = _post(wallet_client, challenge.exchange_id, {})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    request = response.get_json()["verifiablePresentationRequest"]
    assert (request["challenge"], request["domain"]) == (challenge.nonce, DOMAIN)
    assert [q["type"] for q in request["query"]] == ["DIDAuthentication", "QueryByExample"]
    assert "Ada" not in response.text  # nothing about the candidate


def test_a_presentation_adds_the_credentials_and_proves_the_wallets_did(
    app: Flask, wallet_client: FlaskClient, ada: Candidate, challenge: PresentationChallenge
) -> None:
    mine, theirs = badge_for(WALLET.did), badge_for(STRANGER.did, name="Welding")

    response = _post(wallet_client, challenge.exchange_id, _present(challenge, mine, theirs))

    assert response.status_code == 200, response.text
    assert response.get_json() == {}
    rows = list(Credential.select().where(Credential.candidate == ada).order_by(Credential.id))
    assert [json.loads(bytes(row.source_data)) for row in rows] == [mine, theirs]
    assert all(row.status == "queued" for row in rows)
    proof = ProvenIdentity.get(ProvenIdentity.candidate == ada)
    assert (proof.kind, proof.value, proof.method) == (ProofKind.DID, WALLET.did, "presentation")
    assert proof.detail.startswith(f"the candidate's wallet ({WALLET.did}) signed a presentation")
    used = PresentationChallenge.get_by_id(challenge.id)
    assert used.used_at is not None and used.holder == WALLET.did and used.credentials_added == 2
    assert (
        AuditEntry.get(AuditEntry.action == "presentation.accepted").organization_id
        == ada.organization_id
    )

    with app.app_context():
        for row in rows:
            verification.verify_credential(row.id, FakeFetcher())
    proofs = ownership.proofs_of([ada.id])[ada.id]
    states = [ownership.belongs_to(Credential.get_by_id(r.id), proofs).state for r in rows]
    assert [Credential.get_by_id(r.id).verdict for r in rows] == ["verified", "verified"]
    # the welding badge is authentic but names another DID: added, not proven the candidate's
    assert states == [Belonging.PROVEN, Belonging.NOT_CHECKABLE]


def test_deleting_the_candidate_deletes_their_challenges_and_the_trail_names_no_did(
    wallet_client: FlaskClient, ada: Candidate, challenge: PresentationChallenge
) -> None:
    body = _present(challenge)
    assert _post(wallet_client, challenge.exchange_id, body).status_code == 200
    again = presentations.new_challenge(ada, DOMAIN)
    assert _post(wallet_client, again.exchange_id, body).status_code == 400  # a replay

    candidate_service.delete(ada, None)

    assert not PresentationChallenge.select().exists()
    assert not ProvenIdentity.select().exists()
    trail = [f"{e.action} {e.detail}" for e in AuditEntry.select()]
    assert any(line.startswith("presentation.refused") for line in trail)
    assert not [line for line in trail if "did:" in line]


def test_a_replayed_presentation_is_refused_and_adds_nothing(
    wallet_client: FlaskClient, ada: Candidate, challenge: PresentationChallenge
) -> None:
    body = _present(challenge)
    assert _post(wallet_client, challenge.exchange_id, body).status_code == 200
    again = presentations.new_challenge(ada, DOMAIN)

    same_exchange = _post(wallet_client, challenge.exchange_id, body)
    next_exchange = _post(wallet_client, again.exchange_id, body)

    assert same_exchange.status_code == 410
    assert "already used" in same_exchange.get_json()["error"]["message"]
    assert next_exchange.status_code == 400
    assert "This presentation was already used" in next_exchange.get_json()["error"]["message"]
    assert Credential.select().where(Credential.candidate == ada).count() == 1
    assert PresentationChallenge.get_by_id(again.id).used_at is None


def test_a_presentation_over_another_candidates_challenge_is_refused(
    org: Organization, wallet_client: FlaskClient, ada: Candidate, challenge: PresentationChallenge
) -> None:
    eve = candidate_service.create(org, "Eve", [])
    eves = presentations.new_challenge(eve, DOMAIN)

    response = _post(wallet_client, challenge.exchange_id, _present(eves))

    assert response.status_code == 400
    assert "signed over another challenge" in response.get_json()["error"]["message"]
    assert PresentationChallenge.get_by_id(challenge.id).used_at is None
    assert not ProvenIdentity.select().exists()
    refused = AuditEntry.get(AuditEntry.action == "presentation.refused")
    assert refused.detail == f"{ada.id}: other-challenge"


@pytest.mark.parametrize(
    ("tamper", "status", "words"),
    [
        pytest.param(
            lambda body: body["verifiablePresentation"].update(holder=STRANGER.did),
            400,
            "not by its holder",
            id="holder-swapped",
        ),
        pytest.param(
            lambda body: body["verifiablePresentation"]["proof"].update(domain="evil.example"),
            400,
            "another site",
            id="wrong-domain",
        ),
        pytest.param(
            lambda body: body.update(verifiablePresentation="not a token"),
            400,
            "not a Verifiable Presentation",
            id="prose",
        ),
        pytest.param(
            lambda body: body.update(verifiablePresentation=[1, 2]),
            400,
            "not a Verifiable Presentation",
            id="list",
        ),
    ],
)
def test_bad_presentations_get_a_plain_error_and_leave_the_challenge_open(
    wallet_client: FlaskClient,
    challenge: PresentationChallenge,
    tamper: Any,
    status: int,
    words: str,
) -> None:
    body = _present(challenge)
    tamper(body)

    response = _post(wallet_client, challenge.exchange_id, body)

    assert response.status_code == status
    assert words in response.get_json()["error"]["message"]
    assert PresentationChallenge.get_by_id(challenge.id).used_at is None


@pytest.mark.parametrize(
    "exchange_id",
    [
        pytest.param("A" * 43, id="unknown"),
        pytest.param("short", id="malformed"),
        pytest.param("x" * 200, id="too-long"),
    ],
)
def test_an_unknown_exchange_is_a_json_404(wallet_client: FlaskClient, exchange_id: str) -> None:
    response = _post(wallet_client, exchange_id, {})

    assert response.status_code == 404
    assert "No such exchange" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"not json", id="not-json"),
        pytest.param(b"[]", id="a-list"),
        pytest.param(b"[" * 50_000, id="deeply-nested"),
    ],
)
def test_a_body_that_is_no_json_object_is_a_400(
    wallet_client: FlaskClient, challenge: PresentationChallenge, data: bytes
) -> None:
    response = wallet_client.post(
        f"/exchanges/{challenge.exchange_id}", data=data, content_type="application/json"
    )

    assert response.status_code == 400
    assert "JSON object" in response.get_json()["error"]["message"]


def test_an_oversized_body_is_refused_before_parsing(
    wallet_client: FlaskClient, challenge: PresentationChallenge
) -> None:
    data = b'{"verifiablePresentation": "' + b"x" * (3 * 2**20) + b'"}'

    response = wallet_client.post(
        f"/exchanges/{challenge.exchange_id}", data=data, content_type="application/json"
    )

    assert response.status_code == 413
    assert "larger than 2 MiB" in response.get_json()["error"]["message"]


def test_an_expired_exchange_is_gone(
    wallet_client: FlaskClient, ada: Candidate, challenge: PresentationChallenge
) -> None:
    body = _present(challenge)
    PresentationChallenge.update(expires_at=utcnow() - timedelta(seconds=1)).where(
        PresentationChallenge.id == challenge.id
    ).execute()

    asked = _post(wallet_client, challenge.exchange_id, {})
    presented = _post(wallet_client, challenge.exchange_id, body)

    assert (asked.status_code, presented.status_code) == (410, 410)
    assert "expired" in presented.get_json()["error"]["message"]
    assert not Credential.select().where(Credential.candidate == ada).exists()


def test_two_concurrent_presentations_over_one_challenge_count_once(
    app: Flask,
    ada: Candidate,
    challenge: PresentationChallenge,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _race(app, challenge, monkeypatch) == [200, 410]
    assert Credential.select().where(Credential.candidate == ada).count() == 1


@pytest.mark.postgres
def test_two_concurrent_presentations_count_once_on_postgres(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import create_app, db
    from tests.conftest import make_settings
    from tests.support.builders import build_org

    app = create_app(make_settings(postgres_url))
    db.migrate()
    try:
        ada = candidate_service.create(build_org("Acme", "acme"), "Ada", [])
        challenge = presentations.new_challenge(ada, DOMAIN)

        assert _race(app, challenge, monkeypatch) == [200, 410]
        assert Credential.select().where(Credential.candidate == ada).count() == 1
    finally:
        db.db.close()


def _race(
    app: Flask, challenge: PresentationChallenge, monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    """Two wallets post at once; both pass every check before either uses the challenge."""
    both_checked = threading.Barrier(2, timeout=20)
    real_check = presentations.check_presentation

    def check_then_wait(*args: Any, **kwargs: Any) -> Any:
        proof = real_check(*args, **kwargs)
        both_checked.wait()
        return proof

    monkeypatch.setattr(presentations, "check_presentation", check_then_wait)
    bodies = [
        _present(challenge, badge_for(WALLET.did, name="One")),
        _present(challenge, badge_for(WALLET.did, name="Two")),
    ]
    statuses: list[int] = []

    def post(body: dict[str, Any]) -> None:
        statuses.append(_post(app.test_client(), challenge.exchange_id, body).status_code)

    threads = [threading.Thread(target=post, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(statuses)


def test_the_exchange_is_rate_limited_per_exchange(
    wallet_client: FlaskClient, challenge: PresentationChallenge
) -> None:
    limit = int(exchanges.PER_EXCHANGE.split()[0])
    answers = [
        _post(wallet_client, challenge.exchange_id, {}).status_code for _ in range(limit + 1)
    ]

    assert answers[:limit] == [200] * limit
    assert answers[-1] == 429
    limited = _post(wallet_client, challenge.exchange_id, {})
    assert "Too many requests" in limited.get_json()["error"]["message"]
    assert limited.headers["Retry-After"] == "60"


def test_the_recruiter_sees_the_badge_proven_by_the_wallet(
    app: Flask,
    client: FlaskClient,
    auth: Any,
    recruiter: Any,
    ada: Candidate,
    challenge: PresentationChallenge,
) -> None:
    assert _post(client, challenge.exchange_id, _present(challenge)).status_code == 200
    badge = Credential.get(Credential.candidate == ada)
    with app.app_context():
        verification.verify_credential(badge.id, FakeFetcher())
    auth.login(recruiter.email)

    page = " ".join(re.sub(r"<[^>]+>", " ", client.get(f"/credentials/{badge.id}").text).split())

    today = utcnow().strftime("%-d %b %Y")
    expected = (
        f"✔ Proven: the candidate's wallet ({WALLET.did}) signed a presentation over"
        f" Skillproof's challenge on {today}."
    )
    assert expected in page.replace("&#39;", "'")


def test_a_wallet_in_a_web_page_may_call_the_exchange(
    wallet_client: FlaskClient, challenge: PresentationChallenge
) -> None:
    preflight = wallet_client.options(
        f"/exchanges/{challenge.exchange_id}",
        headers={"Origin": "https://wallet.example", "Access-Control-Request-Method": "POST"},
    )
    answer = _post(wallet_client, challenge.exchange_id, {})

    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in answer.headers


@pytest.mark.parametrize(
    ("served", "status", "words"),
    [
        pytest.param("authentication", 200, "", id="listed-for-authentication"),
        pytest.param(
            "assertion-only", 400, "does not list this key for authentication", id="not-listed"
        ),
        pytest.param("redirected", 400, "another site", id="redirected-elsewhere"),
        pytest.param("private", 502, "does not contact", id="resolves-to-this-machine"),
    ],
)
def test_a_did_web_holder_is_resolved_over_tls_by_the_safe_fetcher(
    app: Flask,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    wallet_client: FlaskClient,
    ada: Candidate,
    challenge: PresentationChallenge,
    served: str,
    status: int,
    words: str,
) -> None:
    from dataclasses import replace

    from tests.support.provider_hosts import ProviderHosts

    if served != "private":  # the holder's host resolves to loopback: allowed as in the tests
        settings = app.extensions["skillproof.settings"]
        app.extensions["skillproof.settings"] = replace(settings, allow_private_hosts="127.0.0.1")
    holder = Wallet.did_web("learner.example")
    document = holder.did_document(list_for_authentication=served != "assertion-only")
    presentation = holder.present(
        [badge_for(holder.did)], challenge=challenge.nonce, domain=DOMAIN, created=_now_text()
    )
    with ProviderHosts(tmp_path, "learner.example", "elsewhere.example") as hosts:
        body = json.dumps(document).encode()
        if served == "redirected":
            hosts.route(
                "learner.example",
                "/.well-known/did.json",
                redirect="https://elsewhere.example/did.json",
            )
            hosts.route("elsewhere.example", "/did.json", body=body)
        else:
            hosts.route("learner.example", "/.well-known/did.json", body=body)
        hosts.install(monkeypatch)

        response = _post(
            wallet_client, challenge.exchange_id, {"verifiablePresentation": presentation}
        )

    assert response.status_code == status, response.text
    if status == 200:
        assert (
            ProvenIdentity.get(ProvenIdentity.candidate == ada).value == "did:web:learner.example"
        )
    else:
        assert words in response.get_json()["error"]["message"]
        assert not ProvenIdentity.select().exists()
