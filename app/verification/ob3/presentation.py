"""Verifiable Presentations signed over Skillproof's challenge: proof that a wallet holds a DID.

A wallet answers a VC API exchange (W3C CCG VC API, "exchanges") with a Verifiable Presentation
(VC Data Model 2.0 or 1.1): JSON-LD with a Data Integrity proof whose purpose is
`authentication` and whose `challenge` and `domain` are the ones Skillproof asked for, or a
compact VP-JWT whose `nonce` and `aud` are. The holder is the DID whose own key signed it
(did:key and did:jwk resolve locally, did:web through the safe fetcher); the holder must list
that key for authentication. Every credential inside is then verified on its own, as any
credential is (`verify_vc`), and is the holder's only when its subject id is the holder's DID.

Nothing is trusted before its check: a presentation without our challenge proves nothing about
who holds the credentials in it, so any doubt refuses the whole presentation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from app.verification.fetcher import Fetcher
from app.verification.jws import ALLOWED_ALGS, REFUSED_ALGS
from app.verification.ob3 import vcjwt, verify_vc
from app.verification.ob3.canon import check_json_ld
from app.verification.ob3.credential import VC_V1, VC_V2, as_list, parse_date, types_of
from app.verification.ob3.dids import AUTHENTICATION, ResolvedKey, resolve_key
from app.verification.ob3.errors import Failure
from app.verification.ob3.keys import multibase_decode
from app.verification.ob3.proofs import BoundProof, check_signature, proofs_of, suite_of
from app.verification.result import Verdict, VerificationResult

MAX_BYTES = 2 * 1024 * 1024  # as an uploaded credential file
MAX_CREDENTIALS = 50
MAX_PROOFS = 4
# A phone's clock may run a little ahead of ours: a proof "made" this far in the future is fine.
CLOCK_SKEW = timedelta(minutes=2)
HOLDER_DID_METHODS = ("did:key:", "did:jwk:", "did:web:")
ENVELOPED_JWT = ("data:application/vc+jwt,", "data:application/jwt,")


class Refused(Exception):
    """A presentation that proves nothing; `reason` is a plain sentence for the candidate.

    `kind` is "invalid" (malformed, tampered, the wrong challenge), "unsupported" (a suite,
    algorithm or DID method Skillproof does not handle yet, named) or "unreachable" (the
    holder's did:web document could not be fetched: trying again may work).
    """

    def __init__(self, reason: str, *, kind: str = "invalid", challenge: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.challenge = challenge  # refused because it was signed over another challenge


@dataclass(frozen=True, slots=True)
class Challenge:
    """What Skillproof asked the wallet to sign over: a single-use nonce and our domain."""

    nonce: str
    domain: str


@dataclass(frozen=True, slots=True)
class HolderProof:
    """A presentation whose holder proof verified: who holds it and what it carries (unchecked)."""

    holder: str
    signed_with: str
    credentials: tuple[Mapping[str, Any] | str, ...]


@dataclass(frozen=True, slots=True)
class PresentedCredential:
    result: VerificationResult
    held_by_holder: bool  # authentic, and awarded to the holder's DID


@dataclass(frozen=True, slots=True)
class PresentationResult:
    holder: str
    signed_with: str
    credentials: tuple[PresentedCredential, ...]


Presentation = Mapping[str, Any] | str


def read_presentation(data: bytes | str) -> Presentation:
    """A pasted or posted presentation: JSON (bare or as `{"verifiablePresentation": ...}`)
    or a compact VP-JWT. Size and shape only; nothing is trusted yet."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise Refused(f"The presentation is larger than {MAX_BYTES // 2**20} MiB.")
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise Refused("The presentation is not text (UTF-8).") from exc
    if not text:
        raise Refused("The presentation is empty: paste what your wallet produced.")
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise Refused("The presentation looks like JSON but is damaged or cut short.") from exc
        return presentation_from(value)
    return presentation_from(text)


def presentation_from(value: Any) -> Presentation:
    """The presentation in a decoded JSON value (the VC API body, or the presentation itself)."""
    if isinstance(value, Mapping) and "verifiablePresentation" in value:
        value = value["verifiablePresentation"]
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str) and value.strip().count(".") == 2 and len(value) <= MAX_BYTES:
        return value.strip()
    raise Refused(
        "This is not a Verifiable Presentation: Skillproof takes a presentation as JSON or as a"
        " signed token (JWT), as a wallet produces it."
    )


def challenge_of(presentation: Presentation) -> str | None:
    """The challenge the presentation says it was signed over (unverified), if it names one."""
    try:
        if isinstance(presentation, str):
            nonce = vcjwt.decode(presentation).claims.get("nonce")
            return nonce if isinstance(nonce, str) else None
        for proof in proofs_of(presentation):
            value = proof.get("challenge")
            if isinstance(value, str):
                return value
    except Failure:
        return None
    return None


def check_presentation(
    presentation: Presentation, challenge: Challenge, *, fetcher: Fetcher, now: datetime
) -> HolderProof:
    """The holder's proof over our challenge, verified; the credentials are not checked yet."""
    try:
        if isinstance(presentation, str):
            return _check_jwt(presentation, challenge, fetcher, now)
        return _check_json_ld(presentation, challenge, fetcher, now)
    except Failure as failure:
        raise _refusal(failure) from failure


def verify_presentation(
    presentation: Presentation,
    challenge: Challenge,
    *,
    fetcher: Fetcher,
    now: datetime,
    emails: Sequence[str] = (),
) -> PresentationResult:
    """`check_presentation`, then every credential verified on its own (fail closed)."""
    proof = check_presentation(presentation, challenge, fetcher=fetcher, now=now)
    presented = []
    for index, credential in enumerate(proof.credentials):
        result = verify_vc(
            credential,
            target=_target(credential, index),
            fetcher=fetcher,
            now=now,
            emails=emails,
        )
        held = result.verdict not in _NOT_AUTHENTIC and result.subject_id == proof.holder
        presented.append(PresentedCredential(result, held))
    return PresentationResult(proof.holder, proof.signed_with, tuple(presented))


_NOT_AUTHENTIC = {Verdict.INVALID, Verdict.UNSUPPORTED}


def _check_json_ld(
    document: Mapping[str, Any], challenge: Challenge, fetcher: Fetcher, now: datetime
) -> HolderProof:
    """Shape, holder, credentials, then each proof's cheap checks, then the signatures."""
    _check_shape(document)
    credentials = _credentials(document)
    proofs = proofs_of(document)
    if not proofs:
        raise Refused("The presentation is not signed: it carries no proof from its holder.")
    if len(proofs) > MAX_PROOFS:
        raise Refused(f"The presentation carries {len(proofs)} proofs; at most {MAX_PROOFS}.")
    # VCDM makes `holder` optional: then the holder is whoever's DID key signs it
    holder = _holder(document.get("holder", _signer_did(proofs[0].get("verificationMethod"))))
    bound = [_bind(proof, holder, challenge, fetcher, now) for proof in proofs]
    check_json_ld(document)
    for proof in bound:
        try:
            check_signature(document, proof)
        except Failure as failure:
            if failure.verdict is not Verdict.INVALID:
                raise
            raise Refused(
                "The presentation's signature does not match: it was changed after the wallet"
                " signed it, or another key signed it."
            ) from failure
    return HolderProof(holder, ", ".join(sorted({b.suite for b in bound})), credentials)


def _check_shape(document: Mapping[str, Any]) -> None:
    contexts = as_list(document.get("@context"))
    if not contexts or contexts[0] not in (VC_V1, VC_V2):
        raise Refused(
            "This is not a Verifiable Presentation (its first context is not the VC one)."
        )
    if "VerifiablePresentation" not in types_of(document):
        raise Refused(
            "This is not a Verifiable Presentation (type VerifiablePresentation missing): a single"
            " credential proves nothing about who holds it; present it from your wallet."
        )


def _signer_did(method_id: Any) -> Any:
    return method_id.split("#", 1)[0] if isinstance(method_id, str) else None


def _holder(value: Any) -> str:
    holder = value.get("id") if isinstance(value, Mapping) else value
    if not isinstance(holder, str) or not holder.startswith("did:") or len(holder) > 2000:
        raise Refused("The presentation does not name its holder's DID.")
    if not holder.startswith(HOLDER_DID_METHODS):
        method = holder.split(":")[1][:40] if holder.count(":") >= 2 else holder[:40]
        raise Refused(
            f"The holder uses a DID method Skillproof does not handle: did:{method}"
            " (did:key, did:jwk and did:web are handled).",
            kind="unsupported",
        )
    return holder


def _credentials(presentation: Mapping[str, Any]) -> tuple[Mapping[str, Any] | str, ...]:
    items = as_list(presentation.get("verifiableCredential"))
    if len(items) > MAX_CREDENTIALS:
        raise Refused(
            f"The presentation holds {len(items)} credentials; Skillproof takes at most"
            f" {MAX_CREDENTIALS} at once. Present them in smaller groups."
        )
    return tuple(_credential(item) for item in items)


def _credential(item: Any) -> Mapping[str, Any] | str:
    if isinstance(item, str) and item.strip().count(".") == 2:
        return item.strip()
    if isinstance(item, Mapping) and "EnvelopedVerifiableCredential" in types_of(item):
        url = item.get("id")
        for prefix in ENVELOPED_JWT:
            if isinstance(url, str) and url.startswith(prefix):
                return url.removeprefix(prefix)
        media = url.split(",", 1)[0].removeprefix("data:")[:60] if isinstance(url, str) else "?"
        raise Refused(
            f"The presentation holds an enveloped credential of a kind Skillproof does not handle:"
            f" {media}",
            kind="unsupported",
        )
    if isinstance(item, Mapping):
        return item
    raise Refused("The presentation holds something that is not a credential.")


def _bind(
    proof: Mapping[str, Any],
    holder: str,
    challenge: Challenge,
    fetcher: Fetcher,
    now: datetime,
) -> BoundProof:
    """Everything about one proof that needs no canonicalization, the holder's key included."""
    suite, method, key_type = suite_of(proof)
    if proof.get("proofPurpose") != "authentication":
        raise Refused(
            "The presentation's proof is not meant to authenticate its holder (proofPurpose is"
            " not authentication)."
        )
    _check_challenge(proof.get("challenge"), challenge.nonce)
    if not _names(proof.get("domain"), challenge.domain):
        raise Refused(
            f"The presentation was signed for another site (domain), not for {challenge.domain}."
        )
    _check_dates(parse_date(proof.get("created"), "creation date"), None, now)
    _check_dates(None, parse_date(proof.get("expires"), "expiry date"), now)
    method_id = proof.get("verificationMethod")
    if not isinstance(method_id, str) or not method_id.startswith("did:"):
        raise Refused("The presentation's proof does not name a key of the holder's DID.")
    key = _holder_key(method_id, holder, fetcher)
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str):
        raise Refused("The presentation's proof carries no signature value.")
    return BoundProof(proof, suite, method, key_type, key, multibase_decode(proof_value))


