"""A fresh did:key calling itself "Amazon Web Services" is shown and ranked only as its key."""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from app.models import Candidate, Credential, Organization, User
from app.ranking import Tier
from app.services import candidates as candidate_service
from app.services import intake
from app.services import ranking as ranking_service
from app.services import roles as role_service
from jobs import worker
from tests.conftest import AuthActions, make_settings
from tests.support.ob3_builders import IssuerKit, build_credential

FAMOUS = "Amazon Web Services"


def _impostor(org: Organization, database_url: str) -> tuple[Credential, IssuerKit]:
    kit = IssuerKit.did_key()
    document = build_credential(kit, achievement_name="Cloud Practitioner")
    document["issuer"]["name"] = FAMOUS
    signed = kit.sign(document)
    candidate = candidate_service.create(org, "Ana", ["ana@example.com"])
    credential = intake.add_file(candidate, "aws.json", json.dumps(signed).encode())
    assert credential is not None
    worker.drain(make_settings(database_url))
    return Credential.get_by_id(credential.id), kit


def test_the_impostor_is_verified_but_shown_only_as_signed_by_its_did_key(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization, database_url: str
) -> None:
    credential, kit = _impostor(org, database_url)
    assert credential.verdict == "verified"
    auth.login(recruiter.email)
    short = f"signed by {kit.id[:16]}…"
    for url in (f"/credentials/{credential.id}", f"/candidates/{credential.candidate_id}"):
        page = client.get(url).text
        assert short in page
        assert f"identity not established; calls itself &#34;{FAMOUS}&#34;" in page
        assert f">{FAMOUS}<" not in page


def test_once_an_admin_names_the_issuer_its_name_is_shown(
    client: FlaskClient, auth: AuthActions, recruiter: User, org: Organization, database_url: str
) -> None:
    credential, kit = _impostor(org, database_url)
    role_service.set_tier(org, None, kit.id, FAMOUS, Tier.NEUTRAL)
    auth.login(recruiter.email)
    page = client.get(f"/credentials/{credential.id}").text
    assert "identity not established" not in page
    assert FAMOUS in page


def test_the_impostor_ranks_as_its_key_at_the_unknown_weight_even_if_the_real_one_is_trusted(
    org: Organization, database_url: str
) -> None:
    credential, kit = _impostor(org, database_url)
    role_service.set_tier(org, None, "https://aws.amazon.com", FAMOUS, Tier.TRUSTED)
    evidence, _ = ranking_service.load_evidence(org)
    (item,) = evidence[Candidate.get_by_id(credential.candidate_id).id]
    assert item.issuer == f"signed by {kit.id[:16]}…"
    assert item.tier is Tier.UNKNOWN
