"""JSON Schema checks: bundled schemas, offline validation, plain-words details, manifest."""

from __future__ import annotations

import copy
import hashlib
import json
import socket
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft201909Validator
from referencing.exceptions import Unresolvable

from app.verification import schemas
from app.verification.ob3 import schema as schema_check
from app.verification.ob3 import verify_vc
from app.verification.result import Check, Outcome, Verdict, VerificationResult
from tests.support.ob3_builders import IssuerKit, build_credential
from tests.support.ob3_fakes import FakeFetcher

SCHEMAS_DIR = Path(schemas.__file__).parent
MANIFEST = json.loads((SCHEMAS_DIR / "manifest.json").read_text(encoding="utf-8"))["schemas"]
CORPUS = (Path(__file__).parents[2] / ".." / "shared" / "corpus").resolve()
NO_CORPUS = "../shared/corpus is absent: corpus comparisons skipped"
ANNOTATIONS = {"title", "description", "$comment"}

OB3 = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
ENDORSEMENT = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
)
NOW = datetime(2025, 6, 1, tzinfo=UTC)
KIT = IssuerKit.did_key(seed=11)


def _declaring(*entries: Any, version: int = 1) -> dict[str, Any]:
    credential = build_credential(KIT, version=version, extra={"credentialSchema": list(entries)})
    # The OB extensions context defines 1EdTechJsonSchemaValidator2019 for JSON-LD.
    credential["@context"].append(OB_EXTENSIONS)
    return credential


def _ob3(kind: str = "1EdTechJsonSchemaValidator2019") -> dict[str, str]:
    return {"id": OB3, "type": kind}


def _verify(credential: Mapping[str, Any] | str) -> VerificationResult:
    return verify_vc(credential, target="test", fetcher=FakeFetcher(), now=NOW)


def _schema_checks(result: VerificationResult) -> list[Check]:
    return [c for c in result.checks if c.id == "schema"]


def _without(credential: dict[str, Any], *path: str) -> dict[str, Any]:
    changed = copy.deepcopy(credential)
    node = changed
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return changed


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a JSON Schema was fetched over the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


# -- verify_vc ---------------------------------------------------------------------------------


def test_a_credential_matching_its_declared_schema_passes(offline: None) -> None:
    result = _verify(KIT.sign(_declaring(_ob3())))

    assert result.verdict is Verdict.VERIFIED
    [check] = _schema_checks(result)
    assert check.outcome is Outcome.PASS
    assert check.detail == "matches the Open Badges 3.0 achievement credential schema"


def test_the_vc_2_json_schema_type_also_means_json_schema_validation() -> None:
    credential = _without(_declaring(_ob3("JsonSchema")), "credentialSubject", "achievement")

    assert [c.outcome for c in schema_check.check_schemas(_declaring(_ob3("JsonSchema")))] == [
        Outcome.PASS
    ]
    assert [c.verdict for c in schema_check.check_schemas(credential)] == [Verdict.INVALID]


def test_a_vc_jwt_is_validated_as_its_credential_object(offline: None) -> None:
    token = KIT.sign_jwt(_without(_declaring(_ob3()), "credentialSubject", "achievement", "name"))

    result = _verify(token)

    assert result.verdict is Verdict.INVALID
    [check] = _schema_checks(result)
    assert check.detail.endswith("credentialSubject.achievement is missing 'name'")


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        pytest.param(
            ("credentialSubject", "achievement", "criteria"),
            "credentialSubject.achievement is missing 'criteria'",
            id="achievement-criteria",
        ),
        pytest.param(("issuanceDate",), "the credential is missing 'issuanceDate'", id="date"),
        pytest.param(("issuer", "type"), "issuer is missing 'type'", id="issuer-type"),
    ],
)
def test_a_credential_missing_a_required_field_is_invalid(
    path: tuple[str, ...], detail: str, offline: None
) -> None:
    credential = _without(_declaring(_ob3()), *path)

    result = _verify(KIT.sign(credential))

    assert result.verdict is Verdict.INVALID
    [check] = _schema_checks(result)
    assert check.outcome is Outcome.FAIL and check.verdict is Verdict.INVALID
    assert check.detail == (
        f"does not match the Open Badges 3.0 achievement credential schema: {detail}"
    )


def test_a_wrong_kind_of_value_is_named_in_plain_words(offline: None) -> None:
    credential = _declaring(_ob3())
    credential["credentialSubject"]["achievement"]["image"] = "https://issuer.example/b.png"

    [check] = _schema_checks(_verify(KIT.sign(credential)))

    assert check.detail.endswith("credentialSubject.achievement.image should be an object")


