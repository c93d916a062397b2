"""Recruiters add, find, edit, archive, export and delete candidates; intake queues credentials."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient

from app.models import Candidate, CandidateEmail, Credential, Organization, Role, User
from app.services import candidates as candidate_service
from app.services import intake
from tests.conftest import AuthActions
from tests.support.builders import build_user


@pytest.fixture
def signed_in(client: FlaskClient, auth: AuthActions, recruiter: User) -> FlaskClient:
    auth.login(recruiter.email)
    return client


def test_recruiter_adds_a_candidate_with_pasted_links(signed_in: FlaskClient) -> None:
    text = "Hi! My badges: https://issuer.example/a/1, and https://issuer.example/a/1. Also\nHTTPS://Issuer.example/a/2"
    response = signed_in.post(
        "/candidates/",
        data={"name": "Ada Lovelace", "emails": "ada@example.com, ADA@work.example", "links": text},
    )
    assert response.status_code == 303
    candidate = Candidate.get(Candidate.name == "Ada Lovelace")
    assert candidate_service.emails_of(candidate) == ["ada@example.com", "ada@work.example"]
    urls = sorted(
        c.source_url for c in Credential.select().where(Credential.candidate == candidate)
    )
    assert urls == ["HTTPS://Issuer.example/a/2", "https://issuer.example/a/1"]
    page = signed_in.get(response.headers["Location"])
    assert page.text.count("Verifying…") >= 2
    assert 'hx-trigger="load"' in page.text  # a long poll: answered as soon as a verdict is stored


def test_invalid_candidate_form_re_renders_its_block_with_the_error(signed_in: FlaskClient) -> None:
    response = signed_in.post(
        "/candidates/",
        data={"name": "", "emails": "not-an-address"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<section id="add-candidate"')
    assert "not a valid e-mail address" in response.text


def test_htmx_create_answers_with_hx_redirect(signed_in: FlaskClient) -> None:
    response = signed_in.post(
        "/candidates/",
        data={"name": "Grace", "emails": "grace@example.com"},
        headers={"HX-Request": "true"},
    )
    assert response.headers["HX-Redirect"].startswith("/candidates/")


def test_search_by_name_or_email_and_filter_by_state(
    signed_in: FlaskClient, org: Organization
) -> None:
    candidate_service.create(org, "Ada Lovelace", ["ada@example.com"])
    candidate_service.create(org, "Grace Hopper", ["grace@navy.example"])
    assert "Grace Hopper" in signed_in.get("/candidates/?q=navy").text
    assert "Ada Lovelace" not in signed_in.get("/candidates/?q=navy").text
    fragment = signed_in.get("/candidates/?q=ada", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="candidate-table"')
    assert "Ada Lovelace" in fragment.text and "HX-Request" in fragment.headers["Vary"]
    assert "Ada Lovelace" not in signed_in.get("/candidates/?state=verified").text


def test_list_polls_only_while_something_is_pending(
    signed_in: FlaskClient, org: Organization
) -> None:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    assert "load delay:1s" not in signed_in.get("/candidates/").text
    intake.add_urls(candidate, ["https://issuer.example/a/1"])
    assert "load delay:1s" in signed_in.get("/candidates/").text


def test_pagination_splits_long_lists(signed_in: FlaskClient, org: Organization) -> None:
    for n in range(30):
        candidate_service.create(org, f"Candidate {n:02d}", [f"c{n}@example.com"])
    first = signed_in.get("/candidates/").text
    assert "Page 1 of 2" in first and "Candidate 24" in first and "Candidate 25" not in first
    assert "Candidate 25" in signed_in.get("/candidates/?page=2").text


def test_adding_the_same_link_twice_keeps_one_credential(
    signed_in: FlaskClient, org: Organization
) -> None:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    for _ in range(2):
        signed_in.post(
            f"/candidates/{candidate.id}/links", data={"links": "https://issuer.example/a/1"}
        )
    assert Credential.select().where(Credential.candidate == candidate).count() == 1


def test_pasting_text_without_links_says_so(signed_in: FlaskClient, org: Organization) -> None:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    response = signed_in.post(
        f"/candidates/{candidate.id}/links",
        data={"links": "no links here"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422 and "No link found in the text" in response.text
    assert ">no links here</textarea>" in response.text  # the pasted text is kept
    assert 'id="credentials"' in response.text  # and so is the credential list


def test_uploading_files_queues_them_once(signed_in: FlaskClient, org: Organization) -> None:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    upload = {
        "files": [(io.BytesIO(b'{"a": 1}'), "badge.json"), (io.BytesIO(b'{"a": 1}'), "copy.json")]
    }
    response = signed_in.post(
        f"/candidates/{candidate.id}/files", data=upload, content_type="multipart/form-data"
    )
    assert response.status_code == 303
    assert Credential.select().where(Credential.candidate == candidate).count() == 1


def test_edit_changes_addresses_and_requeues_recipient_checks(
    signed_in: FlaskClient, org: Organization
) -> None:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    (credential,) = intake.add_urls(candidate, ["https://issuer.example/a/1"])
    Credential.update(status="done", verdict="recipient_mismatch").execute()
    response = signed_in.post(
        f"/candidates/{candidate.id}",
        data={"name": "Ada L.", "emails": "ada@new.example", "notes": "n"},
    )
    assert response.status_code == 303
    assert candidate_service.emails_of(candidate) == ["ada@new.example"]
    assert Credential.get_by_id(credential.id).status == "queued"


def test_archive_hides_from_the_default_list(signed_in: FlaskClient, org: Organization) -> None:
    candidate = candidate_service.create(org, "Ada Archived", ["ada@example.com"])
    signed_in.post(f"/candidates/{candidate.id}/archive", data={"archived": "1"})
    assert "Ada Archived" not in signed_in.get("/candidates/").text
    assert "Ada Archived" in signed_in.get("/candidates/?archived=1").text


def test_delete_removes_the_candidate_and_their_credentials(
    signed_in: FlaskClient, org: Organization
) -> None:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    intake.add_urls(candidate, ["https://issuer.example/a/1"])
    response = signed_in.post(f"/candidates/{candidate.id}/delete")
    assert response.status_code == 303
    assert Candidate.select().count() == 0 and Credential.select().count() == 0
    assert CandidateEmail.select().count() == 0


def test_export_lists_candidates_with_credentials_and_defuses_formulas(
    signed_in: FlaskClient, org: Organization
) -> None:
    candidate = candidate_service.create(org, '=HYPERLINK("x")', ["ada@example.com"])
    intake.add_urls(candidate, ["https://issuer.example/a/1"])
    candidate_service.create(org, "Nobody Yet", ["n@example.com"])
    response = signed_in.get("/candidates/export.csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][0] == "candidate" and len(rows) == 3
    assert rows[1][0].startswith("'=")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/candidates/"),
        ("post", "/candidates/{id}/links"),
        ("post", "/candidates/{id}/files"),
        ("post", "/candidates/{id}"),
        ("post", "/candidates/{id}/archive"),
        ("post", "/candidates/{id}/delete"),
        ("get", "/candidates/{id}/edit"),
        ("get", "/imports/new"),
        ("post", "/imports/preview"),
        ("post", "/imports/"),
    ],
)
def test_viewers_cannot_change_anything(
    client: FlaskClient, auth: AuthActions, org: Organization, method: str, path: str
) -> None:
    viewer = build_user(org, "viewer@acme.test", Role.VIEWER)
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    auth.login(viewer.email)
    response = getattr(client, method)(
        path.format(id=candidate.id), data={"name": "x", "links": "https://a.example/"}
    )
    assert response.status_code == 403
    assert Candidate.get_by_id(candidate.id).name == "Ada"


def test_viewer_can_read_candidates(
    client: FlaskClient, auth: AuthActions, org: Organization
) -> None:
    viewer = build_user(org, "viewer@acme.test", Role.VIEWER)
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    auth.login(viewer.email)
    page = client.get(f"/candidates/{candidate.id}")
    assert page.status_code == 200 and "Add credentials" not in page.text


def test_list_counts_each_candidates_credentials_by_verdict(
    signed_in: FlaskClient, org: Organization
) -> None:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    intake.add_urls(candidate, [f"https://issuer.example/a/{n}" for n in range(3)])
    verdicts = iter(["verified", "verified", "revoked"])
    for credential in Credential.select().order_by(Credential.id):
        Credential.update(status="done", verdict=next(verdicts)).where(
            Credential.id == credential.id
        ).execute()
    candidate_service.refresh_state(candidate.id)
    assert "2 verified · 1 revoked" in signed_in.get("/candidates/").text


def test_progress_fragment_also_refreshes_the_candidate_status_out_of_band(
    signed_in: FlaskClient, org: Organization
) -> None:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    intake.add_urls(candidate, ["https://issuer.example/a/1"])
    fragment = signed_in.get(
        f"/candidates/{candidate.id}/progress", headers={"HX-Request": "true"}
    ).text
    assert 'id="candidate-state" hx-swap-oob="innerHTML"' in fragment
    page = signed_in.get(f"/candidates/{candidate.id}").text
    assert page.count('id="candidate-state"') == 1
