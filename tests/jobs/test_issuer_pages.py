"""A Coursera certificate link, verified by the worker over real TLS under www.coursera.org, and
ranked by the organisation's policy: left out by default, counted at half when an admin says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.config import Settings
from app.models import AuditEntry, Credential, Organization, Role
from app.ranking.policy import ISSUER_PAGE_FACTOR
from app.services import candidates as candidate_service
from app.services import intake
from app.services import ranking as ranking_service
from app.services import roles as role_service
from jobs import worker
from tests.support import issuer_pages as pages
from tests.support.builders import build_user
from tests.support.provider_hosts import ProviderHosts
from tests.support.ranking_builders import build_role, skill

PATH = "/account/accomplishments/verify/ABCD1234EFGH"
URL = f"https://www.coursera.org{PATH}"
HTML = {"content-type": "text/html; charset=utf-8"}


@pytest.fixture
def coursera(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend_app: Flask
) -> Iterator[ProviderHosts]:
    with ProviderHosts(tmp_path, "www.coursera.org") as hosts:
        hosts.install(monkeypatch)
        yield hosts


def _page_credential(organization: Organization, name: str, settings: Settings) -> Credential:
    candidate = candidate_service.create(organization, name, [])
    (credential,) = intake.add_urls(candidate, [URL])
    assert worker.drain(settings) == 1
    return Credential.get_by_id(credential.id)


def test_the_worker_keeps_a_page_naming_the_candidate_as_an_unsupported_issuer_page(
    coursera: ProviderHosts, acme: Organization, job_settings: Settings
) -> None:
    coursera.route("www.coursera.org", PATH, body=pages.coursera("Ada Lovelace"), headers=HTML)
    credential = _page_credential(acme, "Ada Lovelace", job_settings)
    assert credential.verdict == "unsupported"
    assert credential.format == "issuer-page"
    assert credential.recipient == "matched"
    assert credential.achievement_name == "Machine Learning"
    assert credential.issuer_name == "Coursera"
    assert credential.subject_name == "Ada Lovelace"
    assert coursera.requests_to("www.coursera.org", PATH)


def test_a_page_naming_someone_else_is_a_recipient_mismatch(
    coursera: ProviderHosts, acme: Organization, job_settings: Settings
) -> None:
    coursera.route("www.coursera.org", PATH, body=pages.coursera("Grace Hopper"), headers=HTML)
    credential = _page_credential(acme, "Ada Lovelace", job_settings)
    assert credential.verdict == "recipient_mismatch"
    assert credential.recipient == "mismatch"


def test_ranking_leaves_issuer_pages_out_until_the_policy_counts_them_at_half(
    coursera: ProviderHosts, acme: Organization, job_settings: Settings
) -> None:
    coursera.route("www.coursera.org", PATH, body=pages.coursera("Ada Lovelace"), headers=HTML)
    credential = _page_credential(acme, "Ada Lovelace", job_settings)
    role = build_role(acme, "ML engineer", required=[skill("machine learning")])

    before = ranking_service.ranking_for(role).scores[0]
    (row,) = before.rows
    assert before.score == 0 and row.evidence is None
    assert [item.credential_id for item in row.uncounted] == [credential.id]
    assert "verifiable credential in place of the issuer page" in before.suggestions[0].text

    admin = build_user(acme, "admin@acme.example", role=Role.ADMIN)
    assert role_service.set_issuer_pages(acme, admin, True)
    after = ranking_service.ranking_for(role).scores[0]
    (row,) = after.rows
    assert row.evidence is not None and row.evidence.credential_id == credential.id
    assert row.factors is not None and row.factors.verified == ISSUER_PAGE_FACTOR
    assert after.score == pytest.approx(100 * ISSUER_PAGE_FACTOR * 0.7)  # unknown issuer tier
    assert row.uncounted == ()
    entry = AuditEntry.select().where(AuditEntry.action == "ranking.issuer_pages_set").get()
    assert entry.actor_id == admin.id and entry.detail == "counted at 50%"

    assert not role_service.set_issuer_pages(acme, admin, True)  # unchanged: not audited again
    assert AuditEntry.select().where(AuditEntry.action == "ranking.issuer_pages_set").count() == 1


def test_a_mismatched_page_never_counts_even_with_the_policy_on(
    coursera: ProviderHosts, acme: Organization, job_settings: Settings
) -> None:
    coursera.route("www.coursera.org", PATH, body=pages.coursera("Grace Hopper"), headers=HTML)
    _page_credential(acme, "Ada Lovelace", job_settings)
    role = build_role(acme, "ML engineer", required=[skill("machine learning")])
    admin = build_user(acme, "admin@acme.example", role=Role.ADMIN)
    role_service.set_issuer_pages(acme, admin, True)
    score = ranking_service.ranking_for(role).scores[0]
    assert score.score == 0 and score.rows[0].uncounted == ()
    assert [flag.verdict for flag in score.red_flags] == ["recipient_mismatch"]


def test_renaming_the_candidate_rechecks_the_page_against_the_new_name(
    coursera: ProviderHosts, acme: Organization, job_settings: Settings
) -> None:
    coursera.route("www.coursera.org", PATH, body=pages.coursera("Ada Lovelace"), headers=HTML)
    credential = _page_credential(acme, "Ada Byron", job_settings)
    assert credential.verdict == "recipient_mismatch"
    candidate = credential.candidate
    candidate_service.update(candidate, "Ada Lovelace", [], "")
    from app.services.verification import recheck_recipients

    recheck_recipients(candidate)
    assert worker.drain(job_settings) == 1
    assert Credential.get_by_id(credential.id).verdict == "unsupported"


def test_the_candidate_list_tally_counts_issuer_pages_on_every_backend(
    coursera: ProviderHosts, acme: Organization, job_settings: Settings
) -> None:
    coursera.route("www.coursera.org", PATH, body=pages.coursera("Ada Lovelace"), headers=HTML)
    credential = _page_credential(acme, "Ada Lovelace", job_settings)
    tallies = candidate_service.verdict_tallies([credential.candidate_id])
    assert tallies == {credential.candidate_id: [("issuer_page", 1)]}
