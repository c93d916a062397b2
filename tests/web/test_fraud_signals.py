"""Fraud signals: a lookalike of a trusted issuer, a name unlike the candidate's, a burst from a
new issuer, and the identity conflicts they wrap; on the candidate page, worklist and API."""

from __future__ import annotations

from datetime import datetime, timedelta

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Candidate, Credential, Organization, User, utcnow
from app.ranking import Tier
from app.services import candidates as candidate_service
from app.services import fraud, worklist
from app.services import roles as role_service
from app.services.fraud import Kind, Severity
from app.web.api import openapi
from tests.conftest import AuthActions
from tests.support.api import token
from tests.support.builders import build_org
from tests.support.queries import recorded_queries
from tests.support.ranking_builders import build_credential

AWS = "https://aws.amazon.example/issuer"
FAKE = "https://amazon-badges.example.net/issuer.json"
NEW = "https://quickcerts.example/issuer"
LOOKALIKE_NAME = "Amazоn Web Services"  # a Cyrillic о
BURST_ON_ONE = fraud.BURST_ON_ONE_CANDIDATE


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, recruiter: User) -> FlaskClient:
    auth.login(recruiter.email)
    return client


@pytest.fixture
def api(app: Flask, org: Organization) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(org)}"
    return client


def _candidate(org: Organization, name: str, *emails: str) -> Candidate:
    return candidate_service.create(org, name, list(emails))


def _trust(org: Organization, issuer: str = AWS, name: str = "Amazon Web Services") -> None:
    role_service.set_tier(org, None, issuer, name, Tier.TRUSTED)


def _badge(
    candidate: Candidate,
    name: str,
    *,
    issuer: str = "Example Academy",
    issuer_url: str = "https://academy.example/issuer",
    verdict: str = "verified",
    added: datetime | None = None,
    issued: datetime | None = None,
    subject_name: str = "",
) -> Credential:
    """A badge added at `added` (60 days ago by default), issued at `issued` (by default the
    moment it was added: a freshly minted badge)."""
    credential = build_credential(
        candidate, name, [], verdict, issuer=issuer, issuer_url=issuer_url
    )
    added = added or utcnow() - timedelta(days=60)
    Credential.update(created_at=added, issued_on=issued or added, subject_name=subject_name).where(
        Credential.id == credential.id
    ).execute()
    return credential


def _kinds(found: list[fraud.Signal]) -> list[tuple[Kind, str]]:
    return [(s.kind, s.candidate.label) for s in found]


# Lookalike issuers


def test_an_issuer_imitating_a_trusted_one_from_another_origin_is_a_signal(
    org: Organization,
) -> None:
    _trust(org)
    ada = _candidate(org, "Ada Lovelace")
    real = _badge(ada, "Solutions Architect", issuer="Amazon Web Services", issuer_url=AWS)
    fake = _badge(ada, "Cloud Practitioner", issuer=LOOKALIKE_NAME, issuer_url=FAKE)

    (found,) = fraud.signals(org.id, utcnow(), kinds=[Kind.LOOKALIKE_ISSUER])

    assert found.severity is Severity.HIGH
    assert found.credentials == (fraud.Link(fake.id, "Cloud Practitioner"),)
    assert found.text == (
        f"“Cloud Practitioner” was issued by “{LOOKALIKE_NAME}” at amazon-badges.example.net. "
        "That name is made to look like your trusted issuer “Amazon Web Services” at "
        "aws.amazon.example, yet it is a different issuer."
    )
    assert real.id not in {c.id for c in found.credentials}


@pytest.mark.parametrize(
    ("issuer", "issuer_url", "verdict"),
    [
        pytest.param("Amazon Web Services", AWS + "/v2", "verified", id="same-origin"),
        pytest.param(LOOKALIKE_NAME, FAKE, "invalid", id="forged-not-authentic"),
        pytest.param(LOOKALIKE_NAME, FAKE, None, id="not-verified-yet"),
        pytest.param("Amazon Training Partner", FAKE, "verified", id="unlike-name"),
    ],
)
def test_no_lookalike_signal_for_the_issuer_itself_a_forgery_or_another_name(
    org: Organization, issuer: str, issuer_url: str, verdict: str | None
) -> None:
    _trust(org)
    ada = _candidate(org, "Ada Lovelace")
    build_credential(ada, "Cloud", [], verdict, issuer=issuer, issuer_url=issuer_url)
    assert fraud.signals(org.id, utcnow(), kinds=[Kind.LOOKALIKE_ISSUER]) == []


