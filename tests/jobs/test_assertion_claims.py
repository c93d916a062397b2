"""A verified credential remembers the assertion id it declares, so a second candidate who
claims the same badge under another link or as a file is flagged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app.models import Credential, Organization
from app.services import candidates as candidate_service
from app.services import identity, intake
from jobs import worker
from tests.conftest import make_settings
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.test_issuer import LocalIssuer


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


def test_the_worker_stores_the_assertion_id_and_a_second_claim_is_a_conflict(
    app: Flask, database_url: str, org: Organization, issuer: LocalIssuer
) -> None:
    settings = make_settings(database_url, allow_private_hosts="127.0.0.1")
    owner = candidate_service.create(org, "Beth Robotics", [DEFAULT_EMAIL])
    copycat = candidate_service.create(org, "Mallory", ["mallory@example.com"])
    badge = issuer.hosted("a1")
    (mine,) = intake.add_urls(owner, [badge.url])
    (theirs,) = intake.add_urls(copycat, [badge.url + "#copied"])  # the same link, spelled apart
    Credential.update(dedupe_key="url:spelled-differently").where(
        Credential.id == theirs.id
    ).execute()
    assert identity.conflicts(org.id) == []  # nothing to compare until the worker has read them

    assert worker.drain(settings) == 2

    assert Credential.get_by_id(mine.id).assertion_id == badge.url
    found = identity.conflicts(org.id)
    assert [(c.kind, sorted(p.name for p in c.claimants)) for c in found] == [
        ("credential", ["Beth Robotics", "Mallory"])
    ]
