"""The candidate list finds people whatever the accents and filters by their credentials."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Candidate, Credential, Organization, User, utcnow
from app.services import candidates as candidate_service
from app.services import skills as skill_service
from app.services.candidates import CredentialFilter
from tests.conftest import AuthActions
from tests.support.builders import build_org
from tests.support.ranking_builders import SQL_URI, alignment, build_credential

PEOPLE = [
    ("José García", "jose@example.com"),
    ("Jürgen Müller", "jm@example.com"),
    ("Chloé Dubois", "CHLOE.D@Example.com"),
    ("Ada Lovelace", "ada@example.com"),
]


def _names(organization: Organization, **filters: object) -> list[str]:
    page = candidate_service.search(organization, **filters)  # type: ignore[arg-type]
    return [candidate.name for candidate in page.items]


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, recruiter: User) -> FlaskClient:
    auth.login(recruiter.email)
    return client


@pytest.fixture
def people(org: Organization) -> dict[str, Candidate]:
    return {name: candidate_service.create(org, name, [email]) for name, email in PEOPLE}


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("garcia", "José García"),
        ("GARCÍA", "José García"),
        ("muller", "Jürgen Müller"),
        ("chloe", "Chloé Dubois"),
        ("chloe.d@example", "Chloé Dubois"),
        ("jurgen mul", "Jürgen Müller"),
    ],
)
def test_search_ignores_accents_and_case(
    org: Organization, people: dict[str, Candidate], typed: str, found: str
) -> None:
    assert _names(org, text=typed) == [found]


def test_search_treats_like_wildcards_as_plain_text(
    org: Organization, people: dict[str, Candidate]
) -> None:
    assert _names(org, text="%") == []
    assert _names(org, text="_") == []


def test_renaming_a_candidate_updates_what_search_finds(
    org: Organization, people: dict[str, Candidate]
) -> None:
    candidate_service.update(people["Ada Lovelace"], "Ada Núñez", ["ada@example.com"], "")
    assert _names(org, text="nunez") == ["Ada Núñez"]
    assert _names(org, text="lovelace") == []


def test_credential_filter_needs_one_credential_meeting_every_condition(
    org: Organization, people: dict[str, Candidate]
) -> None:
    soon = utcnow() + timedelta(days=20)
    ada, jose = people["Ada Lovelace"], people["José García"]
    build_credential(ada, "SQL basics", [alignment("SQL", SQL_URI)], issuer="Data School")
    build_credential(jose, "SQL basics", [alignment("SQL", SQL_URI)], verdict="revoked")
    build_credential(people["Chloé Dubois"], "Cloud", [], issuer="Data School")
    Credential.update(expires=soon).where(Credential.candidate == ada).execute()

    sql = skill_service.find(org, "SQL")
    assert sql is not None
    texts = skill_service.texts_claiming(org, sql.id)
    assert _names(org, having=CredentialFilter(skill_texts=texts)) == [
        "Ada Lovelace",
        "José García",
    ]
    assert _names(org, having=CredentialFilter(skill_texts=texts, verdict="revoked")) == [
        "José García"
    ]
    assert _names(org, having=CredentialFilter(issuer="Data School")) == [
        "Ada Lovelace",
        "Chloé Dubois",
    ]
    assert _names(org, having=CredentialFilter(expiring_days=30)) == ["Ada Lovelace"]
    assert _names(org, having=CredentialFilter(expiring_days=7)) == []


def test_list_page_filters_by_skill_name_and_names_an_unknown_skill(
    signed_in: FlaskClient, org: Organization, people: dict[str, Candidate]
) -> None:
    build_credential(people["Ada Lovelace"], "SQL basics", [alignment("SQL", SQL_URI)])
    page = signed_in.get("/candidates/?skill=sql", headers={"HX-Request": "true"}).text
    assert "Ada Lovelace" in page and "García" not in page
    assert "1 candidate with these filters" in page
    missing = signed_in.get("/candidates/?skill=underwater+welding").text
    assert "No skill called “underwater welding”" in missing
    assert "Ada Lovelace" not in missing.split('id="candidate-table"')[1]


def test_list_page_search_without_accents(
    signed_in: FlaskClient, people: dict[str, Candidate]
) -> None:
    page = signed_in.get("/candidates/?q=muller").text
    table = page.split('id="candidate-table"')[1]
    assert "Jürgen Müller" in table and "García" not in table


ISSUER_NAMES = ["Data School", "Academy", "Data School", "", "Zeta Institute", "Ångström Lab"]


def _issuer_choices(page: str) -> list[str]:
    select = page.split('id="issuer-filter"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)"', select)[1:]  # after "Any issuer"


def test_the_issuer_filter_offers_each_issuer_name_once_in_order(
    signed_in: FlaskClient, org: Organization, people: dict[str, Candidate]
) -> None:
    ada = people["Ada Lovelace"]
    for n, issuer in enumerate(ISSUER_NAMES):
        build_credential(ada, f"Badge {n}", [], issuer=issuer, key=f"k{n}")
    other = build_org("Elsewhere", "elsewhere")
    stranger = candidate_service.create(other, "Stranger", ["s@example.com"])
    build_credential(stranger, "Theirs", [], issuer="Another Organisation's Issuer")

    page = signed_in.get("/candidates/?issuer=Zeta+Institute").text

    assert _issuer_choices(page) == ["Academy", "Data School", "Zeta Institute", "Ångström Lab"]
    assert '<option value="Zeta Institute" selected>' in page


def test_the_issuer_names_stop_at_the_limit_in_order(
    org: Organization, people: dict[str, Candidate]
) -> None:
    for n, issuer in enumerate(ISSUER_NAMES):
        build_credential(people["Ada Lovelace"], f"Badge {n}", [], issuer=issuer, key=f"k{n}")
    assert candidate_service.issuers_of(org, limit=2) == ["Academy", "Data School"]
    assert candidate_service.issuers_of(build_org("Empty", "empty")) == []


def test_a_chosen_issuer_past_the_filters_cap_stays_offered_and_selected(
    signed_in: FlaskClient, people: dict[str, Candidate], monkeypatch: pytest.MonkeyPatch
) -> None:
    for n, issuer in enumerate(ISSUER_NAMES):
        build_credential(people["Ada Lovelace"], f"Badge {n}", [], issuer=issuer, key=f"k{n}")
    monkeypatch.setattr(candidate_service, "MAX_ISSUER_CHOICES", 2)

    page = signed_in.get("/candidates/?issuer=Zeta+Institute").text

    assert _issuer_choices(page) == ["Academy", "Data School", "Zeta Institute"]
    assert '<option value="Zeta Institute" selected>' in page
    assert "Ada Lovelace" in page.split('id="candidate-table"')[1]


@pytest.mark.postgres
def test_issuer_names_on_postgres(postgres_app: Flask) -> None:
    organization = build_org("Acme", "acme-issuers")
    ada = candidate_service.create(organization, "Ada", ["ada-issuers@example.com"])
    for n, issuer in enumerate(ISSUER_NAMES):
        build_credential(ada, f"Badge {n}", [], issuer=issuer, key=f"k{n}")
    in_order = (  # PostgreSQL's collation orders them, as the old DISTINCT query did
        Credential.select(Credential.issuer_name)
        .where((Credential.organization == organization) & (Credential.issuer_name != ""))
        .distinct()
        .order_by(Credential.issuer_name)
    )
    names = candidate_service.issuers_of(organization)
    assert names == [name for (name,) in in_order.tuples()]
    assert sorted(names) == sorted(["Academy", "Data School", "Zeta Institute", "Ångström Lab"])
    assert candidate_service.issuers_of(organization, limit=1) == names[:1]


@pytest.mark.postgres
def test_search_ignores_accents_on_postgres(postgres_app: Flask) -> None:
    organization = build_org("Acme", "acme-search")
    for name, email in PEOPLE:
        candidate_service.create(organization, name, [email])
    assert _names(organization, text="garcia") == ["José García"]
    assert _names(organization, text="MULLER") == ["Jürgen Müller"]
    assert _names(organization, text="chloe") == ["Chloé Dubois"]
    assert _names(organization, text="50%") == []


def test_migration_008_folds_names_and_addresses_of_existing_candidates(
    org: Organization, people: dict[str, Candidate]
) -> None:
    import importlib

    from app.db import db

    Candidate.update(search_text="").execute()
    assert _names(org, text="garcia") == []
    importlib.import_module("app.migrations.008_candidate_search_text")._backfill(db.obj)
    assert _names(org, text="garcia") == ["José García"]
    assert _names(org, text="chloe.d@") == ["Chloé Dubois"]
