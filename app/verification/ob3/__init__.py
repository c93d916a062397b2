"""Open Badges 3.0 / CLR 2.0 / W3C Verifiable Credential verification (JSON-LD and VC-JWT)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from app.verification.fetcher import Fetcher
from app.verification.ob3 import content, vcjwt
from app.verification.ob3.canon import check_json_ld
from app.verification.ob3.credential import (
    Authentication,
    as_list,
    authenticate,
    check_shape,
    check_window,
    key_bytes,
    types_of,
    window_of,
)
from app.verification.ob3.errors import Failure, invalid, unsupported
from app.verification.ob3.schema import check_schemas
from app.verification.ob3.status import check_status
from app.verification.ob3.workload import within
from app.verification.recipient import RecipientOutcome
from app.verification.result import (
    Check,
    Outcome,
    RecipientStatus,
    Verdict,
    VerificationResult,
    conclude,
)

MAX_NESTING = 2
MAX_ENDORSEMENTS = 5


@dataclass(frozen=True, slots=True)
class _Context:
    fetcher: Fetcher
    now: datetime
    emails: Sequence[str]


def verify_vc(
    payload: Mapping[str, Any] | str,
    *,
    target: str,
    fetcher: Fetcher,
    now: datetime,
    emails: Sequence[str] = (),
    origin_url: str | None = None,
) -> VerificationResult:
    """Verify a VC as JSON-LD (a mapping) or compact VC-JWT (a string)."""
    # origin_url is accepted for the dispatcher's sake: a VC's authenticity comes from its
    # proof and the issuer's keys, never from where it was served.
    started = time.perf_counter()
    result = _verify(payload, target, _Context(fetcher, now, tuple(emails)), depth=0)
    return replace(result, elapsed_ms=(time.perf_counter() - started) * 1000)


def _verify(payload: Any, target: str, ctx: _Context, depth: int) -> VerificationResult:
    checks: list[Check] = []
    document: Mapping[str, Any] = {}
    jwt: vcjwt.Jwt | None = None
    try:
        jwt = vcjwt.decode(payload) if isinstance(payload, str) else None
        document = jwt.credential if jwt else _mapping(payload)
        _refuse_presentation(document, jwt)
        auth = _authenticity(document, jwt, ctx)
        checks += auth.checks
        checks += _validity(document, jwt, ctx, auth.keys if _authentic(checks) else None)
    except Failure as failure:
        checks.append(failure.to_check())
    authentic = _authentic(checks)
    recipient = content.recipient_of(document, ctx.emails) if authentic else None
    if recipient is not None:
        checks.append(_recipient_check(recipient.status, recipient.detail))
    with within(document):
        nested = _nested(document, target, ctx, depth) if authentic else ()
        if nested:
            checks.append(_nested_check(nested))
        if authentic:
            checks += _endorsements(document, target, ctx, depth)
    result = _result(target, document, jwt, checks, recipient, nested)
    return replace(result, format=_format(document, isinstance(payload, str)), checked_at=ctx.now)


PRESENTATION = (
    "a Verifiable Presentation (a wallet's envelope around credentials): given like this it"
    " proves nothing about who holds them; present it from the wallet over Skillproof's"
    " challenge, or give the credentials it holds one by one"
)


def _refuse_presentation(document: Mapping[str, Any], jwt: vcjwt.Jwt | None) -> None:
    if "VerifiablePresentation" in types_of(document) or (jwt and "vp" in jwt.claims):
        raise unsupported("format", PRESENTATION)


def _mapping(payload: Any) -> Mapping[str, Any]:
    if not isinstance(payload, Mapping):
        raise invalid("format", "is not a JSON object")
    return payload


def _authenticity(
    document: Mapping[str, Any], jwt: vcjwt.Jwt | None, ctx: _Context
) -> Authentication:
    """Proof present and shape, then every proof (or the JWS), then JSON-LD safe mode."""
    if jwt is None and document.get("proof") is None:
        raise invalid("signature", "carries no proof: nothing shows who issued it")
    check_shape(document)
    kinds = ", ".join(t for t in types_of(document) if t != "VerifiableCredential") or "credential"
    shape = Check("format", Outcome.PASS, f"a Verifiable Credential ({kinds})")
    if jwt is None:
        auth = authenticate(document, ctx.fetcher, ctx.now)
        return Authentication((shape, *auth.checks), auth.keys)
    vcjwt.check_issuer_claim(jwt)
    try:
        alg, key = vcjwt.verify_signature(jwt, ctx.fetcher)
    except Failure as failure:
        if failure.verdict is not Verdict.INVALID:  # malformed JSON-LD is invalid, whatever key
            check_json_ld(document)
        raise
    check_json_ld(document)
    signed = Check("signature", Outcome.PASS, f"signed by the issuer (JWT, {alg})")
    keys = frozenset({key_bytes(key.public_key)})
    if document.get("proof") is None:
        return Authentication((shape, signed), keys)
    # every proof present must verify, also one embedded in the token's payload
    embedded = authenticate(document, ctx.fetcher, ctx.now)
    return Authentication((shape, signed, *embedded.checks), keys | embedded.keys)


def _validity(
    document: Mapping[str, Any], jwt: vcjwt.Jwt | None, ctx: _Context, keys: frozenset[bytes] | None
) -> list[Check]:
    """Dates and schema; status only once the credential is known to be authentic (keys)."""
    window = vcjwt.jwt_window(jwt) if jwt else window_of(document)
    checks = [check_window(window, ctx.now), *check_schemas(document)]
    if keys is None:
        return checks
    return checks + check_status(document, keys, ctx.fetcher, ctx.now)


def _authentic(checks: Sequence[Check]) -> bool:
    signatures = [c for c in checks if c.id == "signature"]
    failed = any(c.outcome is Outcome.FAIL and c.verdict in _FATAL for c in checks)
    return bool(signatures) and all(c.outcome is Outcome.PASS for c in signatures) and not failed


_FATAL = {Verdict.INVALID, Verdict.UNSUPPORTED}


def _recipient_check(status: RecipientStatus, detail: str) -> Check:
    if status is RecipientStatus.MATCHED:
        return Check("recipient", Outcome.PASS, detail)
    if status is RecipientStatus.MISMATCH:
        return Check("recipient", Outcome.FAIL, detail, Verdict.RECIPIENT_MISMATCH)
    return Check("recipient", Outcome.SKIP, detail)


def _nested(
    document: Mapping[str, Any], target: str, ctx: _Context, depth: int
) -> tuple[VerificationResult, ...]:
    """A CLR's credentials, each verified on its own."""
    if "ClrCredential" not in types_of(document) or depth >= MAX_NESTING:
        return ()
    items = as_list(content.subject_of(document).get("verifiableCredential"))
    return tuple(
        _verify(item, _nested_target(item, target, i), ctx, depth + 1)
        for i, item in enumerate(items)
    )


