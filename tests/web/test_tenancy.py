"""Every route with an object id answers 404 to a user of another organisation."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from app.models import (
    Alert,
    Credential,
    ImportBatch,
    Organization,
    Role,
    RoleProfile,
    ShareLink,
    Skill,
    User,
    utcnow,
)
from app.services import api_tokens, intake, invites
from app.services import candidates as candidate_service
from tests.conftest import AuthActions
from tests.support.builders import build_user


def test_every_object_route_is_404_for_another_organisation(
    app: Flask, client: FlaskClient, auth: AuthActions, org: Organization, other_org: Organization
) -> None:
    candidate = candidate_service.create(org, "Ada", ["ada@example.com"])
    (credential,) = intake.add_urls(candidate, ["https://issuer.example/a/1"])
    batch = ImportBatch.create(organization=org, filename="x.csv")
    owner = build_user(org, "owner@acme.test", Role.ADMIN)
    ids = {
        "candidate_id": candidate.id,
        "credential_id": credential.id,
        "batch_id": batch.id,
        "user_id": owner.id,
        "role_id": RoleProfile.create(organization=org, title="Analyst").id,
        "alert_id": Alert.create(
            organization=org, credential=credential, kind="changed", key="k", message="m"
        ).id,
        "token_id": api_tokens.create(org, "ATS", "write").token.id,
        "link_id": ShareLink.create(
            organization=org, candidate=candidate, nonce_hash="0" * 64, expires_at=utcnow()
        ).id,
        "skill_id": Skill.create(organization=org, name="Own", normalised="own").id,
        "profile_id": intake.add_links(candidate, ["https://www.credly.com/users/ada/badges"])
        .profiles[0]
        .id,
        "invite_id": invites.create(candidate, owner)[0].id,
    }
    stranger = build_user(other_org, "admin@globex.test", Role.ADMIN)
    auth.login(stranger.email)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static" or rule.rule.startswith("/api/"):
            continue  # API routes: tests/web/test_api_tenancy.py, with tokens
        if rule.endpoint == "auth.reset_password":
            continue  # its argument is a signed link, not an object id: test_password_reset.py
        if rule.endpoint == "portal.open_link":
            continue  # no organisation: the link's secret names the invite (test_invites.py)
        if rule.endpoint == "reports.shared":
            continue  # no organisation: a signed token names the report (test_sharing.py)
        if rule.endpoint.startswith("exchanges."):
            continue  # no user: the exchange id names one challenge (test_exchanges.py)
        url = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(ids[m.group(1)]), rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"name": "x", "role": "admin"})
            assert response.status_code == 404, (rule.endpoint, method, response.status_code)
            checked += 1
    assert checked >= 10
    assert Credential.get_by_id(credential.id).candidate_id == candidate.id
    assert User.get_by_id(owner.id).role == "admin"
