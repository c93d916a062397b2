"""Ranking on a real PostgreSQL server: the taxonomy migration, raw evidence rows, the token."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from app.models import Skill
from app.services import candidates as candidate_service
from app.services import ranking as ranking_service
from tests.support.builders import build_org
from tests.support.ranking_builders import (
    PYTHON_URI,
    SQL_URI,
    alignment,
    build_credential,
    build_role,
    skill,
)

pytestmark = pytest.mark.postgres


def test_ranking_computes_and_changes_token_on_postgres(postgres_app: Flask) -> None:
    from app import db

    with db.db.connection_context():
        assert Skill.select().where(Skill.organization.is_null()).count() >= 40
        org = build_org()
        ada = candidate_service.create(org, "Ada", ["ada@example.com"])
        issued = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
        build_credential(ada, "SQL", [alignment("SQL", SQL_URI)], issued_on=issued)
        role = build_role(org, "Analyst", required=[skill(SQL_URI)], preferred=[skill(PYTHON_URI)])
        before = ranking_service.token(org)
        ranking = ranking_service.ranking_for(role)
        (score,) = ranking.scores
        assert score.meets_required and score.rows[0].evidence is not None
        assert score.rows[0].evidence.issued_on == issued
        build_credential(ada, "Python", [alignment("Python", PYTHON_URI)])
        assert ranking_service.token(org) != before
        assert ranking_service.ranking_for(role).scores[0].score > score.score