def test_a_lookalike_the_organisation_itself_trusts_is_no_signal(org: Organization) -> None:
    _trust(org)
    _trust(org, FAKE, LOOKALIKE_NAME)
    _badge(_candidate(org, "Ada"), "Cloud", issuer=LOOKALIKE_NAME, issuer_url=FAKE)
    assert fraud.signals(org.id, utcnow(), kinds=[Kind.LOOKALIKE_ISSUER]) == []


def test_a_did_key_using_a_trusted_did_web_issuers_name_is_a_signal(org: Organization) -> None:
    _trust(org, "did:web:credentials.acme-university.example", "Acme University")
    ada = _candidate(org, "Ada")
    key = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    _badge(
        ada,
        "Genuine",
        issuer="Acme University",
        issuer_url="did:web:credentials.acme-university.example",
    )
    _badge(ada, "Degree", issuer="ACME University, Inc.", issuer_url=key)
    (found,) = fraud.signals(org.id, utcnow(), kinds=[Kind.LOOKALIKE_ISSUER])
    assert found.credentials[0].label == "Degree"
    assert f"at {key}" in found.text and "“Acme University” at credentials.acme" in found.text


def test_several_lookalike_badges_of_one_candidate_are_one_signal_naming_them(
    org: Organization,
) -> None:
    _trust(org)
    ada = _candidate(org, "Ada")
    for name in ("A", "B", "C", "D"):
        _badge(ada, name, issuer="Amazon Web Services", issuer_url=FAKE)
    (found,) = fraud.signals(org.id, utcnow(), kinds=[Kind.LOOKALIKE_ISSUER])
    assert len(found.credentials) == 4
    assert found.text.startswith("4 credentials (“A”, “B”, “C”, …) were issued by")
    assert "is the name of your trusted issuer" in found.text


# Names on credentials


@pytest.mark.parametrize(
    ("on_credential", "signalled"),
    [
        pytest.param("Grace Hopper", True, id="someone-else"),
        pytest.param("Lovelace, Ada", False, id="last-first"),
        pytest.param("A. King Lovelace", False, id="initial-and-middle-name"),
        pytest.param("Ада Лавлейс", False, id="other-alphabet-is-unclear"),
        pytest.param("", False, id="no-name-carried"),
    ],
)
def test_a_name_on_a_credential_unlike_the_candidates_is_a_signal(
    org: Organization, on_credential: str, signalled: bool
) -> None:
    ada = _candidate(org, "Ada Lovelace")
    _badge(ada, "SQL Basics", subject_name=on_credential)
    found = fraud.signals(org.id, utcnow(), kinds=[Kind.NAME_MISMATCH])
    assert [s.text for s in found] == (
        [f"“SQL Basics” names its holder “{on_credential}”, not Ada Lovelace."] if signalled else []
    )


def test_a_forged_credentials_name_is_not_compared(org: Organization) -> None:
    _badge(_candidate(org, "Ada Lovelace"), "SQL", verdict="invalid", subject_name="Grace Hopper")
    assert fraud.signals(org.id, utcnow(), kinds=[Kind.NAME_MISMATCH]) == []


# Bursts from new issuers


def test_five_badges_from_an_issuer_first_seen_this_week_is_a_burst_on_each_holder(
    org: Organization,
) -> None:
    now = utcnow()
    people = [_candidate(org, name) for name in ("Ada", "Bo", "Cy")]
    for index in range(5):
        _badge(
            people[index % 3],
            f"Badge {index}",
            issuer="QuickCerts",
            issuer_url=NEW,
            added=now - timedelta(days=2, hours=index),
        )
    found = fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST])
    assert _kinds(found) == [(Kind.NEW_ISSUER_BURST, name) for name in ("Ada", "Bo", "Cy")]
    first = (now - timedelta(days=2, hours=4)).strftime("%-d %b %Y")
    assert found[0].text == (
        "2 credentials (“Badge 0”, “Badge 3”) were issued by “QuickCerts”, an issuer your "
        f"organisation first saw on {first}; 5 of its badges were issued and added this week."
    )


