"""The portal's "Prove your e-mail address" section over HTTP: codes read from a real SMTP
server, the htmx fragment and the plain-form fallback, every error path, one candidate only."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import (
    Candidate,
    Organization,
    ProvenIdentity,
    Role,
    User,
    VerificationRun,
    utcnow,
)
from app.services import candidates as candidate_service
from app.services import invites
from tests.conftest import make_settings, serve_app
from tests.support.builders import build_org, build_user
from tests.support.ob2_builders import hashed_identity
from tests.support.ranking_builders import build_credential
from tests.support.smtp import SmtpServer, unused_port

HTMX = {"HX-Request": "true"}
ADDRESS = "grace@example.com"


def _app(database_url: str, **settings: object) -> Iterator[Flask]:
    yield from serve_app(make_settings(database_url, **settings), csrf=False)


@pytest.fixture
def acme(mail_app: Flask) -> Organization:
    return build_org("Acme Hiring", "acme")


@pytest.fixture
def grace(acme: Organization) -> Candidate:
    return candidate_service.create(acme, "Grace Hopper", [ADDRESS])


def _portal(app: Flask, candidate: Candidate) -> FlaskClient:
    """A browser without an account that opened the candidate's invite and consented."""
    recruiter = User.get_or_none(User.email == "r@acme.test") or build_user(
        Organization.get_by_id(candidate.organization_id), "r@acme.test", Role.RECRUITER
    )
    _, secret = invites.create(candidate, recruiter)
    browser = app.test_client()
    assert browser.get(f"/invite/{secret}").status_code == 303
    assert browser.post("/invite/portal/consent").status_code == 303
    return browser


def _code(smtp: SmtpServer, to: str = ADDRESS) -> str:
    message = smtp.next_message()
    assert message["To"] == to
    found = re.search(r"Your code: (\d{6})", message.get_content())
    assert found
    return found.group(1)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_section_lists_the_address_and_proves_it_with_the_mailed_code(
    mail_app: Flask, smtp: SmtpServer, grace: Candidate
) -> None:
    browser = _portal(mail_app, grace)
    page = _text(browser.get("/invite/portal").text)
    assert "Prove your e-mail address" in page and f"{ADDRESS} the address Acme Hiring" in page

    sent = browser.post("/invite/portal/email/send", data={"address": ADDRESS}, headers=HTMX)
    assert sent.status_code == 200 and sent.text.lstrip().startswith('<section id="email-proof"')
    assert f"A code is on its way to {ADDRESS}" in _text(sent.text)
    assert "Enter the 6-digit code sent to" in _text(sent.text) and "autofocus" in sent.text

    done = browser.post(
        "/invite/portal/email/confirm",
        data={"address": ADDRESS, "code": _code(smtp)},
        headers=HTMX,
    )
    assert done.status_code == 200
    assert f"Proven ✔ {ADDRESS} is yours: Acme Hiring now sees it." in _text(done.text)
    assert "Proven ✔ on" in _text(done.text) and "Send code" not in done.text
    assert ProvenIdentity.get().candidate_id == grace.id


