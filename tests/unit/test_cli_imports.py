"""`skillproof verify` imports only what its targets need (issue 14): a real process, whose
modules are listed after the run, against a real issuer on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.ob2_builders import DEFAULT_EMAIL
from tests.support.ob3_builders import IssuerKit, build_credential
from tests.support.test_issuer import LocalIssuer, verifier_env

ROOT = Path(__file__).resolve().parents[2]
# Runs the command as its console script does, then lists the top-level packages it imported.
PROBE = """
import json, sys
from app.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules if name != "httpx._main"})),
      file=sys.stderr)
"""
# httpx._main is the stand-in app.verification puts in place of httpx's command line: not httpx.
NEVER = {"flask", "peewee", "apscheduler", "rich", "pygments", "requests", "click", "httpx"}
OB3_ONLY = {"pyld", "jsonschema", "lxml"}
NETWORK = {"http", "ssl", "certifi", "httpcore", "h11"}
# The verifier fetches with the standard library's http.client; httpcore (and h11, anyio) load
# only for webhooks, and certifi's CA bundle only with the first https connection.
WEBHOOK_ONLY = {"httpcore", "h11", "anyio", "certifi"}
# A checked address is connected to as it is: looking the literal up again would load the IDNA
# codec (and stringprep with it) for nothing.
RESOLVING = {"stringprep"}


def imported_by(*targets: str) -> tuple[set[str], list[dict[str, object]]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "verify", "--json", "--email", DEFAULT_EMAIL, *targets],
        capture_output=True,
        text=True,
        env=verifier_env(),
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    modules = set(json.loads(done.stderr.strip().splitlines()[-1]))
    return modules, [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


def test_an_ob2_hosted_badge_loads_no_ob3_stack_no_jws_library_and_no_web_stack(
    issuer: LocalIssuer,
) -> None:
    modules, results = imported_by(issuer.hosted("imports-hosted").url)
    assert [r["verdict"] for r in results] == ["verified"]
    assert modules & (NEVER | OB3_ONLY | WEBHOOK_ONLY | RESOLVING | {"jwcrypto"}) == set()


def test_an_ob2_signed_badge_loads_cryptography_but_not_jwcrypto_or_the_ob3_stack(
    issuer: LocalIssuer,
) -> None:
    modules, results = imported_by(issuer.signed("imports-signed").url)
    assert [r["verdict"] for r in results] == ["verified"]
    assert {"cryptography", "http"} <= modules
    assert modules & (NEVER | OB3_ONLY | WEBHOOK_ONLY | {"jwcrypto"}) == set()


def test_a_local_file_loads_no_network_stack_and_no_command_line_library(tmp_path: Path) -> None:
    badge = tmp_path / "badge.json"
    badge.write_text(
        json.dumps({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"})
    )
    modules, results = imported_by(str(badge))
    assert [r["format"] for r in results] == ["ob2-hosted"]
    assert modules & (NEVER | OB3_ONLY | NETWORK | {"jwcrypto", "cryptography", "xml"}) == set()


def test_an_ob3_credential_loads_the_json_ld_stack_but_no_loader_jwt_or_schema_library(
    tmp_path: Path,
) -> None:
    kit = IssuerKit.did_key(seed=14)
    credential = tmp_path / "ob3.json"
    credential.write_text(json.dumps(kit.sign(build_credential(kit))))
    modules, results = imported_by(str(credential))
    assert [(r["format"], r["verdict"]) for r in results] == [("ob3", "verified")]
    assert "pyld" in modules
    # pyld's document loaders (asyncio, the e-mail parser), VC-JWT's jwcrypto and jsonschema
    # (the credential declares no schema) are not needed by a Data Integrity credential.
    unneeded = {"aiohttp", "asyncio", "email", "jwcrypto", "jsonschema", "referencing"}
    assert modules & (NEVER | NETWORK | unneeded) == set()