def _check_challenge(presented: Any, nonce: str) -> None:
    if presented is None:
        raise Refused(
            "The presentation was not signed over Skillproof's challenge (it names none), so it"
            " could be a copy of one made for someone else.",
            challenge=True,
        )
    if presented != nonce:
        raise Refused(
            "The presentation was signed over another challenge, not the one Skillproof gave"
            " you: ask your wallet for a new presentation for this request.",
            challenge=True,
        )


def _names(value: Any, domain: str) -> bool:
    """A proof's `domain` (one string or a list of them) names ours."""
    return value == domain or (isinstance(value, list) and domain in value)


def _check_dates(created: datetime | None, expires: datetime | None, now: datetime) -> None:
    if created is not None and created > now + CLOCK_SKEW:
        raise Refused(
            f"The presentation says it was signed in the future ({created.isoformat()}): check"
            " the clock of the device your wallet runs on."
        )
    if expires is not None and expires <= now:
        raise Refused(f"The presentation expired at {expires.isoformat()}: make a new one.")


def _holder_key(method_id: str, holder: str, fetcher: Fetcher) -> ResolvedKey:
    """The key, listed for authentication by the holder's own DID."""
    key = resolve_key(method_id, fetcher, relationship=AUTHENTICATION)
    if key.controller.split("#", 1)[0] != holder:
        raise Refused(
            f"The presentation was signed by a key of {key.controller[:200]}, not by its holder"
            f" {holder[:200]}: only the holder's own key proves they hold these credentials."
        )
    return key