def test_a_wrong_code_says_how_many_tries_are_left_then_locks(
    mail_app: Flask, smtp: SmtpServer, grace: Candidate
) -> None:
    browser = _portal(mail_app, grace)
    browser.post("/invite/portal/email/send", data={"address": ADDRESS}, headers=HTMX)
    code = _code(smtp)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers = [
        browser.post(
            "/invite/portal/email/confirm", data={"address": ADDRESS, "code": wrong}, headers=HTMX
        )
        for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [422, 422, 422, 422, 429]
    assert "That code is not right. 4 attempts left." in _text(answers[0].text)
    assert 'role="alert"' in answers[0].text and 'aria-invalid="true"' in answers[0].text
    assert "Too many wrong codes: send a new one." in _text(answers[-1].text)
    assert ProvenIdentity.select().count() == 0


def test_an_address_no_badge_names_is_refused_and_nothing_is_sent(
    mail_app: Flask, smtp: SmtpServer, grace: Candidate
) -> None:
    browser = _portal(mail_app, grace)
    refused = browser.post(
        "/invite/portal/email/send", data={"address": "boss@acme.test"}, headers=HTMX
    )
    assert refused.status_code == 422
    assert smtp.nothing_received()


def test_without_javascript_errors_show_on_the_whole_page_and_success_redirects(
    mail_app: Flask, smtp: SmtpServer, grace: Candidate
) -> None:
    browser = _portal(mail_app, grace)
    sent = browser.post("/invite/portal/email/send", data={"address": ADDRESS})
    assert sent.status_code == 303 and sent.headers["Location"] == "/invite/portal#email-proof"
    code = _code(smtp)
    wrong = browser.post("/invite/portal/email/confirm", data={"address": ADDRESS, "code": "12"})
    assert wrong.status_code == 422 and "<html" in wrong.text
    assert "Enter the 6 digits from the e-mail." in _text(wrong.text)
    assert "asks for your digital badges" in _text(wrong.text)
    ok = browser.post("/invite/portal/email/confirm", data={"address": ADDRESS, "code": code})
    assert ok.status_code == 303


def test_without_smtp_the_section_says_so_and_offers_nothing(database_url: str) -> None:
    for app in _app(database_url):
        grace = candidate_service.create(build_org("Acme Hiring", "acme"), "Grace", [ADDRESS])
        browser = _portal(app, grace)
        page = _text(browser.get("/invite/portal").text)
        assert "Proving an address needs e-mail, which is not set up" in page
        assert "Send code" not in page
        refused = browser.post("/invite/portal/email/send", data={"address": ADDRESS}, headers=HTMX)
        assert refused.status_code == 422 and "not set up" in refused.text


def test_the_routes_need_a_consented_invite(
    mail_app: Flask, smtp: SmtpServer, grace: Candidate
) -> None:
    stranger = mail_app.test_client()
    answer = stranger.post("/invite/portal/email/send", data={"address": ADDRESS})
    assert answer.status_code == 404 and answer.headers["Cache-Control"] == "no-store"

    recruiter = build_user(
        Organization.get_by_id(grace.organization_id), "r@acme.test", Role.RECRUITER
    )
    _, secret = invites.create(grace, recruiter)
    not_yet = mail_app.test_client()
    not_yet.get(f"/invite/{secret}")
    early = not_yet.post("/invite/portal/email/send", data={"address": ADDRESS})
    assert early.status_code == 403 and "Please read the notice and agree first" in early.text
    assert smtp.nothing_received()


def _hashed_badge(candidate: Candidate, address: str) -> None:
    credential = build_credential(candidate, "Hidden Badge", [])
    awarded = [{"identity": hashed_identity(address, "pepper"), "hashed": True, "salt": "pepper"}]
    VerificationRun.create(
        organization=candidate.organization_id,
        credential=credential,
        trigger="user",
        started_at=utcnow(),
        finished_at=utcnow(),
        verdict="recipient_mismatch",
        result_json=json.dumps({"checks": [], "awarded_to": awarded}),
    )


def test_a_hashed_badge_asks_for_its_address_and_checks_it_before_sending(
    mail_app: Flask, smtp: SmtpServer, grace: Candidate
) -> None:
    _hashed_badge(grace, "g.hopper@navy.example")
    browser = _portal(mail_app, grace)
    page = _text(browser.get("/invite/portal").text)
    assert "The address your badge was sent to (1 of your badges hides it;" in page

    wrong = browser.post(
        "/invite/portal/email/send",
        data={"address": "g.hopper@navy.example.org", "slot": "typed"},
        headers=HTMX,
    )
    assert wrong.status_code == 422 and 'id="proof-typed-error"' in wrong.text
    assert "None of your badges is awarded to that address" in _text(wrong.text)
    assert 'value="g.hopper@navy.example.org"' in wrong.text  # kept for correcting
    assert smtp.nothing_received()

    right = browser.post(
        "/invite/portal/email/send",
        data={"address": "G.Hopper@navy.example", "slot": "typed"},
        headers=HTMX,
    )
    assert right.status_code == 200
    assert "Enter the 6-digit code sent to g.hopper@navy.example" in _text(right.text)
    assert smtp.next_message()["To"] == "g.hopper@navy.example"


def test_a_mail_server_that_is_down_is_said_plainly(database_url: str) -> None:
    port = unused_port()  # nothing answers on it
    for app in _app(database_url, smtp_host="127.0.0.1", smtp_port=port, smtp_from="a@b.test"):
        grace = candidate_service.create(build_org("Acme Hiring", "acme"), "Grace", [ADDRESS])
        browser = _portal(app, grace)
        answer = browser.post("/invite/portal/email/send", data={"address": ADDRESS}, headers=HTMX)
        assert answer.status_code == 422
        assert "The code could not be sent just now" in _text(answer.text)
        assert "Enter the 6-digit code" not in _text(answer.text)  # no code is waiting
