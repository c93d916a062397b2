"""A pasted profile link is queued for the worker and shown as one row with its progress; the
row can be imported again or removed, and a failure reads in plain words."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from app.models import Candidate, Credential, Organization, ProfileImport, Role, User
from app.services import candidates as candidate_service
from app.services import intake
from app.services.verification import progress_token
from tests.conftest import AuthActions
from tests.support.builders import build_user

PROFILE = "https://www.credly.com/users/ada-lovelace/badges"
BADGE = "https://issuer.example/assertions/1.json"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, recruiter: User) -> FlaskClient:
    auth.login(recruiter.email)
    return client


@pytest.fixture
def candidate(org: Organization) -> Candidate:
    return candidate_service.create(org, "Ada Lovelace", ["ada@example.com"])


def _rows(candidate: Candidate) -> list[ProfileImport]:
    return list(ProfileImport.select().where(ProfileImport.candidate == candidate))


def test_a_pasted_profile_link_becomes_a_profile_row_not_a_credential(
    signed_in: FlaskClient, candidate: Candidate
) -> None:
    response = signed_in.post(
        f"/candidates/{candidate.id}/links", data={"links": f"{PROFILE} and {BADGE}"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Added 1 link. Reading Credly profile ada-lovelace" in response.text
    assert "Credly profile ada-lovelace</a>" in response.text
    assert "waiting to be read…" in response.text
    assert 'hx-trigger="load"' in response.text  # the page polls until the import is done
    (row,) = _rows(candidate)
    assert (row.provider, row.handle, row.status, row.url) == (
        "Credly",
        "ada-lovelace",
        "queued",
        PROFILE,
    )
    urls = [c.source_url for c in Credential.select().where(Credential.candidate == candidate)]
    assert urls == [BADGE]


def test_a_new_candidate_with_a_profile_link_gets_the_profile_row(signed_in: FlaskClient) -> None:
    response = signed_in.post(
        "/candidates/", data={"name": "Grace", "emails": "grace@example.com", "links": PROFILE}
    )
    assert response.status_code == 303
    page = signed_in.get(response.headers["Location"])
    assert "Credly profile ada-lovelace" in page.text
    assert Credential.select().count() == 0


def test_the_same_profile_pasted_twice_is_one_row(
    signed_in: FlaskClient, candidate: Candidate
) -> None:
    for link in (PROFILE, PROFILE + ".json", "https://credly.com/users/ada-lovelace"):
        signed_in.post(f"/candidates/{candidate.id}/links", data={"links": link}, headers=HTMX)
    assert len(_rows(candidate)) == 1


def test_too_many_profile_links_is_an_error_and_nothing_is_kept(
    signed_in: FlaskClient, candidate: Candidate
) -> None:
    links = " ".join(
        f"https://www.credly.com/users/person-{n}/badges" for n in range(intake.MAX_PROFILES + 1)
    )
    response = signed_in.post(
        f"/candidates/{candidate.id}/links", data={"links": links + " " + BADGE}, headers=HTMX
    )
    assert response.status_code == 422
    assert f"at most {intake.MAX_PROFILES} profile links" in response.text
    assert _rows(candidate) == [] and Credential.select().count() == 0


@pytest.mark.parametrize(
    ("status", "found", "added", "detail", "shown", "button"),
    [
        pytest.param(
            "importing",
            7,
            5,
            "",
            "reading… 7 public badges found so far, 5 added",
            None,
            id="importing",
        ),
        pytest.param(
            "done", 12, 12, "", "12 public badges found, 12 added.", "Import again", id="done"
        ),
        pytest.param(
            "done", 0, 0, "", "the profile shows no public badges", "Import again", id="empty"
        ),
        pytest.param(
            "failed",
            0,
            0,
            "This Credly profile is not public.",
            "could not be imported. This Credly profile is not public.",
            "Try again",
            id="failed",
        ),
    ],
)
def test_each_state_of_the_row_reads_plainly(
    signed_in: FlaskClient,
    candidate: Candidate,
    status: str,
    found: int,
    added: int,
    detail: str,
    shown: str,
    button: str | None,
) -> None:
    (row,) = intake.add_links(candidate, [PROFILE]).profiles
    ProfileImport.update(status=status, found=found, added=added, detail=detail).where(
        ProfileImport.id == row.id
    ).execute()
    page = signed_in.get(f"/candidates/{candidate.id}")
    assert shown in page.text
    if button:
        assert f'{button}<span class="visually-hidden"> Credly profile ada-lovelace' in page.text
    else:
        assert "Remove<span" not in page.text


def test_try_again_queues_the_profile_and_remove_forgets_it_but_keeps_its_badges(
    signed_in: FlaskClient, candidate: Candidate
) -> None:
    (row,) = intake.add_links(candidate, [PROFILE]).profiles
    intake.add_urls(candidate, [BADGE])
    ProfileImport.update(status="failed", detail="gone").where(ProfileImport.id == row.id).execute()
    before = progress_token(candidate)

    retried = signed_in.post(f"/candidates/{candidate.id}/profiles/{row.id}/retry", headers=HTMX)
    assert retried.status_code == 200
    assert "Reading Credly profile ada-lovelace again." in retried.text
    assert "waiting to be read…" in retried.text
    assert ProfileImport.get_by_id(row.id).status == "queued"
    assert progress_token(candidate) != before  # a waiting page is answered

    ProfileImport.update(status="done").where(ProfileImport.id == row.id).execute()
    removed = signed_in.post(f"/candidates/{candidate.id}/profiles/{row.id}/delete", headers=HTMX)
    assert "Removed Credly profile ada-lovelace." in removed.text
    assert 'id="profile-' not in removed.text
    assert _rows(candidate) == []
    assert Credential.select().where(Credential.candidate == candidate).count() == 1


def test_without_htmx_the_buttons_redirect_back(
    signed_in: FlaskClient, candidate: Candidate
) -> None:
    (row,) = intake.add_links(candidate, [PROFILE]).profiles
    ProfileImport.update(status="done").where(ProfileImport.id == row.id).execute()
    response = signed_in.post(f"/candidates/{candidate.id}/profiles/{row.id}/retry")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/candidates/{candidate.id}")


def test_a_viewer_sees_the_row_but_cannot_change_it(
    client: FlaskClient, auth: AuthActions, viewer: User, candidate: Candidate
) -> None:
    (row,) = intake.add_links(candidate, [PROFILE]).profiles
    ProfileImport.update(status="failed").where(ProfileImport.id == row.id).execute()
    auth.login(viewer.email)
    page = client.get(f"/candidates/{candidate.id}")
    assert "Credly profile ada-lovelace" in page.text and "Try again" not in page.text
    assert client.post(f"/candidates/{candidate.id}/profiles/{row.id}/delete").status_code == 403
    assert len(_rows(candidate)) == 1


def test_another_organisations_profile_row_is_not_found(
    client: FlaskClient, auth: AuthActions, candidate: Candidate, other_org: Organization
) -> None:
    (row,) = intake.add_links(candidate, [PROFILE]).profiles
    stranger = build_user(other_org, "r@globex.test", Role.RECRUITER)
    theirs = candidate_service.create(other_org, "Someone", ["s@example.com"])
    auth.login(stranger.email)
    for target in (candidate.id, theirs.id):
        response = client.post(f"/candidates/{target}/profiles/{row.id}/delete")
        assert response.status_code == 404
    assert len(_rows(candidate)) == 1


def test_merging_candidates_keeps_each_profile_link_once(
    signed_in: FlaskClient, org: Organization, candidate: Candidate
) -> None:
    twin = candidate_service.create(org, "Ada L.", ["ada@example.com"])
    other = "https://badgr.com/public/collections/abcdef123456"
    intake.add_links(candidate, [PROFILE])
    intake.add_links(twin, [PROFILE + ".json", other])

    response = signed_in.post(f"/candidates/{candidate.id}/merge", data={"other_id": twin.id})

    assert response.status_code == 303
    assert [row.url for row in _rows(candidate)] == [PROFILE, other]


def test_a_csv_import_queues_profile_links_as_profiles(signed_in: FlaskClient) -> None:
    text = (
        "name,email,links\n"
        f"Ada Lovelace,ada@example.com,{PROFILE} {BADGE}\n"
        "Grace Hopper,grace@example.com,https://badgr.com/public/collections/abcdef123456\n"
    )
    for _ in range(2):  # a re-import queues each profile again, never twice
        response = signed_in.post("/imports/", data={"csv_text": text, "filename": "p.csv"})
        assert response.status_code == 303
    rows = {row.candidate.name: row.provider for row in ProfileImport.select()}
    assert rows == {"Ada Lovelace": "Credly", "Grace Hopper": "Canvas Credentials (Badgr)"}
    assert [c.source_url for c in Credential.select()] == [BADGE]
    grace = Candidate.get(Candidate.name == "Grace Hopper")
    assert grace.state == "pending"


def test_a_csv_row_with_too_many_profile_links_is_refused_in_the_preview(
    signed_in: FlaskClient,
) -> None:
    links = " ".join(
        f"https://www.credly.com/users/p-{n}/badges" for n in range(intake.MAX_PROFILES + 1)
    )
    text = f"name,email,links\nAda,ada@example.com,{links}\n"
    page = signed_in.post(
        "/imports/preview",
        data={"file": (io.BytesIO(text.encode()), "p.csv")},
        content_type="multipart/form-data",
    )
    assert f"more than {intake.MAX_PROFILES} profile links" in page.text


def test_deleting_the_candidate_deletes_their_profile_links(
    signed_in: FlaskClient, candidate: Candidate
) -> None:
    intake.add_links(candidate, [PROFILE])
    response = signed_in.post(f"/candidates/{candidate.id}/delete")
    assert response.status_code == 303
    assert ProfileImport.select().count() == 0  # the earner's profile name is personal data