def test_a_credential_without_a_declared_schema_gets_no_schema_failure() -> None:
    result = _verify(KIT.sign(build_credential(KIT, version=1)))

    assert result.verdict is Verdict.VERIFIED
    assert [c.outcome for c in _schema_checks(result)] == [Outcome.SKIP]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        pytest.param(
            {"id": "https://schemas.example/degree.json", "type": "1EdTechJsonSchemaValidator2019"},
            "declares a JSON Schema Skillproof does not have: https://schemas.example/degree.json",
            id="unknown-url",
        ),
        pytest.param(
            {"id": ENDORSEMENT, "type": "1EdTechJsonSchemaValidator2019"},
            f"declares a JSON Schema Skillproof does not have: {ENDORSEMENT}",
            id="published-but-not-bundled",
        ),
        pytest.param(
            {"id": OB3, "type": "JsonSchemaValidator2018"},
            "declares a schema of a kind Skillproof does not check (JsonSchemaValidator2018)",
            id="other-validator-type",
        ),
        pytest.param(
            {"type": "1EdTechJsonSchemaValidator2019"},
            "declares a JSON Schema without a usable address",
            id="no-id",
        ),
        pytest.param("https://schemas.example/x.json", "without a usable address", id="bare-url"),
    ],
)
def test_a_schema_skillproof_cannot_apply_is_a_warning(
    entry: Any, expected: str, offline: None
) -> None:
    result = _verify(KIT.sign(_declaring(entry)))

    assert result.verdict is Verdict.VERIFIED
    [check] = _schema_checks(result)
    assert check.outcome is Outcome.WARN
    assert expected in check.detail


def test_a_vc_2_credential_is_not_judged_by_the_vc_1_1_edition(offline: None) -> None:
    # The VC 1.1 edition requires issuanceDate, which a VC 2.0 credential rightly lacks.
    result = _verify(KIT.sign(_declaring(_ob3(), version=2)))

    assert result.verdict is Verdict.VERIFIED
    [check] = _schema_checks(result)
    assert check.outcome is Outcome.WARN
    assert "VC Data Model 1.1 only" in check.detail and OB3 in check.detail


def test_every_declared_schema_gets_its_own_check(offline: None) -> None:
    unknown = {
        "id": "https://state.example/schema/endorsement.json",
        "type": "1EdTechJsonSchemaValidator2019",
    }

    result = _verify(KIT.sign(_declaring(_ob3(), unknown)))

    assert [c.outcome for c in _schema_checks(result)] == [Outcome.PASS, Outcome.WARN]
    assert result.verdict is Verdict.VERIFIED


def test_declared_schemas_are_capped() -> None:
    entries = [{"id": f"https://schemas.example/{i}.json", "type": "JsonSchema"} for i in range(9)]

    checks = schema_check.check_schemas(_declaring(*entries))

    assert len(checks) == schema_check.MAX_DECLARED


def test_a_pathologically_nested_credential_is_invalid_not_a_crash() -> None:
    credential = _declaring(_ob3())
    node = credential["issuer"]
    for _ in range(3000):
        node["parentOrg"] = {"id": "https://issuer.example/", "type": ["Profile"]}
        node = node["parentOrg"]

    [check] = schema_check.check_schemas(credential)

    assert check.outcome is Outcome.FAIL and check.verdict is Verdict.INVALID
    assert "too deeply nested" in check.detail


# -- offline references ------------------------------------------------------------------------


class _OneSchema:
    """A stand-in for the bundled schemas: one schema that points outside the bundle."""

    url = "https://schemas.example/outside.json"
    meta = {"title": "test schema", "vc_contexts": [build_credential(KIT)["@context"][0]]}
    document = {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": url,
        "$ref": "https://elsewhere.example/part.json",
    }

    def manifest(self) -> Mapping[str, Mapping[str, Any]]:
        return {self.url: self.meta}

    def known_schema_urls(self) -> frozenset[str]:
        return frozenset({self.url})

    def load_schema(self, url: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.document) if url == self.url else None


