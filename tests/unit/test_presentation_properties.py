"""Whatever a wallet (or an attacker) sends, checking a presentation ends in a holder proof or a
refusal in plain words, never another exception; and no change to a signed presentation keeps it
accepted unless the change is outside what was signed (or, in JSON-LD, means the same: a one-item
array and its single item sign the same canonical form)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.verification.ob3.presentation import (
    Challenge,
    Refused,
    check_presentation,
    presentation_from,
    read_presentation,
)
from tests.support.ob3_fakes import FakeFetcher
from tests.support.wallet import Wallet, badge_for

NOW = datetime(2025, 7, 1, tzinfo=UTC)
OURS = Challenge("bm9uY2U", "skillproof.test")
WALLET = Wallet.did_key(seed=61)
SIGNED = WALLET.present([badge_for(WALLET.did)], challenge=OURS.nonce, domain=OURS.domain)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(
        [
            "VerifiablePresentation",
            "DataIntegrityProof",
            "authentication",
            WALLET.did,
            OURS.nonce,
            OURS.domain,
            "https://www.w3.org/ns/credentials/v2",
            "a.b.c",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "@context",
                    "type",
                    "holder",
                    "proof",
                    "verifiableCredential",
                    "challenge",
                    "domain",
                    "verificationMethod",
                    "proofValue",
                    "cryptosuite",
                    "created",
                    "id",
                    "vp",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=25,
)


def _outcome(value: Any) -> str:
    try:
        presentation = presentation_from(value)
        check_presentation(presentation, OURS, fetcher=FakeFetcher(), now=NOW)
    except Refused as refused:
        assert refused.reason and refused.kind in {"invalid", "unsupported", "unreachable"}
        return "refused"
    return "accepted"


@settings(max_examples=300, deadline=None)
@given(value=json_values)
def test_any_json_value_is_refused_in_words_or_accepted_never_a_crash(value: Any) -> None:
    assert _outcome(value) == "refused"  # nothing unsigned by the holder can be accepted


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_pasted_bytes_are_read_or_refused_in_words(data: bytes) -> None:
    try:
        read_presentation(data)
    except Refused as refused:
        assert refused.reason


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(SIGNED)


@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(PATHS), replacement=scalars)
@example(path=("type",), replacement="VerifiablePresentation")  # CI found it: JSON-LD-equivalent
def test_changing_any_part_of_a_signed_presentation_is_refused(
    path: tuple[Any, ...], replacement: Any
) -> None:
    changed = copy.deepcopy(SIGNED)
    node = changed
    for step in path[:-1]:
        node = node[step]
    if node[path[-1]] in (replacement, [replacement]):
        return  # the same value, or its JSON-LD equivalent: a one-item array is its single item
    node[path[-1]] = replacement

    assert _outcome(changed) == "refused", path


def test_a_one_item_type_array_written_as_its_item_still_verifies() -> None:
    # JSON-LD reads ["VerifiablePresentation"] and "VerifiablePresentation" alike, so the canonical
    # form the holder signed is unchanged and refusing it would refuse a valid wallet's output.
    changed = copy.deepcopy(SIGNED)
    assert changed["type"] == ["VerifiablePresentation"]
    changed["type"] = "VerifiablePresentation"
    assert _outcome(changed) == "accepted"
