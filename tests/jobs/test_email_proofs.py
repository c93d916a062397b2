"""Proving an e-mail address end to end: a real issuer, a real SMTP server, the real worker.
The code is read from the message the server received, as a candidate reads it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask

from app.config import Settings
from app.models import (
    AuditEntry,
    Candidate,
    CandidateEmail,
    Credential,
    EmailChallenge,
    Organization,
    ProvenIdentity,
    VerificationRun,
    utcnow,
)
from app.services import candidates as candidate_service
from app.services import email_proofs, intake, ownership
from app.services.email_proofs import ProofError
from app.services.ownership import Belonging
from jobs import worker
from tests.conftest import mail_settings, make_settings
from tests.support.ob2_builders import recipient
from tests.support.smtp import SmtpServer, unused_port
from tests.support.test_issuer import LocalIssuer

HIDDEN = "ada.private@example.org"  # only the badge's hash names it
PLAIN = "ada@badges.example"


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture
def settings(database_url: str, smtp: SmtpServer) -> Settings:
    return make_settings(database_url, allow_private_hosts="127.0.0.1", **mail_settings(smtp))


@pytest.fixture
def ada(org: Organization) -> Candidate:
    return candidate_service.create(org, "Ada Lovelace", ["ada@recruiter-typed.example"])


def _code(smtp: SmtpServer, to: str) -> str:
    message = smtp.next_message()
    assert message["To"] == to
    body = message.get_content()
    found = re.search(r"Your code: (\d{6})", body)
    assert found, body
    return found.group(1)


def _verified(settings: Settings, candidate: Candidate, *urls: str) -> list[Credential]:
    credentials = intake.add_urls(candidate, list(urls))
    worker.drain(settings)
    return [Credential.get_by_id(c.id) for c in credentials]


def _belonging(credential: Credential) -> Belonging:
    fresh = Credential.get_by_id(credential.id)
    proofs = ownership.proofs_of([fresh.candidate_id])[fresh.candidate_id]
    return ownership.belongs_to(fresh, proofs).state


def test_a_hashed_badge_becomes_proven_once_its_address_is_confirmed(
    app: Flask, settings: Settings, smtp: SmtpServer, issuer: LocalIssuer, ada: Candidate
) -> None:
    (badge,) = _verified(settings, ada, issuer.hosted("h1", recipient=recipient(HIDDEN)).url)
    assert badge.recipient == "mismatch"  # the recruiter typed another address
    overview = email_proofs.overview(ada)
    assert overview.hashed_badges == 1
    assert [a.address for a in overview.addresses] == ["ada@recruiter-typed.example"]

    with pytest.raises(ProofError) as refused:
        email_proofs.send_code(settings, ada, "someone@else.example")
    assert refused.value.reason == "not_allowed" and smtp.nothing_received()

    email_proofs.send_code(settings, ada, " Ada.Private@Example.org ")
    code = _code(smtp, HIDDEN)
    email_proofs.confirm(ada, HIDDEN, code)

    assert HIDDEN in candidate_service.emails_of(ada)
    assert Credential.get_by_id(badge.id).status == "queued"  # re-checked against the new address
    worker.drain(settings)
    assert Credential.get_by_id(badge.id).verdict == "verified"
    assert _belonging(badge) is Belonging.PROVEN


def test_a_badge_checked_before_awarded_to_was_kept_is_checked_again_first(
    app: Flask, settings: Settings, smtp: SmtpServer, issuer: LocalIssuer, ada: Candidate
) -> None:
    (badge,) = _verified(settings, ada, issuer.hosted("h1", recipient=recipient(HIDDEN)).url)
    run = VerificationRun.get(VerificationRun.credential == badge.id)
    older = {k: v for k, v in json.loads(run.result_json).items() if k != "awarded_to"}
    VerificationRun.update(result_json=json.dumps(older)).where(
        VerificationRun.id == run.id
    ).execute()

    with pytest.raises(ProofError) as wait:
        email_proofs.send_code(settings, ada, HIDDEN)
    assert wait.value.reason == "checking" and smtp.nothing_received()
    assert Credential.get_by_id(badge.id).status == "queued"
    worker.drain(settings)
    email_proofs.send_code(settings, ada, HIDDEN)
    assert _code(smtp, HIDDEN)


def test_a_plain_address_a_badge_names_is_offered_and_proven(
    app: Flask, settings: Settings, smtp: SmtpServer, issuer: LocalIssuer, ada: Candidate
) -> None:
    url = issuer.hosted("p1", recipient=recipient(PLAIN, hashed=False)).url
    (badge,) = _verified(settings, ada, url)
    offered = {a.address: a for a in email_proofs.overview(ada).addresses}
    assert offered[PLAIN].badges == (badge.achievement_name,) and not offered[PLAIN].on_file

    email_proofs.send_code(settings, ada, PLAIN)
    assert email_proofs.overview(ada).addresses[-1].code_sent_at is not None
    proof = email_proofs.confirm(ada, PLAIN, _code(smtp, PLAIN))

    assert proof.detail == f"{PLAIN} confirmed by a one-time code"
    worker.drain(settings)
    assert _belonging(badge) is Belonging.PROVEN
    actions = {e.action for e in AuditEntry.select()}
    assert {"email_proof.sent", "identity.proven.email"} <= actions
    assert not any(proof_code_in(e.detail) for e in AuditEntry.select())


def proof_code_in(text: str) -> bool:
    return bool(re.search(r"\b\d{6}\b", text))


def test_wrong_codes_count_down_then_the_code_is_dead(
    app: Flask, settings: Settings, smtp: SmtpServer, ada: Candidate
) -> None:
    address = "ada@recruiter-typed.example"
    email_proofs.send_code(settings, ada, address)
    code = _code(smtp, address)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    left = []
    for _ in range(email_proofs.MAX_ATTEMPTS - 1):
        with pytest.raises(ProofError) as error:
            email_proofs.confirm(ada, address, wrong)
        left.append(error.value.attempts_left)
    assert left == [4, 3, 2, 1]
    with pytest.raises(ProofError) as last:
        email_proofs.confirm(ada, address, wrong)
    assert last.value.reason == "too_many"
    with pytest.raises(ProofError) as dead:  # even the right code, now
        email_proofs.confirm(ada, address, code)
    assert dead.value.reason == "too_many"
    assert ProvenIdentity.select().count() == 0


def test_a_code_works_once_and_not_after_ten_minutes(
    app: Flask, settings: Settings, smtp: SmtpServer, ada: Candidate
) -> None:
    address = "ada@recruiter-typed.example"
    sent = email_proofs.send_code(settings, ada, address)
    code = _code(smtp, address)
    with pytest.raises(ProofError) as late:
        email_proofs.confirm(ada, address, code, now=sent.created_at + timedelta(minutes=10))
    assert late.value.reason == "expired"

    email_proofs.confirm(ada, address, code)
    with pytest.raises(ProofError) as again:
        email_proofs.confirm(ada, address, code)
    assert again.value.reason == "no_code"
    assert ProvenIdentity.select().count() == 1


def test_sends_wait_a_minute_and_stop_after_the_hourly_cap(
    app: Flask, settings: Settings, smtp: SmtpServer, ada: Candidate
) -> None:
    address = "ada@recruiter-typed.example"
    start = utcnow()
    email_proofs.send_code(settings, ada, address, now=start)
    with pytest.raises(ProofError) as soon:
        email_proofs.send_code(settings, ada, address, now=start + timedelta(seconds=30))
    assert soon.value.reason == "cool_down"
    for n in range(1, email_proofs.SENDS_PER_ADDRESS):
        email_proofs.send_code(settings, ada, address, now=start + timedelta(minutes=2 * n))
    with pytest.raises(ProofError) as capped:
        email_proofs.send_code(settings, ada, address, now=start + timedelta(minutes=20))
    assert capped.value.reason == "too_many"
    assert EmailChallenge.select().count() == email_proofs.SENDS_PER_ADDRESS
    later = start + timedelta(minutes=70)
    email_proofs.send_code(settings, ada, address, now=later)  # a new hour


def test_only_the_latest_code_counts(
    app: Flask, settings: Settings, smtp: SmtpServer, ada: Candidate
) -> None:
    address = "ada@recruiter-typed.example"
    start = utcnow() - timedelta(minutes=3)
    email_proofs.send_code(settings, ada, address, now=start)
    first = _code(smtp, address)
    email_proofs.send_code(settings, ada, address)
    second = _code(smtp, address)
    if first != second:
        with pytest.raises(ProofError):
            email_proofs.confirm(ada, address, first)
    email_proofs.confirm(ada, address, second)
    assert ProvenIdentity.select().count() == 1


def test_without_smtp_nothing_is_sent_and_the_reason_is_plain(
    app: Flask, database_url: str, ada: Candidate
) -> None:
    with pytest.raises(ProofError) as error:
        email_proofs.send_code(make_settings(database_url), ada, "ada@recruiter-typed.example")
    assert error.value.reason == "unavailable" and "not set up" in str(error.value)
    assert EmailChallenge.select().count() == 0


def test_a_mail_server_that_refuses_leaves_no_code_behind(
    app: Flask, database_url: str, ada: Candidate
) -> None:
    port = unused_port()  # nothing listens: the connection is refused
    settings = make_settings(
        database_url, smtp_host="127.0.0.1", smtp_port=port, smtp_from="a@b.test"
    )
    with pytest.raises(ProofError) as error:
        email_proofs.send_code(settings, ada, "ada@recruiter-typed.example")
    assert error.value.reason == "not_sent"
    assert EmailChallenge.select().count() == 0
    assert CandidateEmail.select().count() == 1


def test_deleting_the_candidate_deletes_their_codes_and_proofs(
    app: Flask, settings: Settings, smtp: SmtpServer, ada: Candidate
) -> None:
    address = "ada@recruiter-typed.example"
    email_proofs.send_code(settings, ada, address)
    email_proofs.confirm(ada, address, _code(smtp, address))
    email_proofs.send_code(settings, ada, address, now=utcnow() + timedelta(minutes=2))

    candidate_service.delete(ada, None)

    assert EmailChallenge.select().count() == 0 and ProvenIdentity.select().count() == 0
    assert not any(address in entry.detail for entry in AuditEntry.select())
