"""README's "Supported" table and "Not supported" lines say what the code does, row by row."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.verification import jws
from app.verification.baked import OB2_KEYWORD, OB3_KEYWORD
from app.verification.issuer_pages import ASSURANCE_LABEL, HOSTS
from app.verification.ob3 import vcjwt, verify_vc
from app.verification.ob3.dids import DID_METHODS
from app.verification.ob3.errors import Failure
from app.verification.ob3.proofs import LEGACY_SUITES, SUITES, suite_of
from app.verification.ob3.status import LIST_TYPES
from app.verification.recipient import _HASHES
from app.verification.result import Verdict
from tests.support.ob3_fakes import FakeFetcher

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = README.read_text(encoding="utf-8").split("### Supported", 1)[1].split("###", 1)[0]
ROWS = {
    cells[0]: cells[1]
    for line in SECTION.splitlines()
    if line.startswith("| ") and not line.startswith(("| kind", "|---"))
    for cells in [[c.strip() for c in line.strip("|").split(" | ")]]
}
NOT_SUPPORTED = SECTION.split("Not supported", 1)[1]
ALG = re.compile(r"^(EdDSA|Ed\d+|[RPEH]S\d+K?)$")


def _ticked(text: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", text))


def _algs(text: str) -> set[str]:
    return {t for t in _ticked(text) if ALG.match(t)}


def test_the_table_has_exactly_the_rows_this_test_checks() -> None:
    assert list(ROWS) == [
        "Open Badges 2.0 hosted",
        "Open Badges 2.0 signed",
        "Open Badges 1.0/1.1 hosted",
        "Open Badges 3.0, CLR 2.0, W3C VC 1.1/2.0",
        "baked images",
        "recipients",
        "issuer certificate pages",
    ]


def test_ob2_signed_row_lists_exactly_the_jws_algorithms_accepted() -> None:
    assert _algs(ROWS["Open Badges 2.0 signed"]) == set(jws.ALLOWED_ALGS)
    assert not set(jws.ALLOWED_ALGS) & jws.REFUSED_ALGS


def test_ob3_row_lists_exactly_the_vc_jwt_algorithms_accepted() -> None:
    row = ROWS["Open Badges 3.0, CLR 2.0, W3C VC 1.1/2.0"]
    jwt_part = row.split("VC-JWT", 1)[1].split("(both", 1)[0]
    assert _algs(jwt_part) == set(vcjwt.ALGORITHMS)


def test_ob3_row_lists_exactly_the_proof_suites_verified() -> None:
    row = ROWS["Open Badges 3.0, CLR 2.0, W3C VC 1.1/2.0"]
    suites = row.split("Data Integrity", 1)[1].split("(every proof", 1)[0]
    # eddsa-2022 is only the draft name of eddsa-rdfc-2022, read with a warning
    assert _ticked(suites) == (set(SUITES) - {"eddsa-2022"}) | set(LEGACY_SUITES)


def test_ob3_row_lists_exactly_the_did_methods_and_status_methods() -> None:
    ticked = _ticked(ROWS["Open Badges 3.0, CLR 2.0, W3C VC 1.1/2.0"])
    assert {t for t in ticked if t.startswith("did:")} == set(DID_METHODS)
    statuses = {t for t in ticked if t.endswith(("StatusList", "StatusList2021", "List"))}
    assert statuses == {*LIST_TYPES.values(), "1EdTechRevocationList"}


def test_baked_images_row_lists_the_keywords_read() -> None:
    assert {OB2_KEYWORD, OB3_KEYWORD} <= _ticked(ROWS["baked images"])


def test_recipients_row_lists_the_hashes_compared() -> None:
    hashes = {t.rstrip("$") for t in _ticked(ROWS["recipients"]) if t.endswith("$")}
    assert hashes == set(_HASHES)


SD_SUITES = NOT_SUPPORTED.split("selective-disclosure suites (", 1)[1].split(")", 1)[0]


@pytest.mark.parametrize("suite", sorted(_ticked(SD_SUITES)))
def test_a_suite_the_readme_calls_unsupported_is_unsupported_and_named(suite: str) -> None:
    with pytest.raises(Failure) as raised:
        suite_of({"type": "DataIntegrityProof", "cryptosuite": suite})
    assert raised.value.verdict is Verdict.UNSUPPORTED
    assert suite in raised.value.detail


def test_presentations_the_readme_calls_unsupported_are_unsupported() -> None:
    assert "Verifiable Presentations" in NOT_SUPPORTED
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
    }
    result = verify_vc(
        presentation, target="vp", fetcher=FakeFetcher(), now=datetime(2025, 1, 1, tzinfo=UTC)
    )
    assert result.verdict is Verdict.UNSUPPORTED


def test_the_not_a_credential_promise_is_the_verifiers_words() -> None:
    from app.verification.verify import NOT_A_CREDENTIAL

    assert f'"{NOT_A_CREDENTIAL}"' in " ".join(NOT_SUPPORTED.split())


def test_issuer_pages_row_lists_exactly_the_hosts_recognised_and_their_label() -> None:
    row = ROWS["issuer certificate pages"]
    assert _ticked(row) - {"verified", "unsupported", "recipient_mismatch"} == set(HOSTS)
    assert f'"{ASSURANCE_LABEL}"' in row
