"""A Credly profile the candidate sends through their invite link: the worker expands it, and
the badges it finds are the candidate's submissions (listed in the portal, theirs to remove);
the same kind of profile added by the recruiter stays the recruiter's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.config import Settings
from app.models import Candidate, Credential, Organization, User
from app.services import candidates as candidate_service
from app.services import intake, invites
from jobs import worker
from tests.conftest import make_settings
from tests.support.credly import CREDLY_HOSTS, CredlyProfile
from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.provider_hosts import ProviderHosts


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, allow_private_hosts="127.0.0.1")


@pytest.fixture
def candidate(org: Organization) -> Candidate:
    return candidate_service.create(org, "Ada Lovelace", [DEFAULT_EMAIL])


@pytest.fixture
def credly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProviderHosts]:
    with ProviderHosts(tmp_path, *CREDLY_HOSTS) as hosts:
        hosts.install(monkeypatch)
        yield hosts


def test_badges_of_a_profile_sent_through_an_invite_are_the_candidates(
    app: Flask,
    settings: Settings,
    candidate: Candidate,
    recruiter: User,
    credly: ProviderHosts,
) -> None:
    sent = CredlyProfile("ada-lovelace", badges=3, per_page=2).serve(credly)
    theirs = CredlyProfile("ada-at-work", badges=1).serve(credly)
    invite, _ = invites.create(candidate, recruiter)
    invites.consent(invite)
    invites.submitted_profiles(invite, intake.add_links(candidate, [sent.url]).profiles)
    intake.add_links(candidate, [theirs.url], user=recruiter)  # the recruiter's own find

    worker.drain(settings)

    added = invites.credentials_added(candidate)
    assert sorted(c.source_url for c in added) == sorted(
        f"https://www.credly.com/badges/{badge}" for badge in sent.ids
    )
    assert {c.verdict for c in added} == {"verified"}
    assert [row.label for row in invites.profiles_sent(candidate)] == [
        "Credly profile ada-lovelace"
    ]
    recruiters = Credential.get(Credential.source_url.contains(theirs.ids[0]))
    assert not invites.remove(invite, recruiters.id)
    assert invites.remove(invite, added[0].id)
    assert Credential.get_or_none(Credential.id == added[0].id) is None
