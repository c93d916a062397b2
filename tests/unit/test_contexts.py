"""Bundled JSON-LD contexts: manifest integrity, offline loader, agreement with the corpus."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from app.verification import contexts
from app.verification.contexts import (
    UnknownContext,
    document_loader,
    known_context_urls,
    load_context,
    unknown_context_in,
)

CONTEXTS_DIR = Path(contexts.__file__).parent
MANIFEST = json.loads((CONTEXTS_DIR / "manifest.json").read_text(encoding="utf-8"))["contexts"]
CORPUS = (Path(__file__).parents[2] / ".." / "shared" / "corpus").resolve()
URL_MAP = CORPUS / "contexts" / "context-url-map.json"
NO_CORPUS = "../shared/corpus is absent: corpus comparisons skipped"

REQUIRED_URLS = [
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/v2",
    "https://w3id.org/openbadges/v1",
    "https://w3id.org/openbadges/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://www.w3.org/ns/did/v1",
]

# Context URLs that corpus credentials with a verdict use but that are deliberately not bundled.
KNOWN_GAPS = {
    "https://raw.githubusercontent.com/educredentials/obv3-examples/refs/heads/main/"
    "contexts/educredential.json": "edubadges context: no licence, internal test use only",
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json": (
        "no registry package or public text of the copy signatures expect"
    ),
    "https://dc.imsglobal.org/draft/clr/v2p0/context": "CLR draft, never published as final",
    "https://imsglobal.github.io/openbadges-specification/context.json": "OB 3.0 pre-release",
    "https://www.w3.org/2018/credentials/examples/v2": "not a published W3C context",
    "https://w3id.org/citizenship/v4rc1": "no registry package found for it",
    "https://lib.velocitynetwork.foundation/contexts/"
    "credential-extensions-2022.jsonld.json": "vendor context",
    "http://schema.hropenstandards.org/4.5/recruiting/json/"
    "VerifiableCredentialLER-RSType.json": "LER-RS, out of scope",
    "http://schema.hropenstandards.org/4.5/recruiting/json/ler-rs/"
    "ProvisionalVerifiableCredentialEducationAndLearningType.json": "LER-RS, out of scope",
    "https://w3id.org/openbadges/invalid": "deliberately invalid in its test",
    "https ://not-a-url/contexts/example/v1": "deliberately invalid in its test",
}


def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a JSON-LD context was fetched over the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def _corpus_json(relative: str) -> Any:
    return json.loads((CORPUS / relative).read_text(encoding="utf-8"))


def _canonical(document: Any) -> str:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader,
    }
    nquads: str = jsonld.normalize(document, options)
    return nquads


# -- manifest -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", sorted(MANIFEST))
def test_manifest_sha256_matches_the_bundled_file(url: str) -> None:
    path = CONTEXTS_DIR / MANIFEST[url]["file"]
    assert path.is_file(), f"{url}: manifest names missing file {path.name}"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == MANIFEST[url]["sha256"]


def test_every_bundled_file_is_in_the_manifest() -> None:
    on_disk = {path.name for path in CONTEXTS_DIR.glob("*.json")} - {"manifest.json"}
    assert on_disk == {entry["file"] for entry in MANIFEST.values()}


@pytest.mark.parametrize("url", sorted(MANIFEST))
def test_manifest_names_a_source_and_a_licence(url: str) -> None:
    entry = MANIFEST[url]
    source = entry["source"]
    from_package = {"registry", "package", "version"} <= source.keys()
    from_specification = str(source.get("specification", "")).startswith("https://")
    assert from_package or from_specification, f"{url}: no registry package or specification"
    if from_package:
        assert source["registry"] in {"npm", "pypi"}
    assert entry["licence"].strip()


@pytest.mark.parametrize("url", REQUIRED_URLS)
def test_contexts_the_verifier_needs_are_bundled(url: str) -> None:
    assert url in known_context_urls()


def test_known_context_urls_are_the_manifest_urls() -> None:
    assert known_context_urls() == frozenset(MANIFEST)


# -- loader ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", sorted(MANIFEST))
def test_load_context_returns_the_bundled_document(url: str) -> None:
    on_disk = json.loads((CONTEXTS_DIR / MANIFEST[url]["file"]).read_text(encoding="utf-8"))
    assert load_context(url) == on_disk
    assert "@context" in on_disk


def test_callers_cannot_change_the_cached_context() -> None:
    url = "https://www.w3.org/ns/credentials/v2"
    load_context(url)["@context"]["id"] = "tampered"
    document_loader(url)["document"]["@context"].clear()
    assert load_context(url)["@context"]["id"] == "@id"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://www.w3.org/2018/credentials/v1", id="http-instead-of-https"),
        pytest.param("https://www.w3.org/2018/credentials/v1/", id="trailing-slash"),
        pytest.param("https://w3id.org/openbadges/v2#", id="empty-fragment"),
        pytest.param("HTTPS://W3ID.ORG/openbadges/v2", id="upper-case-host"),
        pytest.param(" https://w3id.org/openbadges/v2", id="leading-space"),
        pytest.param("https://w3id.org/openbadges/invalid", id="unpublished"),
        pytest.param("", id="empty"),
    ],
)
def test_only_exact_urls_resolve(url: str) -> None:
    with pytest.raises(UnknownContext) as raised:
        load_context(url)
    assert raised.value.url == url


def test_document_loader_answers_in_the_shape_pyld_expects() -> None:
    url = "https://w3id.org/openbadges/v2"
    remote = document_loader(url, {"headers": {"Accept": "application/ld+json"}})
    assert remote["contextUrl"] is None
    assert remote["documentUrl"] == url
    assert remote["document"] == load_context(url)


def test_document_loader_refuses_unknown_urls_with_a_pyld_error() -> None:
    url = "https://evil.example/context.json"
    with pytest.raises(jsonld.JsonLdError) as raised:
        document_loader(url)
    assert raised.value.code == "loading document failed"
    found = unknown_context_in(raised.value)
    assert found is not None and found.url == url


def test_unknown_context_in_ignores_unrelated_errors() -> None:
    assert unknown_context_in(ValueError("something else")) is None


@pytest.mark.parametrize("url", sorted(MANIFEST))
def test_every_bundled_context_is_valid_json_ld(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _offline(monkeypatch)
    document = {"@context": url, "@id": "urn:example:1", "@type": "urn:example:Thing"}
    assert jsonld.expand(document, {"documentLoader": document_loader}) == [
        {"@id": "urn:example:1", "@type": ["urn:example:Thing"]}
    ]


def test_pyld_expands_an_open_badge_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    _offline(monkeypatch)
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://issuer.example/", "type": ["Profile"], "name": "Example"},
    }
    [expanded] = jsonld.expand(credential, {"documentLoader": document_loader})
    badge_type = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
    assert badge_type in expanded["@type"]


def test_pyld_reports_an_unbundled_context_by_url(monkeypatch: pytest.MonkeyPatch) -> None:
    _offline(monkeypatch)
    url = "https://contexts.example/never-bundled/v1"
    with pytest.raises(jsonld.JsonLdError) as raised:
        jsonld.expand({"@context": url, "name": "x"}, {"documentLoader": document_loader})
    assert raised.value.code == "loading remote context failed"
    found = unknown_context_in(raised.value)
    assert found is not None and found.url == url


# -- agreement with ../shared/corpus ----------------------------------------------------------


def _mapped_urls() -> list[Any]:
    if not URL_MAP.is_file():
        return [pytest.param("", id="no-corpus", marks=pytest.mark.skip(reason=NO_CORPUS))]
    mapped = json.loads(URL_MAP.read_text(encoding="utf-8"))["map"]
    return sorted(url for url in mapped if url in MANIFEST)


@pytest.mark.corpus
@pytest.mark.parametrize("url", _mapped_urls())
def test_bundled_copy_equals_the_copy_signatures_expect(url: str) -> None:
    preferred = json.loads(URL_MAP.read_text(encoding="utf-8"))["map"][url][0]
    assert load_context(url) == _corpus_json(preferred), f"{url} differs from {preferred}"


CANONICAL_VECTORS = [
    pytest.param(
        "ob3-spec/test-vector-ob/linked-data-proof-ob--credential.json",
        "ob3-spec/test-vectors/obv3p0/document-canon.txt",
        id="ob3-spec-credential",
    ),
    pytest.param(
        "ob3-spec/test-vector-clr/linked-data-proof-clr--credential.json",
        "ob3-spec/test-vectors/clrv2p0/document-canon.txt",
        id="clr2-spec-credential",
    ),
    pytest.param(
        "vc-test-vectors/vc-di-eddsa/unsigned.json",
        "vc-test-vectors/vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt",
        id="vc-di-eddsa-credential",
    ),
    pytest.param(
        "vc-test-vectors/vc-di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json",
        "vc-test-vectors/vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt",
        id="data-integrity-proof-config",
    ),
    pytest.param(
        "vc-test-vectors/vc-di-eddsa/Ed25519Signature2020/proofConfigEdSig.json",
        "vc-test-vectors/vc-di-eddsa/Ed25519Signature2020/proofCanonEdSig.txt",
        id="ed25519-signature-2020-proof-config",
    ),
]


@pytest.mark.corpus
@pytest.mark.parametrize(("document", "nquads"), CANONICAL_VECTORS)
def test_canonical_form_matches_the_published_vector(
    document: str, nquads: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not CORPUS.is_dir():
        pytest.skip(NO_CORPUS)
    _offline(monkeypatch)
    expected = (CORPUS / nquads).read_text(encoding="utf-8")
    assert _canonical(_corpus_json(document)) == expected


def _contexts_used(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                values = item if isinstance(item, list) else [item]
                yield from (context for context in values if isinstance(context, str))
            yield from _contexts_used(item)
    elif isinstance(value, list):
        for item in value:
            yield from _contexts_used(item)


def _parse_credential(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    parts = text.strip().split("~")[0].split(".")
    if len(parts) != 3:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return None


@pytest.mark.corpus
def test_every_context_a_corpus_credential_uses_is_bundled_or_a_known_gap() -> None:
    if not CORPUS.is_dir():
        pytest.skip(NO_CORPUS)
    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["files"]
    used: set[str] = set()
    for relative, entry in expected.items():
        path = CORPUS / relative
        if entry.get("verdict") and path.suffix in {".json", ".jsonld", ".jwt", ".txt"}:
            used.update(_contexts_used(_parse_credential(path.read_text(encoding="utf-8"))))
    assert used - known_context_urls() - set(KNOWN_GAPS) == set()
    assert set(KNOWN_GAPS) & known_context_urls() == set()