def _endorsements(
    document: Mapping[str, Any], target: str, ctx: _Context, depth: int
) -> list[Check]:
    """Embedded EndorsementCredentials, each verified on its own; one check per endorsement."""
    if depth >= MAX_NESTING:
        return []
    found = [e for node in _endorsed_nodes(document) for e in as_list(node.get("endorsement"))]
    checks = []
    for index, endorsement in enumerate(found[:MAX_ENDORSEMENTS]):
        result = _verify(endorsement, f"{target}#endorsement-{index + 1}", ctx, depth + 1)
        by = result.issuer.name or result.issuer.id if result.issuer else None
        if result.verdict is Verdict.VERIFIED:
            checks.append(Check("endorsement", Outcome.PASS, f"endorsed by {by} (verified)"))
        else:
            detail = f"an endorsement did not verify ({result.verdict}), so it is not shown"
            checks.append(Check("endorsement", Outcome.WARN, detail))
    return checks


def _endorsed_nodes(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    achievement = content.subject_of(document).get("achievement")
    nodes = [document, document.get("issuer"), achievement]
    if isinstance(achievement, Mapping):
        nodes.append(achievement.get("creator"))
    return [n for n in nodes if isinstance(n, Mapping)]


def _nested_target(item: Any, target: str, index: int) -> str:
    item_id = item.get("id") if isinstance(item, Mapping) else None
    return item_id if isinstance(item_id, str) else f"{target}#credential-{index + 1}"


def _nested_check(nested: Sequence[VerificationResult]) -> Check:
    good = sum(1 for n in nested if n.verdict is Verdict.VERIFIED)
    detail = f"{good} of {len(nested)} credentials in this record verified"
    return Check("nested", Outcome.PASS if good == len(nested) else Outcome.WARN, detail)


def _result(
    target: str,
    document: Mapping[str, Any],
    jwt: vcjwt.Jwt | None,
    checks: Sequence[Check],
    recipient: RecipientOutcome | None,
    nested: tuple[VerificationResult, ...],
) -> VerificationResult:
    shown = _authentic(checks)
    checks, verdict = conclude(checks)
    window = _safe_window(document, jwt) if shown else None
    credential_id = document.get("id") if shown else None
    return VerificationResult(
        target=target,
        verdict=verdict,
        format="ob3",
        checks=checks,
        recipient=recipient.status if recipient else RecipientStatus.SKIPPED,
        recipient_detail=recipient.detail if recipient else None,
        recipient_identity=recipient.matched if recipient else None,
        awarded_to=recipient.awarded if recipient else (),
        subject_id=content.subject_id_of(document) if shown else None,
        subject_name=content.subject_name_of(document) if shown else None,
        issuer=content.issuer_of(document) if shown else None,
        achievement=content.achievement_of(document) if shown else None,
        skills=content.skills_of(document) if shown else (),
        issued_on=window.valid_from if window else None,
        expires=window.valid_until if window else None,
        credential_id=credential_id if isinstance(credential_id, str) else None,
        nested=nested,
    )


def _safe_window(document: Mapping[str, Any], jwt: vcjwt.Jwt | None) -> Any:
    try:
        return vcjwt.jwt_window(jwt) if jwt else window_of(document)
    except Failure:
        return None


def _format(document: Mapping[str, Any], is_jwt: bool) -> str:
    base = "clr2" if "ClrCredential" in types_of(document) else "ob3"
    return f"{base}-jwt" if is_jwt else base
