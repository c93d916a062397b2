"""API writes commit with their audit entry or not at all; Idempotency-Key replays; e-mail
changes re-check recipients at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import AuditEntry, Candidate, Credential, CredentialStatus, utcnow
from app.services import intake
from tests.conftest import make_settings
from tests.support.api import bearer, token
from tests.support.builders import build_org

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]
ADA = {"name": "Ada Lovelace", "emails": ["ada@example.com"]}


@pytest.fixture(params=BACKENDS)
def backend_app(request: pytest.FixtureRequest) -> Iterator[Flask]:
    from app import create_app, db

    name = "database_url" if request.param == "sqlite" else "postgres_url"
    application = create_app(make_settings(str(request.getfixturevalue(name))))
    db.migrate()
    yield application
    if not db.db.is_closed():
        db.db.close()


@pytest.fixture
def secret(backend_app: Flask) -> str:
    return token(build_org("Acme Hiring", "acme"))


@pytest.fixture
def api(backend_app: Flask, secret: str) -> FlaskClient:
    client = backend_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def _break_audit_log() -> None:
    """Every audit insert fails, as a full or broken audit table would."""
    from app import db

    if db.db.obj.__class__.__name__ == "SqliteDatabase":
        db.db.execute_sql(
            "CREATE TRIGGER broken_audit BEFORE INSERT ON audit_entry "
            "BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END"
        )
    else:
        db.db.execute_sql(
            "CREATE FUNCTION broken_audit() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit log unavailable'; END $$;"
            "CREATE TRIGGER broken_audit BEFORE INSERT ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION broken_audit()"
        )


def _mend_audit_log() -> None:
    from app import db

    db.db.execute_sql("DROP TRIGGER broken_audit" + ("" if _sqlite() else " ON audit_entry"))


def _sqlite() -> bool:
    from app import db

    return db.db.obj.__class__.__name__ == "SqliteDatabase"


def test_a_failed_audit_write_undoes_the_create_and_a_retry_creates_once(
    backend_app: Flask, api: FlaskClient
) -> None:
    backend_app.config["PROPAGATE_EXCEPTIONS"] = False
    _break_audit_log()
    failed = api.post("/api/v1/candidates", json=ADA, headers={"Idempotency-Key": "k-1"})
    assert failed.status_code == 500
    assert Candidate.select().count() == 0  # nothing committed behind the 500
    _mend_audit_log()
    retried = api.post("/api/v1/candidates", json=ADA, headers={"Idempotency-Key": "k-1"})
    assert retried.status_code == 201
    assert Candidate.select().count() == 1
    entry = AuditEntry.get(AuditEntry.action == "api.request")
    assert entry.detail == "POST /api/v1/candidates 201"


def test_a_repeated_post_with_the_same_key_gets_the_same_answer_and_no_duplicate(
    api: FlaskClient,
) -> None:
    first = api.post("/api/v1/candidates", json=ADA, headers={"Idempotency-Key": "abc"})
    again = api.post("/api/v1/candidates", json=ADA, headers={"Idempotency-Key": "abc"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json and again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Candidate.select().count() == 1
    without_key = api.post("/api/v1/candidates", json=ADA)
    assert without_key.status_code == 201 and Candidate.select().count() == 2


def test_the_same_key_sent_twice_at_once_creates_once(backend_app: Flask, secret: str) -> None:
    start = threading.Barrier(2)
    answers: list[int] = []

    def post() -> None:
        client = backend_app.test_client()
        start.wait(5)
        response = client.post(
            "/api/v1/candidates", json=ADA, headers={**bearer(secret), "Idempotency-Key": "race"}
        )
        answers.append(response.status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert answers == [201, 201]
    assert Candidate.select().count() == 1


def test_a_key_reused_for_a_different_request_is_refused(api: FlaskClient) -> None:
    api.post("/api/v1/candidates", json=ADA, headers={"Idempotency-Key": "abc"})
    other = api.post(
        "/api/v1/candidates", json={"name": "Grace"}, headers={"Idempotency-Key": "abc"}
    )
    assert other.status_code == 422
    assert other.json["error"]["code"] == "idempotency_key_reused"
    assert Candidate.select().count() == 1


def test_keys_belong_to_their_token(backend_app: Flask, api: FlaskClient) -> None:
    other = backend_app.test_client()
    other.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(build_org('Globex', 'globex'))}"
    api.post("/api/v1/candidates", json=ADA, headers={"Idempotency-Key": "abc"})
    theirs = other.post("/api/v1/candidates", json=ADA, headers={"Idempotency-Key": "abc"})
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert Candidate.select().count() == 2


@pytest.mark.parametrize(
    "key", ["", " ", "x" * 256, "tab\there"], ids=["empty", "blank", "long", "ctl"]
)
def test_an_unusable_key_is_a_clear_400(api: FlaskClient, key: str) -> None:
    response = api.post("/api/v1/candidates", json=ADA, headers={"Idempotency-Key": key})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_idempotency_key"
    assert Candidate.select().count() == 0


def test_a_refused_write_is_still_audited_and_changes_nothing(api: FlaskClient) -> None:
    response = api.post("/api/v1/candidates", json={"name": " "})
    assert response.status_code == 422
    assert Candidate.select().count() == 0
    (entry,) = AuditEntry.select().where(AuditEntry.action == "api.request")
    assert entry.detail == "POST /api/v1/candidates 422"


def test_the_synchronous_verify_replays_its_answer_for_the_same_key(api: FlaskClient) -> None:
    body = {"document": "this is not a credential", "filename": "note.txt"}
    first = api.post("/api/v1/verify", json=body, headers={"Idempotency-Key": "v-1"})
    again = api.post("/api/v1/verify", json=body, headers={"Idempotency-Key": "v-1"})
    assert first.status_code == 200 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"


def test_changing_emails_over_the_api_re_checks_every_credential_at_once(
    backend_app: Flask, api: FlaskClient
) -> None:
    ada = api.post("/api/v1/candidates", json=ADA).json
    stored = Candidate.get_by_id(ada["id"])
    intake.add_urls(stored, ["https://issuer.example/a/1", "https://issuer.example/a/2"])
    tomorrow = utcnow().replace(year=utcnow().year + 1)
    Credential.update(
        status=CredentialStatus.DONE.value, verdict="verified", next_check_at=tomorrow
    ).execute()
    api.patch(f"/api/v1/candidates/{ada['id']}", json={"notes": "no identity change"})
    assert {c.status for c in Credential.select()} == {"done"}
    response = api.patch(f"/api/v1/candidates/{ada['id']}", json={"emails": ["ada@new.example"]})
    assert response.status_code == 200
    rows = list(Credential.select())
    assert {row.status for row in rows} == {"queued"}
    assert all(row.next_check_at <= utcnow() and row.queued_trigger == "api" for row in rows)
    assert Candidate.get_by_id(ada["id"]).state == "pending"
