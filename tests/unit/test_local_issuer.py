"""LocalIssuer (tests/support/test_issuer.py) speaks HTTP caching as the verifier expects."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.test_issuer import Case, LocalIssuer


def get(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.get(url, headers=headers, trust_env=False)  # never through a proxy


@pytest.fixture(scope="module")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer(max_age=60) as running:
        yield running


def test_documents_carry_validators_and_a_lifetime(issuer: LocalIssuer) -> None:
    response = get(issuer.kit.badge_id)
    assert response.status_code == 200
    assert response.headers["etag"]
    assert response.headers["last-modified"]
    assert response.headers["cache-control"] == "max-age=60"


@pytest.mark.parametrize("validator", ["etag", "last-modified"])
def test_a_conditional_request_for_an_unchanged_document_gets_304(
    issuer: LocalIssuer, validator: str
) -> None:
    first = get(issuer.kit.issuer_id)
    header = {"etag": "if-none-match", "last-modified": "if-modified-since"}[validator]
    again = get(issuer.kit.issuer_id, headers={header: first.headers[validator]})
    assert (again.status_code, again.content) == (304, b"")


def test_revoking_a_hosted_badge_changes_its_document_and_validators(issuer: LocalIssuer) -> None:
    badge = issuer.hosted("h-revoke")
    first = get(badge.url)
    issuer.revoke("h-revoke", "Plagiarism")
    again = get(badge.url, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 200
    assert again.json()["revoked"] is True
    assert again.json()["revocationReason"] == "Plagiarism"
    assert again.headers["last-modified"] != first.headers["last-modified"]


def test_revoking_a_signed_badge_lists_it(issuer: LocalIssuer) -> None:
    badge = issuer.signed("s-revoke")
    issuer.revoke("s-revoke", "Plagiarism")
    listed = get(issuer.kit.revocation_list_id).json()["revokedAssertions"]
    assert {"id": badge.id, "revocationReason": "Plagiarism"} in listed


@pytest.mark.parametrize(
    ("case", "status"),
    [
        pytest.param(Case.GONE, 410, id="gone"),
        pytest.param(Case.NOT_FOUND, 404, id="not-found"),
        pytest.param(Case.UNAVAILABLE, 503, id="unavailable"),
        pytest.param(Case.VALID, 200, id="valid"),
    ],
)
def test_badge_cases_answer_with_their_status(issuer: LocalIssuer, case: Case, status: int) -> None:
    assert get(issuer.signed(f"status-{case}", case).url).status_code == status


def test_set_status_changes_the_answer_from_now_on(issuer: LocalIssuer) -> None:
    badge = issuer.hosted("flaky")
    issuer.set_status("flaky", 503)
    assert get(badge.url).status_code == 503
    issuer.set_status("flaky", 200)
    assert get(badge.url).status_code == 200


def test_a_case_that_does_not_fit_the_kind_is_refused(issuer: LocalIssuer) -> None:
    with pytest.raises(ValueError, match="not a hosted-badge case"):
        issuer.hosted("x", Case.TAMPERED)
