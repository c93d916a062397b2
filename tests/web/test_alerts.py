"""The Alerts page, the unread count in the navigation, and the admins' Operations page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.models import Alert, Candidate, Credential, Organization, User
from app.services import candidates as candidate_service
from app.services import intake
from tests.conftest import AuthActions
from tests.support.builders import build_user

HX = {"HX-Request": "true"}


def _alert(organization: Organization, key: str = "changed:verified>revoked:1") -> Alert:
    candidate = Candidate.get_or_none(
        Candidate.organization == organization
    ) or candidate_service.create(organization, "Ada", ["ada@example.com"])
    credential = (
        Credential.get_or_none(Credential.candidate == candidate)
        or (intake.add_urls(candidate, ["https://issuer.example/a/1"])[0])
    )
    return Alert.create(
        organization=organization,
        credential=credential,
        kind="changed",
        key=key,
        from_verdict="verified",
        to_verdict="revoked",
        message="“Robotics” of Ada is now revoked by the issuer; it was verified.",
    )


def test_every_page_shows_the_unread_count_without_javascript(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization
) -> None:
    _alert(org, "a")
    _alert(org, "b")
    auth.login(recruiter.email)
    page = client.get("/candidates/").text
    assert '<span class="count-badge">2</span>' in page
    assert 'hx-get="/alerts/count"' in page and "credential-verified from:body" in page


def test_the_count_fragment_is_just_the_badge_and_counts_only_this_organisation(
    client: FlaskClient,
    auth: AuthActions,
    recruiter: User,
    org: Organization,
    other_org: Organization,
) -> None:
    _alert(org)
    _alert(other_org)
    auth.login(recruiter.email)
    fragment = client.get("/alerts/count", headers=HX).text
    assert fragment.startswith('<span id="alert-count"') and "<html" not in fragment
    assert '<span class="count-badge">1</span>' in fragment


def test_alerts_page_lists_the_change_and_acknowledging_clears_the_count(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization
) -> None:
    alert = _alert(org)
    auth.login(recruiter.email)
    assert "now revoked by the issuer" in client.get("/alerts/").text
    response = client.post(f"/alerts/{alert.id}/acknowledge", headers=HX)
    assert response.status_code == 200 and "alerts-changed" in response.headers["HX-Trigger"]
    assert 'id="alerts-panel"' in response.text and "0 unread" in response.text
    assert Alert.get_by_id(alert.id).acknowledged_by_id == recruiter.id
    assert "count-badge" not in client.get("/alerts/count", headers=HX).text


def test_acknowledge_all_without_javascript_redirects_back(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization
) -> None:
    _alert(org, "a")
    _alert(org, "b")
    auth.login(recruiter.email)
    response = client.post("/alerts/acknowledge")
    assert response.status_code == 303 and response.headers["Location"].endswith("/alerts/")
    assert Alert.select().where(Alert.acknowledged_at.is_null()).count() == 0


def test_a_viewer_cannot_acknowledge(
    client: FlaskClient, auth: AuthActions, viewer: User, org: Organization
) -> None:
    alert = _alert(org)
    auth.login(viewer.email)
    assert client.post(f"/alerts/{alert.id}/acknowledge").status_code == 403
    assert Alert.get_by_id(alert.id).unread


@pytest.mark.parametrize(
    ("role", "status"),
    [pytest.param("admin", 200, id="admin"), pytest.param("recruiter", 403, id="recruiter")],
)
def test_operations_page_is_for_admins(
    client: FlaskClient, auth: AuthActions, org: Organization, role: str, status: int
) -> None:
    from app.models import Role

    user = build_user(org, f"{role}@acme.test", Role(role))
    auth.login(user.email)
    response = client.get("/operations/")
    assert response.status_code == status
    if status == 200:
        assert "Nightly re-verification" in response.text and "0 2 * * *" in response.text
        assert ">Operations</a>" in client.get("/candidates/").text
    else:
        assert ">Operations</a>" not in client.get("/candidates/").text