def test_four_badges_across_four_candidates_is_no_burst(org: Organization) -> None:
    now = utcnow()
    for name in ("Ada", "Bo", "Cy", "Di"):
        _badge(_candidate(org, name), "Badge", issuer="QuickCerts", issuer_url=NEW, added=now)
    assert fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST]) == []


def test_the_fifth_badge_arriving_makes_it_a_burst_and_removing_one_undoes_it(
    org: Organization, recruiter: User
) -> None:
    """New issuers are remembered between calls; a credential arriving or removed is seen."""
    now = utcnow()
    people = [_candidate(org, name) for name in ("Ada", "Bo", "Cy", "Di", "Ed")]
    for person in people[:4]:
        _badge(person, "Badge", issuer="QuickCerts", issuer_url=NEW, added=now)
    assert fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST]) == []
    fifth = _badge(people[4], "Badge", issuer="QuickCerts", issuer_url=NEW, added=now)
    assert len(fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST])) == 5
    candidate_service.remove_credential(fifth, recruiter, "added by mistake")
    assert fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST]) == []


def test_removing_an_older_badge_of_a_burst_undoes_it(org: Organization, recruiter: User) -> None:
    """Not the newest badge: the organisation's highest credential id stays the same."""
    now = utcnow()
    people = [_candidate(org, name) for name in ("Ada", "Bo", "Cy", "Di", "Ed")]
    badges = [_badge(p, "Badge", issuer="QuickCerts", issuer_url=NEW, added=now) for p in people]
    assert len(fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST])) == 5
    candidate_service.remove_credential(badges[0], recruiter, "added by mistake")
    assert fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST]) == []


def test_deleting_a_candidate_who_held_one_of_five_badges_undoes_the_burst(
    org: Organization, recruiter: User
) -> None:
    """The new issuers are remembered until the organisation's credentials change: a candidate
    deleted with their badges is such a change, even when the newest badge stays."""
    now = utcnow()
    people = [_candidate(org, name) for name in ("Ada", "Bo", "Cy", "Di", "Ed")]
    for person in people:
        _badge(person, "Badge", issuer="QuickCerts", issuer_url=NEW, added=now)
    assert len(fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST])) == 5
    candidate_service.delete(people[0], recruiter)
    assert fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST]) == []


@pytest.mark.parametrize(
    ("age", "burst"),
    [
        pytest.param(timedelta(days=fraud.NEW_ISSUER_DAYS, minutes=-5), True, id="just-inside"),
        pytest.param(timedelta(days=fraud.NEW_ISSUER_DAYS, minutes=5), False, id="just-outside"),
    ],
)
def test_a_badge_issued_at_the_edge_of_the_week_counts_by_the_minute(
    org: Organization, age: timedelta, burst: bool
) -> None:
    now = utcnow()
    ada = _candidate(org, "Ada")
    for name in ("One", "Two", "Three"):
        _badge(ada, name, issuer="QuickCerts", issuer_url=NEW, added=now, issued=now - age)
    found = fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST])
    assert bool(found) is burst


def test_three_badges_on_one_candidate_from_a_new_issuer_is_a_burst(org: Organization) -> None:
    now = utcnow()
    ada = _candidate(org, "Ada")
    for name in ("One", "Two", "Three"):
        _badge(ada, name, issuer="QuickCerts", issuer_url=NEW, added=now - timedelta(hours=1))
    (found,) = fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST])
    assert found.text.startswith("3 credentials (“One”, “Two”, “Three”) were issued by")


