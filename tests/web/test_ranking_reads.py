"""The ranking page reads and never writes, and one organisation's computation never makes
another's wait (issue 14)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.db import db
from app.models import Candidate, Organization, RankingSettings, Skill, User
from app.services import candidates as candidate_service
from app.services import ranking as ranking_service
from tests.conftest import AuthActions
from tests.support.builders import build_org
from tests.support.ranking_builders import SQL_URI, alignment, build_credential, build_role, skill

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
WAIT = 30.0  # a bound for a stuck test, not a timing assertion


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement the database runs from now on."""
    seen: list[str] = []
    real = type(db.obj).execute_sql

    def recorded(self: Any, sql: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(sql)
        return real(self, sql, *args, **kwargs)

    monkeypatch.setattr(type(db.obj), "execute_sql", recorded)
    yield seen


def test_the_ranking_page_writes_nothing_even_for_skills_the_taxonomy_lacks(
    client: FlaskClient,
    auth: AuthActions,
    admin: User,
    org: Organization,
    statements: list[str],
) -> None:
    ada: Candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    build_credential(ada, "SQL Analytics", [alignment("SQL", SQL_URI)])
    build_credential(ada, "Tinkering", [alignment("Underwater tinkering", framework="Custom")])
    role = build_role(org, "Data analyst", required=[skill(SQL_URI)])
    RankingSettings.delete().where(RankingSettings.organization == org).execute()
    auth.login(admin.email)
    statements.clear()
    page = client.get(f"/roles/{role.id}")
    assert page.status_code == 200
    assert "Ada" in page.text
    assert statements, "no statement was recorded: the probe is broken"
    assert [s for s in statements if WRITES.match(s)] == []
    assert not Skill.select().where(Skill.name == "Underwater tinkering").exists()


def test_one_organisations_ranking_never_waits_for_anothers(
    org: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = build_org("Other Hiring", "other")
    slow_role = build_role(org, "Data analyst", required=[skill(SQL_URI)])
    quick_role = build_role(other, "Data analyst", required=[skill(SQL_URI)])
    inside, release = threading.Event(), threading.Event()
    real = ranking_service.load_evidence

    def held_for_acme(organization: Any, *args: Any) -> Any:
        if organization == org.id:
            inside.set()
            release.wait(WAIT)
        return real(organization, *args)

    monkeypatch.setattr(ranking_service, "load_evidence", held_for_acme)
    slow = threading.Thread(target=_rank_in_thread, args=(slow_role.id,))
    slow.start()
    try:
        assert inside.wait(WAIT)
        quick = threading.Thread(target=_rank_in_thread, args=(quick_role.id,))
        quick.start()
        quick.join(WAIT)  # behind a global lock it would wait for acme's computation
        assert not quick.is_alive()
        assert slow.is_alive()  # acme's computation is still held
    finally:
        release.set()
        slow.join(WAIT)


def _rank_in_thread(role_id: int) -> None:
    from app.models import RoleProfile

    with db.connection_context():
        ranking_service.ranking_for(RoleProfile.get_by_id(role_id))