def _check_jwt(token: str, challenge: Challenge, fetcher: Fetcher, now: datetime) -> HolderProof:
    """A VP-JWT: the VP in the `vp` claim (VCDM 1.1) or as the claims set (VCDM 2.0)."""
    decoded = vcjwt.decode(token)
    claims = decoded.claims
    vp = claims.get("vp", claims)
    if not isinstance(vp, Mapping) or "VerifiablePresentation" not in types_of(vp):
        raise Refused("This signed token is not a Verifiable Presentation (no vp claim).")
    holder = _jwt_holder(claims, vp, decoded.header)
    credentials = _credentials(vp)
    _check_challenge(claims.get("nonce"), challenge.nonce)
    if not _names(claims.get("aud"), challenge.domain):
        raise Refused(
            f"The presentation was signed for another site (aud), not for {challenge.domain}."
        )
    _check_dates(_stamp(claims, "iat"), _stamp(claims, "exp"), now)
    _check_dates(_stamp(claims, "nbf"), None, now)
    alg = decoded.header.get("alg")
    if not isinstance(alg, str) or alg in REFUSED_ALGS or alg.lower() == "none":
        raise Refused("The presentation's token is not signed with a public key (alg).")
    if alg not in ALLOWED_ALGS:
        raise Refused(
            f"The presentation is signed with an algorithm Skillproof does not handle yet:"
            f" {alg[:40]}",
            kind="unsupported",
        )
    key = _holder_key(_jwt_key_id(decoded.header, holder), holder, fetcher)
    try:
        verifier = jws.JWS()
        verifier.deserialize(decoded.token)
        verifier.allowed_algs = sorted(ALLOWED_ALGS)
        verifier.verify(jwk.JWK.from_pyca(key.public_key), alg=alg)
    except (JWException, ValueError, TypeError) as exc:
        raise Refused(
            "The presentation's signature does not match: it was changed after the wallet"
            " signed it, or another key signed it."
        ) from exc
    return HolderProof(holder, f"JWT, {alg}", credentials)


