"""Invite links: one candidate, no account, consent first, nothing else of the organisation
reachable; revocable, expiring, rate-limited and audited."""

from __future__ import annotations

import re
import socket
from dataclasses import replace
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import (
    AuditEntry,
    Candidate,
    CandidateInvite,
    Credential,
    InviteCredential,
    Organization,
    User,
    utcnow,
)
from app.services import candidates as candidate_service
from app.services import invites, notes
from tests.conftest import AuthActions, make_settings
from tests.support.builders import build_org, build_user
from tests.support.ranking_builders import build_credential
from tests.support.smtp import SmtpServer

BADGE = "https://badges.example.org/assertions/42.json"


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, recruiter: User) -> FlaskClient:
    auth.login(recruiter.email)
    return client


@pytest.fixture
def grace(org: Organization, recruiter: User) -> Candidate:
    candidate = candidate_service.create(org, "Grace Hopper", ["grace@example.com"])
    build_credential(candidate, "Recruiter-found badge", [], key="recruiter-found")
    notes.add(candidate, recruiter, "Strong on compilers; salary talk pending")
    return candidate


def _invite(client: FlaskClient, candidate: Candidate, **form: object) -> str:
    """Create an invite as the signed-in recruiter; the link's path."""
    response = client.post(
        f"/candidates/{candidate.id}/invites/",
        data={"days": 14, **form},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.text
    found = re.search(r'value="http://localhost(/invite/[^"]+)"', response.text)
    assert found, response.text
    return found.group(1)


def _portal(app: Flask, path: str, consent: bool = True) -> FlaskClient:
    """A fresh browser (no account) that opened the link and, unless told not to, consented."""
    browser = app.test_client()
    opened = browser.get(path)
    assert opened.status_code == 303 and opened.headers["Location"] == "/invite/portal"
    if consent:
        assert browser.post("/invite/portal/consent").status_code == 303
    return browser


def _actions(org: Organization) -> list[str]:
    query = AuditEntry.of(org).where(AuditEntry.action.startswith("invite."))
    return [entry.action for entry in query.order_by(AuditEntry.id)]


def test_the_link_opens_the_notice_and_nothing_is_possible_before_consent(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate
) -> None:
    path = _invite(signed_in, grace)
    browser = _portal(csrf_off, path, consent=False)
    page = browser.get("/invite/portal")
    assert page.status_code == 200
    assert "Acme Hiring asks for your digital badges" in page.text
    for words in ("What is checked", "Who sees it", "How long it is kept", "deletes your record"):
        assert words in page.text
    assert "Add links" not in page.text
    refused = browser.post("/invite/portal/links", data={"links": BADGE})
    assert refused.status_code == 403
    assert "agree first" in refused.text
    assert not Credential.select().where(Credential.source_url == BADGE).exists()


def test_after_consent_pasted_links_join_the_candidate_and_are_audited(
    csrf_off: Flask, org: Organization, signed_in: FlaskClient, grace: Candidate
) -> None:
    browser = _portal(csrf_off, _invite(signed_in, grace))
    invite = CandidateInvite.get(CandidateInvite.candidate == grace)
    assert invite.consent_version == invites.NOTICE_VERSION and invite.consented_at
    response = browser.post(
        "/invite/portal/links",
        data={"links": f"my badge: {BADGE}."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Added 1 link." in response.text and "Verifying" in response.text
    added = Credential.get(Credential.source_url == BADGE)
    assert added.candidate_id == grace.id
    assert InviteCredential.get(InviteCredential.credential == added).invite_id == invite.id
    assert _actions(org) == [
        "invite.created",
        "invite.opened",
        "invite.consented",
        "invite.submitted",
    ]
    recruiter_page = signed_in.get(f"/candidates/{grace.id}").text
    assert "added by the candidate" in recruiter_page
    assert "opened 1 time" in recruiter_page and "consented" in recruiter_page


def test_the_portal_shows_only_what_the_candidate_added_and_nothing_of_the_organisation(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate, recruiter: User
) -> None:
    browser = _portal(csrf_off, _invite(signed_in, grace))
    browser.post("/invite/portal/links", data={"links": BADGE})
    page = browser.get("/invite/portal")
    assert BADGE in page.text
    for secret in ("Recruiter-found badge", "salary talk", recruiter.email, "Scores"):
        assert secret not in page.text
    links = re.findall(r'(?:href|action|hx-post|hx-get)="([^"]+)"', page.text)
    assert links and all(link.startswith(("/static/", "/invite/", "#")) for link in links), links
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_the_link_is_exchanged_for_a_cookie_scoped_to_the_portal(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate
) -> None:
    path = _invite(signed_in, grace)
    opened = csrf_off.test_client().get(path)
    cookie = opened.headers["Set-Cookie"]
    assert "Path=/invite" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert path.rsplit("/", 1)[1] not in cookie  # the secret itself never rides in the cookie
    stored = CandidateInvite.get(CandidateInvite.candidate == grace)
    assert stored.token_hash == invites.digest(path.rsplit("/", 1)[1])


@pytest.mark.parametrize(
    "credential_of",
    [
        pytest.param("recruiter", id="one-the-recruiter-added"),
        pytest.param("other-candidate", id="another-candidates"),
        pytest.param("other-org", id="another-organisations"),
    ],
)
def test_a_candidate_cannot_remove_what_is_not_theirs(
    csrf_off: Flask,
    signed_in: FlaskClient,
    grace: Candidate,
    org: Organization,
    other_org: Organization,
    credential_of: str,
) -> None:
    owner = {
        "recruiter": grace,
        "other-candidate": candidate_service.create(org, "Alan Turing", []),
        "other-org": candidate_service.create(other_org, "Grace at Globex", []),
    }[credential_of]
    target = build_credential(owner, "Not yours", [], key=f"target-{credential_of}")
    browser = _portal(csrf_off, _invite(signed_in, grace))
    response = browser.post(f"/invite/portal/credentials/{target.id}/remove")
    assert response.status_code == 404
    assert "That credential is not in your list." in response.text
    assert "Not yours" not in response.text
    assert Credential.get_or_none(Credential.id == target.id) is not None


def test_the_candidate_removes_what_they_added(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate, org: Organization
) -> None:
    browser = _portal(csrf_off, _invite(signed_in, grace))
    browser.post("/invite/portal/links", data={"links": BADGE})
    added = Credential.get(Credential.source_url == BADGE)
    response = browser.post(
        f"/invite/portal/credentials/{added.id}/remove", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "Removed." in response.text
    assert Credential.get_or_none(Credential.id == added.id) is None
    again = browser.post(  # a double click: the portal stays open, and says so
        f"/invite/portal/credentials/{added.id}/remove", headers={"HX-Request": "true"}
    )
    assert again.status_code == 404 and "That credential is not in your list." in again.text
    assert browser.get("/invite/portal").status_code == 200
    assert "invite.removed" in _actions(org)


def _expire(invite: CandidateInvite) -> None:
    invite.expires_at = utcnow() - timedelta(seconds=1)
    invite.save()


def _revoke(invite: CandidateInvite) -> None:
    invites.revoke(invite, User.get(User.email == "recruiter@acme.test"))


@pytest.mark.parametrize(
    "end", [pytest.param(_expire, id="expired"), pytest.param(_revoke, id="revoked")]
)
def test_an_ended_invite_shows_one_plain_page_like_an_unknown_link(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate, end: object
) -> None:
    path = _invite(signed_in, grace)
    browser = _portal(csrf_off, path)
    end(CandidateInvite.get(CandidateInvite.candidate == grace))  # type: ignore[operator]
    in_session = browser.get("/invite/portal")
    reopened = csrf_off.test_client().get(path)
    unknown = csrf_off.test_client().get("/invite/" + "x" * 43)
    posted = browser.post("/invite/portal/links", data={"links": BADGE})
    for response in (in_session, reopened, unknown, posted):
        assert response.status_code == 404
        assert "This link is no longer active" in response.text
        assert "Grace" not in response.text and "Acme" not in response.text
    assert not Credential.select().where(Credential.source_url == BADGE).exists()


def test_a_new_invite_revokes_the_old_one(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate
) -> None:
    first = _invite(signed_in, grace)
    second = _invite(signed_in, grace)
    assert csrf_off.test_client().get(first).status_code == 404
    assert csrf_off.test_client().get(second).status_code == 303


def test_the_recruiter_revokes_from_the_candidate_page(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate, org: Organization
) -> None:
    path = _invite(signed_in, grace)
    invite = CandidateInvite.get(CandidateInvite.candidate == grace)
    response = signed_in.post(
        f"/candidates/{grace.id}/invites/{invite.id}/revoke", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "revoked" in response.text
    assert csrf_off.test_client().get(path).status_code == 404
    assert "invite.revoked" in _actions(org)


def test_another_organisations_recruiter_cannot_see_or_revoke_an_invite(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate, other_org: Organization
) -> None:
    path = _invite(signed_in, grace)
    invite = CandidateInvite.get(CandidateInvite.candidate == grace)
    build_user(other_org, "mallory@globex.test")
    outsider = csrf_off.test_client()
    AuthActions(outsider).login("mallory@globex.test")
    assert outsider.post(f"/candidates/{grace.id}/invites/{invite.id}/revoke").status_code == 404
    assert outsider.post(f"/candidates/{grace.id}/invites/", data={"days": 3}).status_code == 404
    assert csrf_off.test_client().get(path).status_code == 303


@pytest.mark.parametrize("days", [0, 31, -1])
def test_the_expiry_is_between_one_and_thirty_days(
    signed_in: FlaskClient, grace: Candidate, days: int
) -> None:
    response = signed_in.post(
        f"/candidates/{grace.id}/invites/", data={"days": days}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "valid for 1 to 30 days" in response.text
    assert not CandidateInvite.select().exists()


def test_a_viewer_cannot_invite(
    client: FlaskClient, auth: AuthActions, viewer: User, grace: Candidate
) -> None:
    auth.login(viewer.email)
    assert client.post(f"/candidates/{grace.id}/invites/", data={"days": 3}).status_code == 403
    assert "Create invite link" not in client.get(f"/candidates/{grace.id}").text


def test_a_forged_portal_cookie_opens_nothing(csrf_off: Flask, grace: Candidate) -> None:
    browser = csrf_off.test_client()
    browser.set_cookie("skillproof_invite", "1.forged.signature", path="/invite")
    assert browser.get("/invite/portal").status_code == 404


def test_portal_actions_are_rate_limited(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate
) -> None:
    browser = _portal(csrf_off, _invite(signed_in, grace))
    settings = csrf_off.extensions["skillproof.settings"]
    csrf_off.extensions["skillproof.settings"] = replace(settings, invite_rate_limit="3 per minute")
    statuses = [
        browser.post("/invite/portal/links", data={"links": ""}).status_code for _ in range(4)
    ]
    assert statuses == [422, 422, 422, 429]
    refused = browser.post(
        "/invite/portal/links", data={"links": BADGE}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 429
    assert "please wait a minute" in refused.text and 'id="intake-region"' in refused.text
    assert not Credential.select().where(Credential.source_url == BADGE).exists()


def test_portal_forms_need_the_csrf_token(app: Flask, grace: Candidate, recruiter: User) -> None:
    invite, secret = invites.create(grace, recruiter)
    browser = app.test_client()
    browser.get(f"/invite/{secret}")
    assert browser.post("/invite/portal/consent").status_code == 400
    assert CandidateInvite.get_by_id(invite.id).consented_at is None


def test_an_invite_is_emailed_where_smtp_is_set(mail_app: Flask, smtp: SmtpServer) -> None:
    org = build_org()
    build_user(org)
    candidate = candidate_service.create(org, "Grace Hopper", ["grace@example.com"])
    recruiter = mail_app.test_client()
    AuthActions(recruiter).login("recruiter@acme.test")
    response = recruiter.post(
        f"/candidates/{candidate.id}/invites/",
        data={"days": 7, "email": "grace@example.com"},
        headers={"HX-Request": "true"},
    )
    assert "E-mailed to grace@example.com" in response.text
    message = smtp.next_message()
    assert message["To"] == "grace@example.com"
    assert message["Subject"] == "Acme Hiring invites you to add your digital badges"
    found = re.search(r"https://skillproof\.acme\.test(/invite/\S+)", message.get_content())
    assert found, message.get_content()
    assert mail_app.test_client().get(found.group(1)).status_code == 303
    assert CandidateInvite.get(CandidateInvite.candidate == candidate).sent_at is not None
    sent = AuditEntry.get(AuditEntry.action == "invite.sent")
    assert "grace@example.com" not in f"{sent.subject} {sent.detail}"  # no personal data


def test_every_portal_route_without_an_invite_session_is_the_inactive_page(app: Flask) -> None:
    browser = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("portal."):
            continue
        url = re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "1", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = browser.open(url, method=method)
            if method == "POST" and response.status_code == 400:
                continue  # refused by CSRF before anything else
            assert response.status_code == 404, (rule.endpoint, method)
            assert "This link is no longer active" in response.text
            checked += 1
    assert checked >= 3


def _fail(detail: str) -> list[dict[str, str]]:
    return [{"id": "fetch", "outcome": "fail", "detail": detail}]


@pytest.mark.parametrize(
    ("url", "verdict", "checks", "expected"),
    [
        pytest.param(
            "https://www.credly.com/badges/5f1c4c5e-0a7e-4a36-9d2f-0f3a0d1e2b3c",
            "unreachable",
            _fail(
                "could not fetch the badge at https://api.credly.com/x: access refused "
                "(HTTP 403): the badge or the issuer's data may be private"
            ),
            "The badge is private: make it public on Credly and add it again.",
            id="private-on-credly",
        ),
        pytest.param(
            "https://issuer.example/a/1",
            "unreachable",
            _fail("could not fetch the badge: access refused (HTTP 401): may be private"),
            "The badge is private: make it public on the issuer's website and add it again.",
            id="private-elsewhere",
        ),
        pytest.param(
            "https://issuer.example/a/1",
            "invalid",
            _fail("not found at the issuer: deleted, private or mistyped link"),
            "Nothing was found at this link: check that you copied all of it",
            id="not-found",
        ),
        pytest.param(
            "https://issuer.example/a/1",
            "unreachable",
            _fail("the server failed (HTTP 503); it will be retried"),
            "did not answer. This says nothing against your badge",
            id="down",
        ),
        pytest.param("https://issuer.example/a/1", "verified", [], "", id="verified"),
    ],
)
def test_the_portal_says_what_the_candidate_can_do_about_a_badge(
    url: str, verdict: str, checks: list[dict[str, str]], expected: str
) -> None:
    from app.web.portal import help_for

    text = help_for(Credential(source_url=url, verdict=verdict), verdict, checks)
    assert expected in text if expected else text == ""


def test_deleting_the_candidate_deletes_their_invites_and_ends_the_link(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate
) -> None:
    path = _invite(signed_in, grace)
    browser = _portal(csrf_off, path)
    browser.post("/invite/portal/links", data={"links": BADGE})
    assert signed_in.post(f"/candidates/{grace.id}/delete").status_code == 303
    assert not CandidateInvite.select().exists() and not InviteCredential.select().exists()
    assert browser.get("/invite/portal").status_code == 404
    assert csrf_off.test_client().get(path).status_code == 404


def test_the_limit_per_invite_holds_whatever_the_client_address(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate
) -> None:
    browser = _portal(csrf_off, _invite(signed_in, grace))
    settings = csrf_off.extensions["skillproof.settings"]
    csrf_off.extensions["skillproof.settings"] = replace(settings, invite_rate_limit="3 per minute")
    statuses = [
        browser.post(
            "/invite/portal/links",
            data={"links": ""},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
        ).status_code
        for n in range(4)
    ]
    assert statuses == [422, 422, 422, 429]


@pytest.mark.postgres
def test_the_candidate_side_works_on_postgres(postgres_url: str) -> None:
    from app import create_app, db

    app = create_app(make_settings(postgres_url))
    app.config["WTF_CSRF_ENABLED"] = False
    db.migrate()
    try:
        org = build_org()
        grace = candidate_service.create(org, "Grace Hopper", ["grace@example.com"])
        invite, secret = invites.create(grace, build_user(org))
        browser = _portal(app, f"/invite/{secret}")
        assert browser.post("/invite/portal/links", data={"links": BADGE}).status_code == 303
        assert browser.post("/invite/portal/links", data={"links": BADGE}).status_code == 303
        (added,) = invites.credentials_added(grace)
        invites.submitted(invite, [added], "again")  # a second record of it is ignored
        assert browser.post(f"/invite/portal/credentials/{added.id}/remove").status_code == 303
        assert not invites.credentials_added(grace)
    finally:
        db.db.close()


def test_a_mail_server_that_refuses_leaves_the_link_to_copy(database_url: str) -> None:
    from app import create_app, db

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # a port nobody listens on: the connection is refused
    settings = make_settings(
        database_url,
        smtp_host="127.0.0.1",
        smtp_port=closed.getsockname()[1],
        smtp_from="skillproof@acme.test",
        smtp_starttls=False,
    )
    app = create_app(settings)
    app.config["WTF_CSRF_ENABLED"] = False
    db.migrate()
    try:
        org = build_org()
        build_user(org)
        candidate = candidate_service.create(org, "Grace Hopper", ["grace@example.com"])
        recruiter = app.test_client()
        AuthActions(recruiter).login("recruiter@acme.test")
        response = recruiter.post(
            f"/candidates/{candidate.id}/invites/",
            data={"days": 7, "email": "grace@example.com"},
            headers={"HX-Request": "true"},
        )
        assert "could not be e-mailed" in response.text
        found = re.search(r'value="http://localhost(/invite/[^"]+)"', response.text)
        assert found and app.test_client().get(found.group(1)).status_code == 303
        assert CandidateInvite.get(CandidateInvite.candidate == candidate).sent_at is None
        assert AuditEntry.get(AuditEntry.action == "invite.send_failed")
    finally:
        closed.close()
        db.db.close()


def test_the_portal_session_ends_after_two_idle_hours_and_each_request_renews_it(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    path = _invite(signed_in, grace)
    real = time.time
    with monkeypatch.context() as past:
        past.setattr("itsdangerous.timed.time.time", lambda: real() - 2 * 3600 - 5)
        idle = _portal(csrf_off, path)  # opened two hours ago, untouched since
    page = idle.get("/invite/portal")
    assert page.status_code == 404 and "open it again from the message" in page.text

    active = _portal(csrf_off, path)
    renewed = active.get("/invite/portal")
    assert renewed.status_code == 200
    assert "skillproof_invite=" in renewed.headers["Set-Cookie"]


def test_a_link_the_employer_already_has_is_not_added_twice(
    csrf_off: Flask, signed_in: FlaskClient, grace: Candidate
) -> None:
    browser = _portal(csrf_off, _invite(signed_in, grace))
    browser.post("/invite/portal/links", data={"links": BADGE})
    again = browser.post(
        "/invite/portal/links",
        data={"links": f"{BADGE} https://badges.example.org/assertions/43.json"},
        headers={"HX-Request": "true"},
    )
    assert "Added 1 link; 1 already on file." in again.text
    assert len(invites.credentials_added(grace)) == 2


def test_the_development_servers_log_keeps_no_invite_secret(app: Flask) -> None:
    import logging

    secret = "obKmjJd74t9AVR190zHdVlARYhD5s0OSv-ijeuF1TSY"
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        "",
        0,
        '"%s" %s %s',
        (f"GET /invite/{secret} HTTP/1.1", 303, "-"),
        None,
    )
    assert logging.getLogger("werkzeug").filter(record)
    assert record.getMessage() == '"GET /invite/[secret] HTTP/1.1" 303 -'
    portal = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        "",
        0,
        '"%s" %s %s',
        ("GET /invite/portal/progress HTTP/1.1", 200, "-"),
        None,
    )
    logging.getLogger("werkzeug").filter(portal)
    assert "/invite/portal/progress" in portal.getMessage()
