"""A badge whose text no database can store is still verified and stored, never stuck."""

from __future__ import annotations

import json

from flask import Flask

from app.config import Settings
from app.models import Credential, Organization, VerificationRun
from app.services import candidates as candidate_service
from app.services import intake
from jobs import worker
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import LocalIssuer


def test_nul_and_lone_surrogates_in_a_fetched_badge_are_stored_safely(
    backend_app: Flask, acme: Organization, issuer: LocalIssuer, job_settings: Settings
) -> None:
    hostile = issuer.kit.badge_class(name="Cloud\u0000Ops \ud800", description="a\u0000b\udfff")
    # json.dumps escapes both, as a hostile issuer would: the parser gives them back as text.
    issuer._set(issuer.kit.badge_id, json.dumps(hostile).encode(), "application/json")
    candidate = candidate_service.create(acme, "Ada", [DEFAULT_EMAIL])
    (credential,) = intake.add_urls(candidate, [issuer.hosted("a1").url])
    assert worker.drain(job_settings) == 1
    stored = Credential.get_by_id(credential.id)
    assert (stored.status, stored.verdict) == ("done", "verified")
    assert stored.achievement_name == "Cloud\ufffdOps \ufffd"
    assert stored.description == "a\ufffdb\ufffd"
    run = VerificationRun.get(VerificationRun.credential == credential)
    assert json.loads(run.result_json)["achievement"]["name"] == "Cloud\u0000Ops \ufffd"