def _jwt_holder(claims: Mapping[str, Any], vp: Mapping[str, Any], header: Mapping[str, Any]) -> str:
    iss, named = claims.get("iss"), vp.get("holder")
    named_id = named.get("id") if isinstance(named, Mapping) else named
    if iss is not None and named_id is not None and iss != named_id:
        raise Refused("The token's issuer (iss) is not the presentation's holder.")
    found = iss if iss is not None else named_id
    return _holder(found if found is not None else _signer_did(header.get("kid")))


def _jwt_key_id(header: Mapping[str, Any], holder: str) -> str:
    kid = header.get("kid")
    if isinstance(kid, str) and kid:
        return holder + kid if kid.startswith("#") else kid
    if "jwk" in header:
        raise Refused(
            "The presentation's token carries its own key (jwk header): only a key of the"
            " holder's DID proves who holds it."
        )
    if holder.startswith(("did:key:", "did:jwk:")):
        return holder
    raise Refused("The presentation's token does not say which of the holder's keys signed it.")


def _stamp(claims: Mapping[str, Any], name: str) -> datetime | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refused(f"The presentation's token has an unreadable {name} date.")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise Refused(f"The presentation's token has an out-of-range {name} date.") from exc


def _refusal(failure: Failure) -> Refused:
    """An inner check's failure, as a refusal of the presentation in the same plain words."""
    kind = {Verdict.UNSUPPORTED: "unsupported", Verdict.UNREACHABLE: "unreachable"}.get(
        failure.verdict, "invalid"
    )
    detail = failure.detail[:1].upper() + failure.detail[1:]
    return Refused(f"The presentation was refused: {detail}.", kind=kind)


def _target(credential: Mapping[str, Any] | str, index: int) -> str:
    credential_id = credential.get("id") if isinstance(credential, Mapping) else None
    return (
        credential_id if isinstance(credential_id, str) else f"presentation#credential-{index + 1}"
    )


__all__ = [
    "MAX_CREDENTIALS",
    "Challenge",
    "HolderProof",
    "PresentationResult",
    "PresentedCredential",
    "Refused",
    "challenge_of",
    "check_presentation",
    "presentation_from",
    "read_presentation",
    "verify_presentation",
]
