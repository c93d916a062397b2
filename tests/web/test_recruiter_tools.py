"""Worklist, dated notes, scores across roles, bulk actions, custom skills, the audit page."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from app.models import (
    AuditEntry,
    Candidate,
    Credential,
    Organization,
    ShortlistEntry,
    Skill,
    User,
    VerificationRun,
    utcnow,
)
from app.services import candidates as candidate_service
from app.services import roles as role_service
from app.services import worklist
from tests.conftest import AuthActions
from tests.support.ranking_builders import (
    SQL_URI,
    alignment,
    build_credential,
    build_role,
    skill,
)


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, recruiter: User) -> FlaskClient:
    auth.login(recruiter.email)
    return client


@pytest.fixture
def as_admin(client: FlaskClient, auth: AuthActions, admin: User) -> FlaskClient:
    auth.login(admin.email)
    return client


def _candidate(org: Organization, name: str, *emails: str) -> Candidate:
    return candidate_service.create(org, name, list(emails))


def _group(groups: list[worklist.Group], key: str) -> worklist.Group:
    return next(g for g in groups if g.key == key)


def _run(credential: Credential, verdict: str, when: datetime) -> None:
    VerificationRun.create(
        organization=credential.organization_id,
        credential=credential,
        trigger="schedule",
        started_at=when,
        finished_at=when,
        verdict=verdict,
        result_json="{}",
    )


# The worklist


def test_worklist_groups_what_needs_action_with_counts(org: Organization, recruiter: User) -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    ada = _candidate(org, "Ada", "ada@example.com")
    _candidate(org, "Ada twin", "ada@example.com")
    role = role_service.create(org, recruiter, "Analyst")
    role_service.add_to_shortlist(role, ada, recruiter)
    build_credential(ada, "Revoked badge", [], "revoked")
    quiet = build_credential(ada, "Quiet issuer", [], "verified", stale=True)
    _run(quiet, "verified", now - timedelta(days=9))
    _run(quiet, "unreachable", now - timedelta(days=5))
    _run(quiet, "unreachable", now - timedelta(days=1))
    recent = build_credential(ada, "Blip", [], "unreachable")
    _run(recent, "unreachable", now - timedelta(hours=2))
    soon = build_credential(ada, "Soon gone", [], "verified")
    Credential.update(expires=now + timedelta(days=10)).where(Credential.id == soon.id).execute()
    build_credential(ada, "holiday.pdf", [], "unsupported")

    groups = worklist.build(org.id, now)

    assert {g.key: g.total for g in groups} == {
        "identity": 1,
        "lookalike-issuer": 0,
        "name-mismatch": 0,
        "new-issuer-burst": 0,
        "revoked": 1,
        "unreachable": 1,
        "expiring": 1,
        "not-a-badge": 1,
    }
    assert "shortlisted for Analyst" in _group(groups, "revoked").items[0].text
    assert "since 27 May 2026 (5 days)" in _group(groups, "unreachable").items[0].text
    assert "expires on 11 Jun 2026" in _group(groups, "expiring").items[0].text


def test_revoked_credentials_of_candidates_not_shortlisted_stay_off_that_group(
    org: Organization,
) -> None:
    ada = _candidate(org, "Ada", "ada@example.com")
    build_credential(ada, "Revoked badge", [], "revoked")
    assert _group(worklist.build(org.id, utcnow()), "revoked").total == 0


def test_archived_candidates_leave_the_worklist(org: Organization) -> None:
    ada = _candidate(org, "Ada", "ada@example.com")
    build_credential(ada, "holiday.pdf", [], "unsupported")
    candidate_service.set_archived(ada, True)
    assert _group(worklist.build(org.id, utcnow()), "not-a-badge").total == 0


def test_home_page_is_the_worklist(signed_in: FlaskClient, org: Organization) -> None:
    ada = _candidate(org, "Ada", "ada@example.com")
    build_credential(ada, "holiday.pdf", [], "unsupported")
    page = signed_in.get("/").text
    assert "<h1>Worklist</h1>" in page
    assert "1 thing needs your attention" in page
    assert "“holiday.pdf” cannot be checked." in page


def test_worklist_counts_of_nothing_are_grey_not_alarm_red(
    signed_in: FlaskClient, org: Organization
) -> None:
    """Regression: every group's count was red on the home page, zero included."""
    ada = _candidate(org, "Ada", "ada@example.com")
    build_credential(ada, "holiday.pdf", [], "unsupported")
    page = signed_in.get("/").text
    nav = page.split('class="worklist-counts"', 1)[1].split("</nav>", 1)[0]
    assert nav.count('class="count-badge count-zero">0<') == 7
    assert 'class="count-badge">1<' in nav


