"""docs/conformance.md from the corpus pins: `.venv/bin/python -m tests.support.conformance_doc`.

Run it after re-pinning (tests/support/corpus_pins.py). A valid signed file we do not verify
needs a rule: add the prefix of its pinned reason to RULES with the ARCHITECTURE.md wording
(quoted with “ ”) that makes it so; the generator refuses a deviation without one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.support.corpus_pins import (
    CONFORMANCE,
    HOSTED,
    SIGNED,
    VALID,
    Pin,
    carries,
    summarise,
)

_UNREACHABLE = (
    "“any error fetching a document other than the credential itself”: the key's https "
    "document is not in the corpus (the upstream validator reads the key from the URL's "
    "fragment, which only the credential vouches for)"
)
_SELF = (
    "“a key that only the credential itself vouches for (a `jwk` header, a `did:key` that is "
    "not the issuer)”"
)
_BOUND = "“signed by a key bound to the issuer (the issuer's own DID or profile lists the key)”"
_NOT_YET = "“a format, proof suite or DID method Skillproof does not handle yet, named”"
RULES: tuple[tuple[str, str], ...] = (
    ("key: the issuer's key document could not be fetched", _UNREACHABLE),
    (
        "json-ld: uses a JSON-LD context Skillproof does not know",
        "“an unknown context is a named failure, not a fetch”: the CLR 2.0 context URL without "
        "its version is not bundled",
    ),
    ("signature: the token carries its own key (jwk header)", f"{_SELF}: the JWT's `jwk` header"),
    (
        "issuer-key: the signing key belongs to did:key",
        f"{_SELF}: signed by a `did:key` that is not the issuer",
    ),
    (
        "key: the signing key uses an address scheme",
        f"{_BOUND}: the key is a `urn:` that names no document of the issuer",
    ),
    (
        "signature: signed with a cryptosuite Skillproof does not handle",
        f"{_NOT_YET}: selective disclosure",
    ),
    (
        "status: the status list was issued by",
        "“must verify and be issued by the credential's issuer”: the DCC fixtures share one "
        "list signed by another `did:key`",
    ),
    (
        "status: the issuer's status list has",
        "“a Bitstring status list shorter than the specification's minimum (131,072 entries) "
        "is `invalid`, as the specification requires”",
    ),
    (
        "key: the token names its key only by a thumbprint",
        f"{_NOT_YET}: the `kid` is a bare JWK thumbprint, and README lists keys found only by "
        "thumbprint as `unsupported`",
    ),
    (
        "format: a Verifiable Presentation",
        f"{_NOT_YET}: a Verifiable Presentation, which README lists as `unsupported`",
    ),
)

HEAD = """# Conformance with the shared corpus

Every file of `../shared/corpus` that has an upstream verdict (`expected.json`) is verified by
`tests/unit/test_corpus_ob2.py` and `tests/unit/test_corpus_ob3.py` (baked OB 3.0 images
included) and must give the verdict and reason pinned for it in
`tests/unit/corpus_pins_ob2.json` / `corpus_pins_ob3.json`: our own expected answer, so a crash
or a changed verdict fails whatever upstream says. How to re-pin after a deliberate change is in
`tests/support/corpus_pins.py`; this page is generated from the pins by
`tests/support/conformance_doc.py`, and the tests check it against them.

## Agreement with the upstream verdicts

Counted only over files that carry a proof (a Data Integrity proof, a JWS or VC-JWT, baked or
not) or a hosted link (an OB 1.x/2.0 assertion at its own URL). Unsigned files (schema examples,
BadgeClasses and issuer profiles on their own, a signed badge's content without its signature)
are reported apart: with no proof there is nothing to verify, and they are `invalid` ("carries
no proof") or "not an Open Badges assertion"; Verifiable Presentations are `unsupported`, named
(README), which upstream's "schema-valid" does not count as agreement. Images without a badge
are counted apart too (`unsupported`: "not a digital badge or credential").

| corpus | files with a proof or hosted link | agree | unsigned, apart | images without a badge |
|---|---|---|---|---|
"""
TABLE = """
## Valid signed files we do not call `verified`

Each with the rule of `../shared/ARCHITECTURE.md` that makes it so (quoted; the tests check the
quotation is there).

| file | our verdict | rule (ARCHITECTURE.md) |
|---|---|---|
"""
OTHERS = """
## Other counted differences

Files the corpus calls invalid (or a status check error) where our verdict differs:

"""


def rule_for(reason: str) -> str:
    for prefix, rule in RULES:
        if reason.startswith(prefix):
            return rule
    raise LookupError(f"no ARCHITECTURE.md rule for {reason!r}: add one to RULES")


def render() -> str:
    """docs/conformance.md as the pins say it must read."""
    from tests.unit import test_corpus_ob2 as ob2
    from tests.unit import test_corpus_ob3 as ob3

    files = list(_files(ob2)) + list(_files(ob3))
    summaries = [
        summarise(module.SUMMARY, ((c, a) for m, _, c, _, a in files if m is module))
        for module in (ob2, ob3)
    ]
    lines = [HEAD, *(s.row() + "\n" for s in summaries), TABLE]
    for _, case, carried, pin, _ in files:
        if case.verdict in VALID and carried in (SIGNED, HOSTED) and pin.verdict != "verified":
            lines.append(f"| `{case.path}` | `{pin.verdict}` | {rule_for(pin.reason)} |\n")
    lines.append(OTHERS)
    for _, case, carried, pin, agreeing in files:
        if carried in (SIGNED, HOSTED) and not agreeing and case.verdict not in VALID:
            reason = pin.reason or "every check passed"
            lines.append(
                f"- `{case.path}`: upstream {case.verdict}, ours `{pin.verdict}` ({reason}).\n"
            )
    return "".join(lines)


def _files(module: Any) -> Iterator[tuple[Any, Any, str, Pin, bool]]:
    """(module, case, what it carries, its pin, whether it agrees) for each corpus case."""
    for case in module.CASES:
        pin = module.BOOK[getattr(case, "id", case.path)]
        agreeing = module.agrees_with_upstream(case)
        yield module, case, carries(module.case_bytes(case)), pin, agreeing


if __name__ == "__main__":
    CONFORMANCE.write_text(render(), encoding="utf-8")
    print(f"wrote {CONFORMANCE}")
