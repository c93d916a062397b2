"""An issuer is shown and ranked as what the organisation's policy establishes, not its claim."""

from __future__ import annotations

import pytest

from app.ranking import Tier
from app.services.issuer_identity import NOT_ESTABLISHED, identity_of

DID_KEY = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def test_a_did_key_calling_itself_a_famous_name_is_shown_only_as_its_key() -> None:
    who = identity_of("Amazon Web Services", DID_KEY, Tier.UNKNOWN)
    assert who.label == "signed by did:key:z6MkhaXg…"
    assert "Amazon" not in who.label
    assert not who.established
    assert who.note == f'{NOT_ESTABLISHED}; calls itself "Amazon Web Services"'


@pytest.mark.parametrize(
    ("issuer_id", "label"),
    [
        pytest.param(
            "https://badges.example.org/issuer.json", "issued by badges.example.org", id="web"
        ),
        pytest.param("did:web:issuer.example", "signed by did:web:issuer.example", id="did-web"),
        pytest.param("did:jwk:eyJr", "signed by did:jwk:eyJr", id="short-did"),
        pytest.param("", "issuer not named", id="none"),
    ],
)
def test_an_unknown_issuer_is_labelled_by_what_binds_it(issuer_id: str, label: str) -> None:
    assert identity_of("Famous University", issuer_id, Tier.UNKNOWN).label == label


@pytest.mark.parametrize("tier", [Tier.TRUSTED, Tier.NEUTRAL, Tier.BLOCKED])
def test_an_issuer_the_policy_names_is_shown_by_its_name(tier: Tier) -> None:
    who = identity_of("Amazon Web Services", DID_KEY, tier)
    assert (who.label, who.established, who.note) == ("Amazon Web Services", True, "")


def test_a_policy_can_establish_an_identifier_never_a_bare_name() -> None:
    who = identity_of("Amazon Web Services", "", Tier.TRUSTED)
    assert (who.label, who.established) == ("issuer not named", False)
