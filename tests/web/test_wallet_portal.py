"""The portal's "Present from a wallet" section: scoped to the invite's candidate, consent first,
the outcome shown on the portal page, and an invite's revocation closing its exchange too."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import (
    AuditEntry,
    Candidate,
    CandidateInvite,
    Organization,
    PresentationChallenge,
    User,
    utcnow,
)
from app.services import candidates as candidate_service
from app.services import invites, presentations
from tests.support.wallet import Wallet, badge_for

WALLET = Wallet.did_key(seed=51)
DOMAIN = "localhost"


@pytest.fixture
def grace(org: Organization) -> Candidate:
    return candidate_service.create(org, "Grace Hopper", ["grace@example.com"])


@pytest.fixture
def invite(grace: Candidate, recruiter: User) -> tuple[CandidateInvite, str]:
    return invites.create(grace, recruiter)


def _portal(app: Flask, secret: str, *, consent: bool = True) -> FlaskClient:
    browser = app.test_client()
    assert browser.get(f"/invite/{secret}").status_code == 303
    if consent:
        assert browser.post("/invite/portal/consent").status_code == 303
    return browser


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#39;", "'")


def _open(browser: FlaskClient) -> tuple[str, PresentationChallenge]:
    response = browser.post("/invite/portal/wallet/start", headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text
    exchange = re.search(r'name="exchange" value="([^"]+)"', response.text)
    assert exchange is not None
    challenge = presentations.by_exchange(exchange.group(1))
    assert challenge is not None
    return response.text, challenge


def _presentation(challenge: PresentationChallenge, name: str = "Compilers") -> str:
    created = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    signed = WALLET.present(
        [badge_for(WALLET.did, name=name)],
        challenge=challenge.nonce,
        domain=challenge.domain,
        created=created,
    )
    return json.dumps(signed)


def test_the_open_section_shows_the_exchange_and_its_challenge_once(
    csrf_off: Flask, grace: Candidate, invite: tuple[CandidateInvite, str]
) -> None:
    browser = _portal(csrf_off, invite[1])
    assert "Present from a wallet" in browser.get("/invite/portal").text

    html, challenge = _open(browser)
    again, same = _open(browser)

    assert same.id == challenge.id  # opening twice reuses the open request
    assert (challenge.candidate_id, challenge.invite_id) == (grace.id, invite[0].id)
    assert f'value="http://localhost/exchanges/{challenge.exchange_id}"' in html
    assert challenge.nonce in html and f'<code id="wallet-domain">{DOMAIN}</code>' in html
    assert "Grace" not in _text(html.split("<section", 1)[1])


def test_a_pasted_presentation_lands_on_the_portal_page_with_what_it_brought(
    csrf_off: Flask, grace: Candidate, invite: tuple[CandidateInvite, str]
) -> None:
    browser = _portal(csrf_off, invite[1])
    _, challenge = _open(browser)

    response = browser.post(
        "/invite/portal/wallet/present",
        data={"exchange": challenge.exchange_id, "presentation": _presentation(challenge)},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == f"/invite/portal?wallet={challenge.exchange_id}#wallet"
    page = _text(browser.get(response.headers["Location"]).text)
    assert f"✔ Your wallet ({WALLET.did}) proved it is yours. 1 credential added" in page
    assert "wallet presentation, credential 1" in page  # listed among what the candidate added
    submitted = AuditEntry.get(AuditEntry.action == "invite.submitted")
    assert submitted.detail == "wallet presentation: 1"


def test_another_candidates_exchange_is_neither_used_nor_shown(
    org: Organization,
    recruiter: User,
    csrf_off: Flask,
    grace: Candidate,
    invite: tuple[CandidateInvite, str],
) -> None:
    eve = candidate_service.create(org, "Eve", [])
    eves = presentations.new_challenge(eve, DOMAIN)
    browser = _portal(csrf_off, invite[1])

    response = browser.post(
        "/invite/portal/wallet/present",
        data={"exchange": eves.exchange_id, "presentation": _presentation(eves)},
    )

    assert response.status_code == 422
    assert "That request is no longer open" in _text(response.text)
    assert PresentationChallenge.get_by_id(eves.id).used_at is None
    PresentationChallenge.update(used_at=utcnow(), outcome="Eve's secret outcome").where(
        PresentationChallenge.id == eves.id
    ).execute()
    assert "secret outcome" not in browser.get(f"/invite/portal?wallet={eves.exchange_id}").text
    status = browser.get(f"/invite/portal/wallet/status?exchange={eves.exchange_id}")
    assert status.status_code == 286 and status.text == ""


def test_a_refused_paste_keeps_the_text_and_says_why(
    csrf_off: Flask, invite: tuple[CandidateInvite, str]
) -> None:
    browser = _portal(csrf_off, invite[1])
    _, challenge = _open(browser)

    response = browser.post(
        "/invite/portal/wallet/present",
        data={"exchange": challenge.exchange_id, "presentation": "{ not json"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert 'role="alert"' in response.text and "damaged or cut short" in response.text
    assert "{ not json</textarea>" in response.text
    assert f'value="{challenge.exchange_id}"' in response.text  # still open: try again


def test_the_long_poll_sends_the_page_on_once_a_wallet_presented(
    csrf_off: Flask, invite: tuple[CandidateInvite, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.web import wallet

    monkeypatch.setattr(wallet, "LONG_POLL_SECONDS", 0.1)
    browser = _portal(csrf_off, invite[1])
    _, challenge = _open(browser)
    status = f"/invite/portal/wallet/status?exchange={challenge.exchange_id}"

    waiting = browser.get(status)
    assert waiting.status_code == 200 and 'hx-trigger="load"' in waiting.text

    body = {"verifiablePresentation": json.loads(_presentation(challenge))}
    assert csrf_off.test_client().post(f"/exchanges/{challenge.exchange_id}", json=body).json == {}
    done = browser.get(status, headers={"HX-Request": "true"})
    assert done.headers["HX-Redirect"] == f"/invite/portal?wallet={challenge.exchange_id}#wallet"

    _, later = _open(browser)
    PresentationChallenge.update(expires_at=utcnow() - timedelta(seconds=1)).where(
        PresentationChallenge.id == later.id
    ).execute()
    expired = browser.get(f"/invite/portal/wallet/status?exchange={later.exchange_id}")
    assert "This request has expired" in expired.text and "hx-get" not in expired.text


def test_revoking_the_invite_closes_its_exchange(
    csrf_off: Flask, recruiter: User, invite: tuple[CandidateInvite, str]
) -> None:
    browser = _portal(csrf_off, invite[1])
    _, challenge = _open(browser)
    invites.revoke(invite[0], recruiter)

    asked = csrf_off.test_client().post(f"/exchanges/{challenge.exchange_id}", json={})
    body = {"verifiablePresentation": json.loads(_presentation(challenge))}
    presented = csrf_off.test_client().post(f"/exchanges/{challenge.exchange_id}", json=body)

    assert asked.status_code == presented.status_code == 410
    assert "no longer active" in presented.json["error"]["message"]  # type: ignore[index]
    assert browser.post("/invite/portal/wallet/start").status_code == 404


def test_nothing_happens_before_consent(
    csrf_off: Flask, invite: tuple[CandidateInvite, str]
) -> None:
    browser = _portal(csrf_off, invite[1], consent=False)

    response = browser.post("/invite/portal/wallet/start")

    assert response.status_code == 303 and response.headers["Location"] == "/invite/portal"
    assert not PresentationChallenge.select().exists()


def test_every_wallet_route_without_an_invite_session_is_the_inactive_page(
    csrf_off: Flask,
) -> None:
    browser = csrf_off.test_client()
    checked = 0
    for rule in csrf_off.url_map.iter_rules():
        if not rule.endpoint.startswith("wallet."):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = browser.open(rule.rule, method=method)
            assert response.status_code == 404, (rule.endpoint, method)
            assert "This link is no longer active" in response.text
            checked += 1
    assert checked == 3


def test_the_paste_form_needs_the_csrf_token(
    app: Flask, invite: tuple[CandidateInvite, str]
) -> None:
    browser = app.test_client()
    browser.get(f"/invite/{invite[1]}")
    invites.consent(invite[0])

    response = browser.post("/invite/portal/wallet/start")

    assert response.status_code == 400
    assert not PresentationChallenge.select().exists()


def test_without_javascript_the_section_opens_as_a_page_of_its_own(
    csrf_off: Flask, invite: tuple[CandidateInvite, str]
) -> None:
    browser = _portal(csrf_off, invite[1])

    response = browser.post("/invite/portal/wallet/start")

    assert response.status_code == 200
    assert response.text.lstrip().startswith("<!doctype html>")
    assert "Back to your badges" in response.text and 'id="paste-presentation"' in response.text
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