def test_long_held_badges_from_an_issuer_new_to_the_organisation_are_no_burst(
    org: Organization,
) -> None:
    """A profile import brings a candidate's years of badges from one issuer in one go: new to a
    young organisation, but not minted this week, so not a burst (regression: every imported
    Credly profile was flagged)."""
    now = utcnow()
    ada = _candidate(org, "Ada")
    for index in range(6):
        _badge(
            ada,
            f"Cloud {index}",
            issuer="QuickCerts",
            issuer_url=NEW,
            added=now - timedelta(hours=1),
            issued=now - timedelta(days=400 + index),
        )
    assert fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST]) == []


def test_only_the_freshly_issued_badges_make_and_are_named_in_a_burst(org: Organization) -> None:
    now = utcnow()
    ada = _candidate(org, "Ada")
    for name, age in (("One", 1), ("Two", 2), ("Old", 300), ("Three", 3)):
        _badge(
            ada,
            name,
            issuer="QuickCerts",
            issuer_url=NEW,
            added=now - timedelta(hours=1),
            issued=now - timedelta(days=age),
        )
    (found,) = fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST])
    assert found.text.startswith("3 credentials (“One”, “Two”, “Three”) were issued by")
    assert "3 of its badges were issued and added this week" in found.text


def test_an_issuer_seen_before_this_week_is_no_burst_however_many_badges(
    org: Organization,
) -> None:
    now = utcnow()
    ada = _candidate(org, "Ada")
    _badge(ada, "Old", issuer="QuickCerts", issuer_url=NEW, added=now - timedelta(days=8))
    for index in range(6):
        _badge(ada, f"New {index}", issuer="QuickCerts", issuer_url=NEW, added=now)
    assert fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST]) == []


def test_an_issuer_that_renamed_itself_is_not_new(org: Organization) -> None:
    now = utcnow()
    ada = _candidate(org, "Ada")
    _badge(ada, "Old", issuer="QuickCerts", issuer_url=NEW, added=now - timedelta(days=30))
    for index in range(5):
        _badge(ada, f"New {index}", issuer="QuickCerts Academy", issuer_url=NEW, added=now)
    assert fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST]) == []


def test_a_trusted_new_issuer_is_no_burst(org: Organization) -> None:
    now = utcnow()
    _trust(org, NEW, "QuickCerts")
    ada = _candidate(org, "Ada")
    for index in range(5):
        _badge(ada, f"B{index}", issuer="QuickCerts", issuer_url=NEW, added=now)
    assert fraud.signals(org.id, now, kinds=[Kind.NEW_ISSUER_BURST]) == []


# Identity conflicts, wrapped


def test_identity_conflicts_become_signals_on_each_candidate_naming_the_other(
    org: Organization,
) -> None:
    ada = _candidate(org, "Ada", "ada@example.com")
    mallory = _candidate(org, "Mallory", "ada@example.com")
    build_credential(ada, "SQL Basics", [], key="url:https://issuer.example/a/1")
    stolen = build_credential(mallory, "SQL Basics", [], key="url:https://issuer.example/a/1")
    found = fraud.by_candidate(org.id, utcnow(), [mallory.id])[mallory.id]
    assert [(s.kind, s.severity) for s in found] == [
        (Kind.SHARED_CREDENTIAL, Severity.HIGH),
        (Kind.SHARED_EMAIL, Severity.MEDIUM),
    ]
    assert found[0].credentials == (fraud.Link(stolen.id, "SQL Basics"),)
    assert all(s.others == (fraud.Link(ada.id, "Ada"),) for s in found)


# Efficiency


def _crowd(org: Organization, people: int) -> None:
    _trust(org)
    now = utcnow()
    for index in range(people):
        person = _candidate(org, f"Person {index}")
        _badge(person, "Cloud", issuer=LOOKALIKE_NAME, issuer_url=FAKE)
        _badge(person, "Quick", issuer="QuickCerts", issuer_url=NEW, added=now)
        _badge(person, "Named", subject_name=f"Somebody Else{index}")


def test_signals_take_the_same_number_of_queries_for_few_or_many_candidates(
    org: Organization,
) -> None:
    _crowd(org, 3)
    with recorded_queries() as few:
        worklist.build(org.id, utcnow())
    _crowd(org, 30)
    with recorded_queries() as many:
        groups = {g.key: g.total for g in worklist.build(org.id, utcnow())}
    assert len(many) == len(few)
    assert groups["lookalike-issuer"] == groups["new-issuer-burst"] == 33
    assert groups["name-mismatch"] == 33


