"""The same app on a real PostgreSQL server: migrations from empty, sign-in, scoping."""

from __future__ import annotations

import pytest

from app.models import Role
from tests.conftest import make_settings
from tests.support.builders import DEFAULT_PASSWORD, build_org, build_user

pytestmark = pytest.mark.postgres


def test_migrations_run_from_empty_on_postgres_and_are_recorded(postgres_url: str) -> None:
    from app import create_app, db

    create_app(make_settings(postgres_url))
    expected = sorted(p.stem for p in db.MIGRATIONS_DIR.glob("[0-9]*.py"))
    assert db.migrate() == expected
    assert db.migrate() == []
    with db.db.connection_context():
        tables = set(db.db.get_tables())
        assert {"organization", "user", "audit_entry", "migratehistory", "credential"} <= tables
    db.db.close()


def test_sign_in_and_organisation_scoping_work_on_postgres(postgres_url: str) -> None:
    from app import create_app, db
    from app.models import User

    app = create_app(make_settings(postgres_url))
    app.config["WTF_CSRF_ENABLED"] = False
    db.migrate()
    acme, globex = build_org("Acme", "acme"), build_org("Globex", "globex")
    admin = build_user(acme, "admin@acme.test", Role.ADMIN)
    build_user(globex, "other@globex.test", Role.ADMIN)
    assert [u.email for u in User.of(acme)] == ["admin@acme.test"]
    client = app.test_client()
    response = client.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert "other@globex.test" not in client.get("/settings/users").text
    db.db.close()
