"""Recipient identities: plain or hashed (sha256/md5), salted or not, against several e-mails."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from app.verification.recipient import RecipientError, check_recipient
from app.verification.result import RecipientStatus

CORPUS = (Path(__file__).parents[2] / ".." / "shared" / "corpus").resolve()
EMAIL = "Jane.Doe@Example.com"


def hashed(value: str, salt: str = "", alg: str = "sha256") -> str:
    return f"{alg}${hashlib.new(alg, (value + salt).encode()).hexdigest()}"


def email(identity: str, **extra: Any) -> dict[str, Any]:
    return {"type": "email", "identity": identity, **extra}


@pytest.mark.parametrize(
    ("recipient", "emails", "status"),
    [
        pytest.param(
            email("jane.doe@example.com", hashed=False),
            [EMAIL],
            RecipientStatus.MATCHED,
            id="plain-case",
        ),
        pytest.param(
            email("jane.doe@example.com"),
            ["  jane.doe@example.com "],
            RecipientStatus.MATCHED,
            id="trimmed",
        ),
        pytest.param(
            email(hashed("jane.doe@example.com", "pepper"), hashed=True, salt="pepper"),
            [EMAIL],
            RecipientStatus.MATCHED,
            id="sha256-salted",
        ),
        pytest.param(
            email(hashed("jane.doe@example.com"), hashed=True),
            [EMAIL],
            RecipientStatus.MATCHED,
            id="sha256-unsalted",
        ),
        pytest.param(
            email(hashed("jane.doe@example.com", "s", "md5"), hashed=True, salt="s"),
            [EMAIL],
            RecipientStatus.MATCHED,
            id="md5-salted",
        ),
        pytest.param(
            email(
                hashed("jane.doe@example.com").upper().replace("SHA256$", "sha256$"), hashed=True
            ),
            [EMAIL],
            RecipientStatus.MATCHED,
            id="uppercase-hex",
        ),
        pytest.param(
            email(
                hashed("jane.doe@example.com", "s").replace("sha256", "SHA256"),
                hashed=True,
                salt="s",
            ),
            [EMAIL],
            RecipientStatus.MATCHED,
            id="uppercase-algorithm",
        ),
        pytest.param(
            email(hashed("jane.doe@example.com", "s"), hashed=True, salt="s"),
            ["old@example.com", EMAIL],
            RecipientStatus.MATCHED,
            id="second-of-several",
        ),
        pytest.param(
            email(hashed("someone@example.com", "s"), hashed=True, salt="s"),
            [EMAIL],
            RecipientStatus.MISMATCH,
            id="hashed-mismatch",
        ),
        pytest.param(
            email(hashed("jane.doe@example.com", "s"), hashed=True, salt="other"),
            [EMAIL],
            RecipientStatus.MISMATCH,
            id="wrong-salt",
        ),
        pytest.param(
            email("someone@example.com"), [EMAIL], RecipientStatus.MISMATCH, id="plain-mismatch"
        ),
        pytest.param(
            {"type": "url", "identity": "https://jane.example"},
            [EMAIL],
            RecipientStatus.NOT_CHECKABLE,
            id="url",
        ),
        pytest.param(
            {"type": "telephone", "identity": "+15551234567"},
            [EMAIL],
            RecipientStatus.NOT_CHECKABLE,
            id="telephone",
        ),
        pytest.param(
            {"type": "id", "identity": "did:example:123"},
            [EMAIL],
            RecipientStatus.NOT_CHECKABLE,
            id="did",
        ),
        pytest.param(email("jane.doe@example.com"), [], RecipientStatus.SKIPPED, id="no-emails"),
        pytest.param(
            "jane.doe@example.com", [EMAIL], RecipientStatus.MATCHED, id="ob05-plain-string"
        ),
    ],
)
def test_recipient_outcomes(recipient: Any, emails: list[str], status: RecipientStatus) -> None:
    assert check_recipient(recipient, emails).status is status


def test_matched_outcome_says_which_address() -> None:
    outcome = check_recipient(email(hashed("b@example.com")), ["a@example.com", "b@example.com"])
    assert outcome.matched == "b@example.com"
    assert "b@example.com" in outcome.detail


def test_ob05_hashed_string_uses_the_top_level_salt() -> None:
    outcome = check_recipient(hashed("a@example.com", "sel"), ["a@example.com"], salt="sel")
    assert outcome.status is RecipientStatus.MATCHED


@pytest.mark.parametrize(
    "recipient",
    [
        pytest.param(None, id="missing"),
        pytest.param({"type": "email"}, id="no-identity"),
        pytest.param(email("bcrypt$abc", hashed=True), id="unknown-hash"),
        pytest.param(email("sha256$zzé", hashed=True), id="non-ascii-digest"),
        pytest.param(["a@example.com"], id="a-list"),
    ],
)
def test_malformed_recipient_is_an_error(recipient: Any) -> None:
    with pytest.raises(RecipientError):
        check_recipient(recipient, ["a@example.com"])


def _corpus_vectors() -> list[Any]:
    path = CORPUS / "expected.json"
    if not path.is_file():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"corpus not found at {path}"))]
    vectors = json.loads(path.read_text())["recipient_vectors"]
    return [
        pytest.param(v, id=v["plaintext"]) for v in vectors if v["type"].lower().startswith("email")
    ]


@pytest.mark.corpus
@pytest.mark.parametrize("vector", _corpus_vectors())
def test_corpus_recipient_vectors(vector: dict[str, Any]) -> None:
    hashed_flag = vector.get("hashed", True)
    recipient = {"type": vector["type"], "identity": vector["identity"], "hashed": hashed_flag}
    if "salt" in vector and hashed_flag:
        recipient["salt"] = vector["salt"]
    assert check_recipient(recipient, [vector["plaintext"]]).status is RecipientStatus.MATCHED
    assert check_recipient(recipient, ["other@example.com"]).status is RecipientStatus.MISMATCH
