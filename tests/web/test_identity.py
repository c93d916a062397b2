"""Duplicates are flagged before saving, shared addresses and badges raise a fraud flag on both
candidates, and two records of one person merge without losing anything."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from app.models import (
    AuditEntry,
    Candidate,
    CandidateNote,
    Credential,
    Organization,
    ShortlistEntry,
    User,
    VerificationRun,
)
from app.services import candidates as candidate_service
from app.services import identity, notes
from app.services import roles as role_service
from tests.conftest import AuthActions
from tests.support.ranking_builders import build_credential


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, recruiter: User) -> FlaskClient:
    auth.login(recruiter.email)
    return client


def _candidate(org: Organization, name: str, *emails: str) -> Candidate:
    return candidate_service.create(org, name, list(emails))


def _run(credential: Credential, result_json: str = '{"checks": []}') -> VerificationRun:
    moment = datetime(2026, 1, 5, tzinfo=UTC)
    return VerificationRun.create(
        organization=credential.organization_id,
        credential=credential,
        trigger="user",
        started_at=moment,
        finished_at=moment,
        verdict="verified",
        result_json=result_json,
    )


def test_adding_a_candidate_with_anothers_email_is_flagged_before_saving_naming_them(
    signed_in: FlaskClient, org: Organization
) -> None:
    _candidate(org, "Ada Lovelace", "ada@example.com")
    response = signed_in.post(
        "/candidates/",
        data={"name": "A. Lovelace", "emails": "ADA@example.com"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    assert "Possible duplicate" in response.text
    assert "ada@example.com is already the address of" in response.text
    assert "Ada Lovelace</a>" in response.text
    assert Candidate.select().where(Candidate.name == "A. Lovelace").count() == 0


def test_add_anyway_saves_the_duplicate_and_flags_both_candidates(
    signed_in: FlaskClient, org: Organization
) -> None:
    first = _candidate(org, "Ada Lovelace", "ada@example.com")
    response = signed_in.post(
        "/candidates/",
        data={"name": "Impostor", "emails": "ada@example.com", "confirm_duplicate": "1"},
    )
    assert response.status_code == 303
    second = Candidate.get(Candidate.name == "Impostor")
    for shown, other in ((first, "Impostor"), (second, "Ada Lovelace")):
        page = signed_in.get(f"/candidates/{shown.id}").text
        assert "Identity conflict" in page
        assert f">{other}</a>" in page


def test_an_email_added_later_through_edit_raises_the_flag_too(
    signed_in: FlaskClient, org: Organization
) -> None:
    _candidate(org, "Ada Lovelace", "ada@example.com")
    other = _candidate(org, "Mallory", "mallory@example.com")
    signed_in.post(
        f"/candidates/{other.id}",
        data={"name": "Mallory", "emails": "mallory@example.com, ada@example.com"},
    )
    found = identity.conflicts(org.id, other.id)
    assert [(c.kind, c.subject) for c in found] == [("email", "ada@example.com")]
    assert sorted(c.name for c in found[0].claimants) == ["Ada Lovelace", "Mallory"]


def test_a_badge_another_candidate_already_claimed_is_flagged_on_both_and_its_row(
    signed_in: FlaskClient, org: Organization
) -> None:
    owner = _candidate(org, "Ada Lovelace", "ada@example.com")
    thief = _candidate(org, "Mallory", "mallory@example.com")
    build_credential(owner, "SQL Basics", [], key="url:https://issuer.example/a/1")
    stolen = build_credential(thief, "SQL Basics", [], key="url:https://issuer.example/a/1")
    _run(stolen, '{"checks": [], "recipient": "matched"}')
    page = signed_in.get(f"/candidates/{thief.id}").text
    assert "The credential <strong>SQL Basics</strong> is also claimed by" in page
    assert "Also claimed by" in page
    credential_page = signed_in.get(f"/credentials/{stolen.id}").text
    assert "Also claimed by" in credential_page
    assert "✔ Yes" not in credential_page
    assert "does not show who earned it" in credential_page
    assert "Identity conflict" in signed_in.get(f"/candidates/{owner.id}").text


def test_the_same_assertion_through_another_link_is_a_conflict(org: Organization) -> None:
    owner = _candidate(org, "Ada", "ada@example.com")
    thief = _candidate(org, "Mallory", "mallory@example.com")
    mine = build_credential(owner, "Cloud", [], key="url:https://issuer.example/a/1")
    theirs = build_credential(thief, "Cloud", [], key="sha256:abc")
    Credential.update(assertion_id="https://issuer.example/a/1").where(
        Credential.id.in_([mine.id, theirs.id])
    ).execute()
    found = identity.conflicts(org.id)
    assert [(c.kind, c.subject) for c in found] == [("credential", "Cloud")]
    assert identity.conflicted_credentials(found)[theirs.id][0].name == "Ada"


def test_no_conflict_between_different_people_or_across_organisations(
    org: Organization, other_org: Organization
) -> None:
    _candidate(org, "Ada", "ada@example.com")
    _candidate(org, "Grace", "grace@example.com")
    _candidate(other_org, "Ada elsewhere", "ada@example.com")
    assert identity.conflicts(org.id) == []


def test_merge_keeps_credentials_history_notes_shortlists_and_addresses(
    signed_in: FlaskClient, org: Organization, recruiter: User
) -> None:
    keep = _candidate(org, "Ada Lovelace", "ada@example.com")
    dup = _candidate(org, "Ada L.", "ada@example.com", "ada@work.example")
    shared_key = "url:https://issuer.example/a/1"
    kept_twin = build_credential(keep, "SQL", [], key=shared_key)
    dup_twin = build_credential(dup, "SQL", [], key=shared_key)
    only_dup = build_credential(dup, "Python", [])
    old_run = _run(dup_twin)
    notes.add(dup, recruiter, "Phoned on Monday")
    role = role_service.create(org, recruiter, "Data engineer")
    role_service.add_to_shortlist(role, dup, recruiter)

    response = signed_in.post(f"/candidates/{keep.id}/merge", data={"other_id": dup.id})

    assert response.status_code == 303
    assert Candidate.get_or_none(Candidate.id == dup.id) is None
    assert candidate_service.emails_of(keep) == ["ada@example.com", "ada@work.example"]
    held = {c.id for c in Credential.select().where(Credential.candidate == keep)}
    assert held == {kept_twin.id, only_dup.id}
    assert VerificationRun.get_by_id(old_run.id).credential_id == kept_twin.id
    assert [n.body for n in CandidateNote.select().where(CandidateNote.candidate == keep)] == [
        "Phoned on Monday"
    ]
    assert ShortlistEntry.select().where(ShortlistEntry.candidate == keep).count() == 1
    assert identity.conflicts(org.id) == []
    assert AuditEntry.select().where(AuditEntry.action == "candidate.merge").count() == 1


def test_merging_a_candidate_into_itself_is_refused(
    signed_in: FlaskClient, org: Organization
) -> None:
    ada = _candidate(org, "Ada", "ada@example.com")
    response = signed_in.post(f"/candidates/{ada.id}/merge", data={"other_id": ada.id})
    assert response.status_code == 400
    assert Candidate.get_or_none(Candidate.id == ada.id) is not None


def test_merge_with_another_organisations_candidate_is_a_404(
    signed_in: FlaskClient, org: Organization, other_org: Organization
) -> None:
    ada = _candidate(org, "Ada", "ada@example.com")
    stranger = _candidate(other_org, "Ada", "ada@example.com")
    response = signed_in.post(f"/candidates/{ada.id}/merge", data={"other_id": stranger.id})
    assert response.status_code == 404
    assert Candidate.get_or_none(Candidate.id == stranger.id) is not None


def test_viewers_cannot_merge(
    client: FlaskClient, auth: AuthActions, viewer: User, org: Organization
) -> None:
    auth.login(viewer.email)
    ada = _candidate(org, "Ada", "ada@example.com")
    dup = _candidate(org, "Ada 2", "ada@example.com")
    assert client.post(f"/candidates/{ada.id}/merge", data={"other_id": dup.id}).status_code == 403


def test_the_candidate_list_marks_both_sides_of_a_conflict(
    signed_in: FlaskClient, org: Organization
) -> None:
    _candidate(org, "Ada Lovelace", "ada@example.com")
    _candidate(org, "Impostor", "ada@example.com")
    _candidate(org, "Grace Hopper", "grace@example.com")
    page = signed_in.get("/candidates/").text
    assert page.count("Identity conflict</span>") == 2