# Screens and the API


def _suspect(org: Organization) -> tuple[Candidate, Credential, Credential]:
    _trust(org)
    ada = _candidate(org, "Ada Lovelace")
    fake = _badge(ada, "Cloud <Practitioner>", issuer=LOOKALIKE_NAME, issuer_url=FAKE)
    named = _badge(ada, "SQL Basics", subject_name="Grace Hopper")
    return ada, fake, named


def test_the_candidate_page_shows_the_warning_signs_with_links(
    signed_in: FlaskClient, org: Organization
) -> None:
    ada, fake, named = _suspect(org)
    page = signed_in.get(f"/candidates/{ada.id}").text
    panel = page.split('id="fraud-signals"', 1)[1].split("</section>", 1)[0]
    assert "Warning signs" in panel
    assert "“Cloud &lt;Practitioner&gt;” was issued by" in panel  # escaped, as written
    assert "your trusted issuer “Amazon Web Services” at aws.amazon.example" in panel
    assert "“SQL Basics” names its holder “Grace Hopper”, not Ada Lovelace." in panel
    assert f'href="/credentials/{fake.id}"' in panel and f'href="/credentials/{named.id}"' in panel
    assert panel.index("Serious:") < panel.index("Worth a look:")
    fake_row = page.split(f'id="credential-{fake.id}"', 1)[1].split("</tr>", 1)[0]
    assert '<a class="flag-inline" href="#fraud-signals">' in fake_row
    assert "Issuer imitating a trusted one</a>" in fake_row
    named_row = page.split(f'id="credential-{named.id}"', 1)[1].split("</tr>", 1)[0]
    assert "Name unlike the candidate&#39;s</a>" in named_row
    assert "Issuer imitating" not in named_row


def test_a_candidate_without_signals_has_no_panel(
    signed_in: FlaskClient, org: Organization
) -> None:
    ada = _candidate(org, "Ada Lovelace")
    _badge(ada, "SQL Basics", subject_name="Ada Lovelace")
    assert 'id="fraud-signals"' not in signed_in.get(f"/candidates/{ada.id}").text


def test_the_candidate_list_counts_each_candidates_warning_signs_and_links_to_them(
    signed_in: FlaskClient, org: Organization
) -> None:
    ada, _, _ = _suspect(org)  # a lookalike issuer and a name unlike hers: two signs
    grace = _candidate(org, "Grace Hopper")
    _badge(grace, "COBOL", subject_name="Ada Lovelace")  # one sign
    clean = _candidate(org, "Alan Turing")
    _badge(clean, "Enigma", subject_name="Alan Turing")
    rows = {
        candidate.id: signed_in.get("/candidates/")
        .text.split(f'href="/candidates/{candidate.id}">', 1)[1]
        .split("</tr>", 1)[0]
        for candidate in (ada, grace, clean)
    }
    link = f'<a class="flag-inline" href="/candidates/{ada.id}#fraud-signals">'
    assert link + '<span aria-hidden="true">⚠</span> 2 warning signs</a>' in rows[ada.id]
    assert "> 1 warning sign</a>" in rows[grace.id]
    assert "warning sign" not in rows[clean.id]


def test_the_candidate_list_asks_the_same_number_of_queries_for_few_or_many_candidates(
    signed_in: FlaskClient, org: Organization
) -> None:
    counts = []
    for people in (2, 12):
        _crowd(org, people)
        signed_in.get("/candidates/")  # the organisation's new-issuer cache is filled again
        with recorded_queries() as queries:
            assert "warning signs</a>" in signed_in.get("/candidates/").text
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_worklist_shows_each_kind_of_signal_with_its_count(
    signed_in: FlaskClient, org: Organization
) -> None:
    _suspect(org)
    page = signed_in.get("/").text
    nav = page.split('class="worklist-counts"', 1)[1].split("</nav>", 1)[0]
    assert 'Issuer imitating a trusted one <span class="count-badge">1<' in nav
    assert 'Name unlike the candidate&#39;s <span class="count-badge">1<' in nav
    assert 'Many badges from a new issuer <span class="count-badge count-zero">0<' in nav
    section = page.split('id="work-name-mismatch"', 1)[1].split("</section>", 1)[0]
    assert "“SQL Basics” names its holder “Grace Hopper”, not Ada Lovelace." in section


