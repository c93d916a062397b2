"""Bulk intake writes in bounded transactions and caps each request, saying how to add more."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Candidate, Credential, ImportBatch, Organization, User
from app.services import candidates as candidate_service
from app.services import intake
from app.services.intake import IntakeError
from tests.conftest import make_settings
from tests.support.builders import build_org

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def _csv(rows: int, links_per_row: int) -> bytes:
    lines = ["name,email,links"]
    for n in range(rows):
        links = " ".join(f"https://issuer{n % 7}.example/b/{n}/{k}" for k in range(links_per_row))
        lines.append(f"Candidate {n},c{n}@example.com,{links}")
    return "\n".join(lines).encode()


@pytest.fixture(params=BACKENDS)
def backend_app(request: pytest.FixtureRequest) -> Iterator[Flask]:
    from app import create_app, db

    name = "database_url" if request.param == "sqlite" else "postgres_url"
    application = create_app(make_settings(str(request.getfixturevalue(name))))
    db.migrate()
    yield application
    if not db.db.is_closed():
        db.db.close()


def test_a_csv_import_is_written_in_bounded_transactions_and_re_imports_cleanly(
    backend_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = build_org("Acme Hiring", "acme")
    sizes: list[int] = []
    insert = intake._insert_rows

    def counted(rows):  # type: ignore[no-untyped-def]
        sizes.append(len(rows))
        return insert(rows)

    monkeypatch.setattr(intake, "_insert_rows", counted)
    monkeypatch.setattr(intake, "LINKS_PER_WRITE", 40)
    preview = intake.read_csv(acme.id, _csv(rows=30, links_per_row=9) + b"\nBig,big@x.example,")
    preview.rows[-1].links = [f"https://big.example/{k}" for k in range(100)]  # one huge row
    batch = intake.import_csv(acme, preview, "bulk.csv", None)
    assert max(sizes) <= 40 and sum(sizes) == 30 * 9 + 100
    assert Credential.select().where(Credential.import_batch == batch).count() == 370
    assert (batch.candidates_created, batch.candidates_updated) == (31, 0)
    assert Candidate.select().where(Candidate.state != "pending").count() == 0
    Credential.update(status="done", verdict="verified").execute()
    Candidate.update(state="verified").execute()
    again = intake.import_csv(acme, preview, "bulk.csv", None)
    assert ImportBatch.get_by_id(again.id).candidates_updated == 31
    assert Candidate.select().count() == 31 and Credential.select().count() == 370
    assert {c.state for c in Candidate.select()} == {"verified"}  # nothing new: not "pending"


def test_a_bulk_import_lets_another_writer_in_before_it_finishes(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fault: one 20,000-link import held SQLite's write lock until it was done (62 s)."""
    from app.db import db

    monkeypatch.setattr(intake, "LINKS_PER_WRITE", 100)
    acme = build_org("Acme Hiring", "acme")
    preview = intake.read_csv(acme.id, _csv(rows=300, links_per_row=10))
    started = threading.Event()
    insert = intake._insert_rows

    def signalling(rows):  # type: ignore[no-untyped-def]
        started.set()
        return insert(rows)

    monkeypatch.setattr(intake, "_insert_rows", signalling)

    def bulk() -> None:
        with db.connection_context():
            intake.import_csv(acme, preview, "bulk.csv", None)

    importer = threading.Thread(target=bulk)
    importer.start()
    try:
        assert started.wait(30)
        other = sqlite3.connect(Path(database_url.removeprefix("sqlite:///")), timeout=30)
        other.execute("BEGIN IMMEDIATE")  # another request's write, waiting for the lock
        queued_when_let_in = other.execute("SELECT COUNT(*) FROM credential").fetchone()[0]
        other.execute("ROLLBACK")
        other.close()
    finally:
        importer.join(60)
    assert queued_when_let_in < 3000  # it got in while the import was still under way
    assert Credential.select().count() == 3000


def test_a_csv_with_more_links_than_one_import_takes_says_how_to_import_them(
    app: Flask, org: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "MAX_CSV_LINKS", 50)
    with pytest.raises(IntakeError, match="at most 50. Split it into several files"):
        intake.read_csv(org.id, _csv(rows=6, links_per_row=9))


def test_a_paste_of_too_many_links_is_refused_with_what_to_do_instead(
    client: FlaskClient,
    auth,
    recruiter: User,
    org: Organization,  # type: ignore[no-untyped-def]
) -> None:
    auth.login(recruiter.email)
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    links = " ".join(f"https://issuer.example/b/{n}" for n in range(intake.MAX_PASTED_LINKS + 1))
    response = client.post(
        f"/candidates/{candidate.id}/links", data={"links": links}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "one paste takes at most 1,000" in response.text
    assert "import a CSV of candidates" in response.text
    assert Credential.select().count() == 0


def test_a_new_candidate_with_too_many_links_is_not_half_created(
    client: FlaskClient,
    auth,
    recruiter: User,  # type: ignore[no-untyped-def]
) -> None:
    auth.login(recruiter.email)
    links = "\n".join(f"https://issuer.example/b/{n}" for n in range(intake.MAX_PASTED_LINKS + 1))
    response = client.post(
        "/candidates/", data={"name": "Ada", "emails": "ada@example.com", "links": links}
    )
    assert response.status_code == 422 and "one paste takes at most" in response.text
    assert Candidate.select().count() == 0


def test_a_paste_at_the_cap_is_queued_in_full(
    client: FlaskClient,
    auth,
    recruiter: User,
    org: Organization,  # type: ignore[no-untyped-def]
) -> None:
    auth.login(recruiter.email)
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    links = " ".join(f"https://issuer.example/b/{n}" for n in range(intake.MAX_PASTED_LINKS))
    response = client.post(f"/candidates/{candidate.id}/links", data={"links": links})
    assert response.status_code == 303
    assert Credential.select().count() == intake.MAX_PASTED_LINKS
    assert {c.source_host for c in Credential.select()} == {"issuer.example"}