@pytest.fixture
def outside_reference(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(schema_check, "schemas", _OneSchema())
    schema_check._validator.cache_clear()
    schema_check._registry.cache_clear()
    yield _OneSchema.url
    schema_check._validator.cache_clear()
    schema_check._registry.cache_clear()


def test_a_reference_outside_the_bundle_is_a_warning_never_a_fetch(
    outside_reference: str, offline: None
) -> None:
    credential = build_credential(
        KIT, extra={"credentialSchema": {"id": outside_reference, "type": "JsonSchema"}}
    )

    [check] = schema_check.check_schemas(credential)

    assert check.outcome is Outcome.WARN
    assert check.detail == (
        "its test schema refers to a part Skillproof does not have: "
        "https://elsewhere.example/part.json"
    )


def test_the_registry_holds_only_bundled_schemas(offline: None) -> None:
    resolver = schema_check._registry().resolver()

    assert resolver.lookup(OB3).contents["$id"] == OB3
    with pytest.raises(Unresolvable):
        resolver.lookup("https://elsewhere.example/part.json")


def test_validators_are_compiled_once() -> None:
    assert schema_check._validator(OB3) is schema_check._validator(OB3)


# -- manifest ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", sorted(MANIFEST))
def test_manifest_sha256_matches_the_bundled_file(url: str) -> None:
    path = SCHEMAS_DIR / MANIFEST[url]["file"]
    assert path.is_file(), f"{url}: manifest names missing file {path.name}"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == MANIFEST[url]["sha256"]


def test_every_bundled_file_is_in_the_manifest() -> None:
    on_disk = {path.name for path in SCHEMAS_DIR.glob("*.json")} - {"manifest.json"}
    assert on_disk == {entry["file"] for entry in MANIFEST.values()}


@pytest.mark.parametrize("url", sorted(MANIFEST))
def test_manifest_names_a_source_licence_and_edition(url: str) -> None:
    entry = MANIFEST[url]
    source = entry["source"]
    from_package = {"registry", "package", "version"} <= source.keys()
    from_specification = str(source.get("specification", "")).startswith("https://")
    assert from_package or from_specification, f"{url}: no registry package or specification"
    assert entry["licence"].strip() and entry["title"].strip()
    assert entry["vc_contexts"], f"{url}: no VC context says which credentials it judges"


@pytest.mark.parametrize("url", sorted(MANIFEST))
def test_each_bundled_schema_is_a_valid_2019_09_schema_named_by_its_url(url: str) -> None:
    document = schemas.load_schema(url)
    assert document is not None and document["$id"] == url
    assert document["$schema"].startswith("https://json-schema.org/draft/2019-09/schema")
    Draft201909Validator.check_schema(document)


def test_load_schema_answers_only_exact_urls() -> None:
    assert schemas.load_schema(OB3 + "#") is None
    assert schemas.load_schema(OB3.replace("https:", "http:")) is None
    assert schemas.known_schema_urls() == frozenset(MANIFEST)


# -- agreement with ../shared/corpus -----------------------------------------------------------


def _validation_keywords(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _validation_keywords(v) for k, v in value.items() if k not in ANNOTATIONS}
    if isinstance(value, list):
        return [_validation_keywords(item) for item in value]
    return value


def _corpus_schemas() -> dict[str, Any]:
    found = {}
    for path in sorted((CORPUS / "schemas").rglob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(document, dict) and isinstance(document.get("$id"), str):
            found[document["$id"]] = document
    return found


@pytest.mark.corpus
@pytest.mark.parametrize("url", sorted(MANIFEST))
def test_bundled_schema_equals_the_corpus_copy_of_the_same_document(url: str) -> None:
    if not CORPUS.is_dir():
        pytest.skip(NO_CORPUS)
    corpus_copy = _corpus_schemas().get(url)
    if corpus_copy is None:
        pytest.skip(f"the corpus holds no copy whose $id is {url}")
    assert schemas.load_schema(url) == _validation_keywords(corpus_copy)


VC_1_1_SAMPLES = [
    "1edtech-dc-validator/ob30/simple_v1.json",
    "1edtech-dc-validator/ob30/simple-eddsa-2022.json",
    "1edtech-dc-validator/ob30/credential-status-revoked.json",
    "dcc-verifier-core/v1/v1OBv3SpecExample.json",
]


@pytest.mark.corpus
@pytest.mark.parametrize("relative", VC_1_1_SAMPLES)
def test_published_vc_1_1_samples_match_the_bundled_edition(relative: str) -> None:
    if not CORPUS.is_dir():
        pytest.skip(NO_CORPUS)
    credential = json.loads((CORPUS / relative).read_text(encoding="utf-8"))
    credential["credentialSchema"] = _ob3()

    [check] = schema_check.check_schemas(credential)

    assert check.outcome is Outcome.PASS, check.detail