def test_archived_candidates_signals_leave_the_worklist(org: Organization) -> None:
    ada, _, _ = _suspect(org)
    candidate_service.set_archived(ada, True)
    groups = {g.key: g.total for g in worklist.build(org.id, utcnow())}
    assert groups["lookalike-issuer"] == groups["name-mismatch"] == 0


def _candidate_schema() -> dict[str, object]:
    document = openapi.document()
    return {"$ref": "#/components/schemas/Candidate", "components": document["components"]}


def test_the_api_gives_a_candidates_signals_as_documented(
    api: FlaskClient, org: Organization
) -> None:
    ada, fake, named = _suspect(org)
    body = api.get(f"/api/v1/candidates/{ada.id}").json
    jsonschema.validate(body, _candidate_schema())
    assert [(s["kind"], s["severity"], s["credential_ids"]) for s in body["signals"]] == [
        ("lookalike_issuer", "high", [fake.id]),
        ("name_mismatch", "medium", [named.id]),
    ]
    assert "Grace Hopper" in body["signals"][1]["text"]


def test_the_api_list_gives_signals_to_each_candidate(api: FlaskClient, org: Organization) -> None:
    ada, _, _ = _suspect(org)
    bo = _candidate(org, "Bo", "bo@example.com")
    _candidate(org, "Bo twin", "bo@example.com")
    body = api.get("/api/v1/candidates").json
    for item in body["data"]:
        jsonschema.validate(item, _candidate_schema())
    kinds = {item["id"]: [s["kind"] for s in item["signals"]] for item in body["data"]}
    assert kinds[ada.id] == ["lookalike_issuer", "name_mismatch"]
    assert kinds[bo.id] == ["shared_email"]


def test_the_credential_list_fragment_refreshes_the_warning_signs_out_of_band(
    signed_in: FlaskClient, org: Organization
) -> None:
    """A badge that finishes verifying while the page is open brings its warning with it."""
    ada, _, _ = _suspect(org)
    fragment = signed_in.get(f"/candidates/{ada.id}/progress", headers={"HX-Request": "true"}).text
    region = fragment.split('<div id="signals-region" hx-swap-oob="true">', 1)[1]
    assert "“SQL Basics” names its holder “Grace Hopper”, not Ada Lovelace." in region


def test_the_credential_page_repeats_the_warning_about_that_credential_only(
    signed_in: FlaskClient, org: Organization
) -> None:
    _, fake, named = _suspect(org)
    page = signed_in.get(f"/credentials/{named.id}").text
    note = page.split('id="credential-signals"', 1)[1].split("</div>", 1)[0]
    assert "Warning sign: check before relying on this badge." in note
    assert "“SQL Basics” names its holder “Grace Hopper”, not Ada Lovelace." in note
    assert "trusted issuer" not in note
    assert (
        "your trusted issuer “Amazon Web Services”" in signed_in.get(f"/credentials/{fake.id}").text
    )


@pytest.mark.postgres
def test_every_kind_of_signal_is_worked_out_on_postgres(postgres_app: Flask) -> None:
    org = build_org("Acme Hiring", "acme")
    _trust(org)
    ada = _candidate(org, "Ada Lovelace", "ada@example.com")
    _candidate(org, "Ada twin", "ada@example.com")
    _badge(ada, "Cloud", issuer=LOOKALIKE_NAME, issuer_url=FAKE)
    _badge(ada, "SQL", subject_name="Grace Hopper")
    for index in range(BURST_ON_ONE):
        _badge(ada, f"Quick {index}", issuer="QuickCerts", issuer_url=NEW, added=utcnow())
    found = fraud.by_candidate(org.id, utcnow(), [ada.id])[ada.id]
    assert sorted(s.kind.value for s in found) == [
        "lookalike_issuer",
        "name_mismatch",
        "new_issuer_burst",
        "shared_email",
    ]
