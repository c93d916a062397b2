"""The worker expands a Credly profile link, served over real TLS under Credly's own host names,
into one credential per public badge, and each badge is really verified."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

from app.config import Settings
from app.models import Candidate, Credential, Organization, ProfileImport, utcnow
from app.services import candidates as candidate_service
from app.services import intake, profile_import
from app.verification import profiles
from jobs import worker
from tests.support.builders import build_org
from tests.support.credly import CREDLY_HOSTS, JSON, CredlyProfile, as_json
from tests.support.ob2_builders import DEFAULT_EMAIL, IssuerKit
from tests.support.provider_hosts import ProviderHosts


@pytest.fixture
def settings(job_settings: Settings) -> Settings:
    return job_settings  # SQLite and PostgreSQL (tests/jobs/conftest.py)


@pytest.fixture
def candidate(acme: Organization) -> Candidate:
    return candidate_service.create(acme, "Ada Lovelace", [DEFAULT_EMAIL])


@pytest.fixture
def credly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProviderHosts]:
    with ProviderHosts(tmp_path, *CREDLY_HOSTS) as hosts:
        hosts.install(monkeypatch)
        yield hosts


def _import(candidate: Candidate, url: str) -> ProfileImport:
    (row,) = intake.add_links(candidate, [url]).profiles
    return row


def _verdicts(candidate: Candidate) -> dict[str, str | None]:
    rows = Credential.select().where(Credential.candidate == candidate)
    return {row.source_url: row.verdict for row in rows}


def test_every_public_badge_of_every_page_becomes_a_verified_credential(
    backend_app: Flask, settings: Settings, candidate: Candidate, credly: ProviderHosts
) -> None:
    profile = CredlyProfile("ada-lovelace", badges=5, per_page=2, private={3}).serve(credly)
    row = _import(candidate, profile.url)
    assert intake.add_links(candidate, [profile.url]).credentials == []  # a profile, no badge
    assert Candidate.get_by_id(candidate.id).state == "pending"  # its badges are on their way

    worker.drain(settings)

    expected = {f"https://www.credly.com/badges/{b}": "verified" for b in profile.public_ids}
    assert _verdicts(candidate) == expected
    done = ProfileImport.get_by_id(row.id)
    assert (done.status, done.found, done.added, done.detail) == ("done", 4, 4, "")
    paths = [request.path for request in credly.server.requests]
    pages = [path for path in paths if path.startswith("/users/ada-lovelace/badges.json")]
    assert pages == [f"/users/ada-lovelace/badges.json{q}" for q in ("", "?page=2", "?page=3")]
    assert Candidate.get_by_id(candidate.id).state == "verified"


def test_importing_again_adds_only_the_new_badges(
    backend_app: Flask, settings: Settings, candidate: Candidate, credly: ProviderHosts
) -> None:
    profile = CredlyProfile("ada-lovelace", badges=2).serve(credly)
    row = _import(candidate, profile.url)
    worker.drain(settings)
    CredlyProfile("ada-lovelace", badges=3).serve(credly)

    assert _import(candidate, profile.url).id == row.id  # the same row, queued again
    worker.drain(settings)

    again = ProfileImport.get_by_id(row.id)
    assert (again.status, again.found, again.added) == ("done", 3, 1)
    assert list(_verdicts(candidate).values()) == ["verified"] * 3


@pytest.mark.parametrize("status", [404, 403, 410], ids=["404", "403", "410"])
def test_a_private_or_missing_profile_fails_in_plain_words(
    backend_app: Flask, settings: Settings, candidate: Candidate, credly: ProviderHosts, status: int
) -> None:
    profile = CredlyProfile("hidden-person").serve(credly, status=status)
    row = _import(candidate, profile.url)

    worker.drain(settings)

    failed = ProfileImport.get_by_id(row.id)
    assert failed.status == "failed"
    assert "not public" in failed.detail and "Credly profile" in failed.detail
    assert _verdicts(candidate) == {}
    assert Candidate.get_by_id(candidate.id).state == "none"


def test_an_answer_that_is_no_profile_fails_without_adding_anything(
    backend_app: Flask, settings: Settings, candidate: Candidate, credly: ProviderHosts
) -> None:
    credly.route(
        "www.credly.com",
        "/users/someone/badges.json",
        body=b"<!doctype html><title>Sign in</title>",
        headers={"content-type": "text/html"},
    )
    row = _import(candidate, "https://www.credly.com/users/someone/badges")

    worker.drain(settings)

    failed = ProfileImport.get_by_id(row.id)
    assert failed.status == "failed"
    assert "did not answer with a public profile" in failed.detail
    assert _verdicts(candidate) == {}


def test_a_profile_that_cannot_be_reached_says_so(
    backend_app: Flask,
    settings: Settings,
    candidate: Candidate,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with ProviderHosts(tmp_path, "api.credly.com") as hosts:  # www.credly.com does not resolve
        hosts.install(monkeypatch)
        row = _import(candidate, "https://www.credly.com/users/ada/badges")
        worker.drain(settings)

    failed = ProfileImport.get_by_id(row.id)
    assert failed.status == "failed"
    assert failed.detail.startswith("Credly could not be reached")


def test_a_claim_taken_over_after_its_lease_writes_nothing(
    backend_app: Flask, settings: Settings, candidate: Candidate, credly: ProviderHosts
) -> None:
    profile = CredlyProfile("ada-lovelace", badges=2).serve(credly)
    row = _import(candidate, profile.url)
    first = profile_import.claim_next("paused-worker", lease=timedelta(seconds=1))
    assert first is not None
    later = utcnow() + timedelta(seconds=5)
    second = profile_import.claim_next("other-worker", later)
    assert second is not None and second.token != first.token
    assert profile_import.claim_next("third-worker", later) is None

    profile_import.expand(first, credly.fetcher())  # the paused worker wakes up

    stale = ProfileImport.get_by_id(row.id)
    assert (stale.status, stale.claim_token, stale.found) == ("importing", second.token, 0)
    profile_import.expand(second, credly.fetcher())
    assert ProfileImport.get_by_id(row.id).status == "done"


def test_a_badgr_collection_brings_in_only_its_badgr_assertions(
    backend_app: Flask,
    settings: Settings,
    candidate: Candidate,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kit = IssuerKit(base="https://api.badgr.io/public", name="Acme Academy")
    share = "0123456789abcdef0123456789abcdef"
    ids = ["AbCdEf123456", "ZyXwVu987654"]
    with ProviderHosts(tmp_path, "api.badgr.io") as hosts:
        for url, document in kit.documents().items():
            hosts.route("api.badgr.io", urlsplit(url).path, body=as_json(document), headers=JSON)
        for entity in ids:
            assertion = kit.hosted_assertion(
                entity, id=f"https://api.badgr.io/public/assertions/{entity}"
            )
            hosts.route(
                "api.badgr.io",
                f"/public/assertions/{entity}",
                body=as_json(assertion),
                headers=JSON,
            )
        badges = [
            {"id": f"https://api.badgr.io/public/assertions/{entity}?v=2_0"} for entity in ids
        ]
        badges.append({"id": "https://uploads.example/assertions/elsewhere.json"})
        collection = {"type": "Collection", "name": "My badges", "badges": badges}
        hosts.route(
            "api.badgr.io", f"/public/collections/{share}", body=as_json(collection), headers=JSON
        )
        hosts.install(monkeypatch)
        row = _import(candidate, f"https://api.badgr.io/public/collections/{share}")

        worker.drain(settings)

    done = ProfileImport.get_by_id(row.id)
    assert (done.status, done.found, done.added) == ("done", 2, 2)
    assert list(_verdicts(candidate).values()) == ["verified", "verified"]
    (request,) = [r for r in hosts.server.requests if r.path.startswith("/public/collections/")]
    assert request.path == f"/public/collections/{share}?v=2_0"
    assert "json" in (request.header("accept") or "")  # Badgr answers HTML to a browser


def test_a_profile_of_endless_pages_is_read_up_to_the_page_cap(
    backend_app: Flask, settings: Settings, candidate: Candidate, credly: ProviderHosts
) -> None:
    profile = CredlyProfile("prolific", badges=15, per_page=1).serve(credly)
    row = _import(candidate, profile.url)

    worker.drain(settings)

    done = ProfileImport.get_by_id(row.id)
    assert (done.status, done.found) == ("done", profiles.MAX_PAGES)
    assert done.detail.startswith(f"Only the first {profiles.MAX_PAGES} were taken")
    paths = [r.path for r in credly.server.requests if r.path.startswith("/users/prolific/")]
    assert len(paths) == profiles.MAX_PAGES


def test_a_profile_past_the_badge_cap_keeps_the_first_badges_and_says_so(
    backend_app: Flask,
    candidate: Candidate,
    credly: ProviderHosts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(profiles, "MAX_BADGES", 3)
    profile = CredlyProfile("prolific", badges=4, per_page=2).serve(credly)  # no third page
    row = _import(candidate, profile.url)
    claimed = profile_import.claim_next("worker")
    assert claimed is not None

    profile_import.expand(claimed, credly.fetcher())

    done = ProfileImport.get_by_id(row.id)
    assert (done.status, done.found, done.added) == ("done", 3, 3)
    assert done.detail.startswith("Only the first 3 were taken")
    assert len(_verdicts(candidate)) == 3


def test_organisations_take_turns_and_a_platform_is_read_by_few_at_once(
    backend_app: Flask, acme: Organization, candidate: Candidate
) -> None:
    globex = build_org("Globex Talent", "globex")
    theirs = candidate_service.create(globex, "Grace", [DEFAULT_EMAIL])
    pile = [f"https://www.credly.com/users/person-{n}/badges" for n in range(4)]
    pile.append("https://badgr.com/public/collections/abcdef123456")
    ours = intake.add_links(candidate, pile).profiles
    (later,) = intake.add_links(theirs, ["https://www.credly.com/users/grace/badges"]).profiles

    first = profile_import.claim_next("w1")
    second = profile_import.claim_next("w2")
    third = profile_import.claim_next("w3")
    fourth = profile_import.claim_next("w4")

    assert first is not None and first.id == ours[0].id  # the oldest
    assert second is not None and second.id == later.id  # Globex's turn, though newer
    assert third is not None and third.id == ours[4].id  # Credly has two readers already
    assert fourth is None  # Acme's other Credly profiles wait for a free Credly slot
    assert profile_import.any_due()