# Notes and scores


def test_a_note_is_dated_and_signed_by_its_author(
    signed_in: FlaskClient, org: Organization
) -> None:
    ada = _candidate(org, "Ada", "ada@example.com")
    response = signed_in.post(
        f"/candidates/{ada.id}/notes",
        data={"body": "Strong on SQL; call back Tuesday"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="notes"')
    assert "Strong on SQL; call back Tuesday" in response.text
    assert "recruiter@acme.test" in response.text
    assert utcnow().strftime("%-d %b %Y") in response.text


def test_an_empty_note_is_refused_with_a_message(signed_in: FlaskClient, org: Organization) -> None:
    ada = _candidate(org, "Ada", "ada@example.com")
    response = signed_in.post(
        f"/candidates/{ada.id}/notes", data={"body": "   "}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "Write something before adding the note." in response.text


def test_viewers_cannot_add_notes(
    client: FlaskClient, auth: AuthActions, viewer: User, org: Organization
) -> None:
    auth.login(viewer.email)
    ada = _candidate(org, "Ada", "ada@example.com")
    assert client.post(f"/candidates/{ada.id}/notes", data={"body": "x"}).status_code == 403
    assert "New note" not in client.get(f"/candidates/{ada.id}").text


def test_candidate_page_shows_scores_in_every_role(
    signed_in: FlaskClient, org: Organization
) -> None:
    ada = _candidate(org, "Ada", "ada@example.com")
    build_credential(ada, "SQL cert", [alignment("SQL", SQL_URI)])
    build_role(org, "Data analyst", required=[skill(SQL_URI)])
    build_role(org, "Empty role")
    page = signed_in.get(f"/candidates/{ada.id}").text
    assert "Scores across roles" in page
    assert "Data analyst</a>" in page
    assert ">70.0 of 100</td>" in page  # an unknown issuer's evidence counts 0.7
    assert "all met" in page
    assert "no skills defined yet" in page


# Bulk actions


def _bulk(client: FlaskClient, action: str, ids: list[int], **extra: object):  # type: ignore[no-untyped-def]
    return client.post(
        "/candidates/bulk/", data={"action": action, "ids": [str(i) for i in ids], **extra}
    )


def test_bulk_archive_then_restore(signed_in: FlaskClient, org: Organization) -> None:
    ada, bob = _candidate(org, "Ada"), _candidate(org, "Bob")
    response = _bulk(signed_in, "archive", [ada.id, bob.id])
    assert response.status_code == 303
    assert "Archived 2 candidates." in signed_in.get(response.headers["Location"]).text
    assert Candidate.select().where(Candidate.archived == True).count() == 2  # noqa: E712
    _bulk(signed_in, "restore", [ada.id])
    assert not Candidate.get_by_id(ada.id).archived


def test_bulk_shortlist_adds_every_ticked_candidate(
    signed_in: FlaskClient, org: Organization, recruiter: User
) -> None:
    ada, bob = _candidate(org, "Ada"), _candidate(org, "Bob")
    role = role_service.create(org, recruiter, "Analyst")
    response = _bulk(signed_in, "shortlist", [ada.id, bob.id], role_id=role.id)
    assert (
        "Added 2 candidates to the shortlist of Analyst."
        in signed_in.get(response.headers["Location"]).text
    )
    assert ShortlistEntry.select().where(ShortlistEntry.role == role).count() == 2


def test_bulk_shortlist_without_a_role_says_so(signed_in: FlaskClient, org: Organization) -> None:
    ada = _candidate(org, "Ada")
    response = _bulk(signed_in, "shortlist", [ada.id])
    page = signed_in.get(response.headers["Location"]).text
    assert "Choose the role whose shortlist they should join." in page


def test_bulk_reverify_queues_every_credential(signed_in: FlaskClient, org: Organization) -> None:
    ada = _candidate(org, "Ada")
    done = build_credential(ada, "SQL", [], "verified")
    _bulk(signed_in, "reverify", [ada.id])
    assert Credential.get_by_id(done.id).status == "queued"


def test_bulk_export_has_only_the_ticked_candidates(
    signed_in: FlaskClient, org: Organization
) -> None:
    ada, _bob = _candidate(org, "Ada"), _candidate(org, "Bob")
    response = _bulk(signed_in, "export", [ada.id])
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert [row[0] for row in rows[1:]] == ["Ada"]


@pytest.mark.parametrize(
    ("action", "ids", "message"),
    [
        pytest.param("archive", [], "Tick at least one candidate first.", id="nothing-ticked"),
        pytest.param("", [1], "Choose what to do with the ticked candidates.", id="no-action"),
    ],
)
def test_bulk_errors_are_explained(
    signed_in: FlaskClient, org: Organization, action: str, ids: list[int], message: str
) -> None:
    _candidate(org, "Ada")
    response = _bulk(signed_in, action, ids)
    assert message in signed_in.get(response.headers["Location"]).text


def test_bulk_ignores_another_organisations_candidates(
    signed_in: FlaskClient, org: Organization, other_org: Organization
) -> None:
    stranger = _candidate(other_org, "Stranger")
    _bulk(signed_in, "archive", [stranger.id])
    assert not Candidate.get_by_id(stranger.id).archived


def test_viewers_cannot_use_bulk_actions(
    client: FlaskClient, auth: AuthActions, viewer: User, org: Organization
) -> None:
    auth.login(viewer.email)
    ada = _candidate(org, "Ada")
    assert _bulk(client, "archive", [ada.id]).status_code == 403
    assert not Candidate.get_by_id(ada.id).archived
    assert "Apply to ticked" not in client.get("/candidates/").text


# Skills beyond the taxonomy


def test_admin_adds_a_skill_beyond_the_taxonomy(as_admin: FlaskClient, org: Organization) -> None:
    response = as_admin.post(
        "/skills/",
        data={"name": "Acme Deploy Pipeline", "aliases": "ADP, deploy pipeline"},
    )
    assert response.status_code == 303
    created = Skill.get(Skill.name == "Acme Deploy Pipeline")
    assert (created.organization_id, created.source, created.aliases) == (
        org.id,
        "custom",
        ["ADP", "deploy pipeline"],
    )
    page = as_admin.get(response.headers["Location"]).text
    assert "added by your organisation" in page


def test_a_skill_that_exists_is_not_added_twice(as_admin: FlaskClient) -> None:
    existing = skill(SQL_URI).name
    response = as_admin.post("/skills/", data={"name": existing}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "exists in the taxonomy" in response.text


def test_admin_edits_an_own_skill_in_place(as_admin: FlaskClient, org: Organization) -> None:
    as_admin.post("/skills/", data={"name": "Acme Deploy"})
    created = Skill.get(Skill.name == "Acme Deploy")
    form = as_admin.get(f"/skills/{created.id}/edit", headers={"HX-Request": "true"}).text
    assert form.lstrip().startswith('<tr class="editing">')
    response = as_admin.post(
        f"/skills/{created.id}",
        data={"name": "Acme Deploy Pipeline", "description": "Our CI/CD"},
        headers={"HX-Request": "true"},
    )
    assert response.text.lstrip().startswith("<tr>")
    assert "Acme Deploy Pipeline" in response.text
    assert Skill.get_by_id(created.id).description == "Our CI/CD"


def test_taxonomy_skills_are_not_editable_here(as_admin: FlaskClient) -> None:
    assert as_admin.get(f"/skills/{skill(SQL_URI).id}/edit").status_code == 404


def test_recruiters_cannot_add_skills(signed_in: FlaskClient) -> None:
    assert signed_in.post("/skills/", data={"name": "Anything"}).status_code == 403


# The audit page


def test_audit_page_lists_what_the_screens_say_is_recorded(
    as_admin: FlaskClient, org: Organization, admin: User
) -> None:
    ada = _candidate(org, "Ada")
    as_admin.post(f"/candidates/{ada.id}/notes", data={"body": "hello"})
    page = as_admin.get("/audit/").text
    assert "Note added" in page
    filtered = as_admin.get("/audit/?action=note.added").text
    assert "1 entry of “Note added”" in filtered
    assert AuditEntry.select().where(AuditEntry.action == "note.added").count() == 1


def test_audit_page_is_for_admins(signed_in: FlaskClient) -> None:
    assert signed_in.get("/audit/").status_code == 403


def test_every_action_the_code_audits_has_a_plain_label() -> None:
    import re
    from pathlib import Path

    from app.services import audit_log

    source = "\n".join(p.read_text() for p in Path("app").rglob("*.py"))
    actions = set(re.findall(r'audit\(\s*[^)]*?"([a-z_]+\.[a-z_.]+)"', source, re.S))
    actions -= {"api.request"}  # labelled by its prefix
    assert actions, "the pattern found no audit calls"
    missing = sorted(a for a in actions if a not in audit_log.ACTION_LABELS)
    assert not missing, missing
