"""Credential status: Bitstring / StatusList2021 status list credentials, 1EdTech lists."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from app.verification.fetcher import Fetcher
from app.verification.ob3.credential import (
    Authentication,
    as_list,
    authenticate,
    check_shape,
    check_window,
    issuer_id,
    types_of,
    window_of,
)
from app.verification.ob3.dids import fetch_json, fetch_json_from
from app.verification.ob3.errors import Failure, invalid, unreachable, unsupported
from app.verification.ob3.keys import b64url_decode
from app.verification.ob3.proofs import proofs_of
from app.verification.result import Check, Outcome, Verdict

CHECK = "status"
LIST_LIMIT = 2 * 1024 * 1024
BITSTRING_LIMIT = 16 * 1024 * 1024  # decompressed bytes
# Bitstring Status List: "the uncompressed bitstring MUST be at least 16KB" (131,072 entries),
# so that one credential's position says little about its holder (herd privacy).
BITSTRING_MIN_ENTRIES = 131_072
LIST_TYPES = {
    "BitstringStatusListEntry": "BitstringStatusList",
    "StatusList2021Entry": "StatusList2021",
}


def check_status(
    document: Mapping[str, Any], issuer_keys: frozenset[bytes], fetcher: Fetcher, now: datetime
) -> list[Check]:
    """One check per credentialStatus entry; no entry is a pass (nothing to revoke it by).

    `issuer_keys` are the keys that verified the credential: a status list signed with one of
    them is the issuer's even when it names the issuer by another DID (a did:key and a did:web).
    """
    entries = as_list(document.get("credentialStatus"))
    if not entries:
        return [Check(CHECK, Outcome.PASS, "the issuer publishes no revocation status for it")]
    checks = []
    for entry in entries:
        try:
            checks.append(_check_entry(entry, document, issuer_keys, fetcher, now))
        except Failure as failure:
            checks.append(failure.to_check())
    return checks


def _check_entry(
    entry: Any, document: Mapping[str, Any], keys: frozenset[bytes], fetcher: Fetcher, now: datetime
) -> Check:
    if not isinstance(entry, Mapping):
        raise invalid(CHECK, "its status entry is not a JSON object")
    kind = next(
        (t for t in types_of(entry) if t in LIST_TYPES or t == "1EdTechRevocationList"), None
    )
    if kind == "1EdTechRevocationList":
        return _check_revocation_list(entry, document, fetcher)
    if kind is None:
        raise unsupported(
            CHECK, f"uses a status method Skillproof does not handle: {types_of(entry)}"
        )
    return _check_status_list(entry, LIST_TYPES[kind], document, keys, fetcher, now)


def _check_status_list(
    entry: Mapping[str, Any],
    list_type: str,
    document: Mapping[str, Any],
    keys: frozenset[bytes],
    fetcher: Fetcher,
    now: datetime,
) -> Check:
    purpose = str(entry.get("statusPurpose", "revocation"))
    index = _index(entry.get("statusListIndex"))
    url = entry.get("statusListCredential")
    if not isinstance(url, str):
        raise invalid(CHECK, "its status entry does not say where the status list is")
    status_list = fetch_json(
        url, fetcher, "the issuer's status list", check=CHECK, max_bytes=LIST_LIMIT, revalidate=True
    )
    subject = _verified_list_subject(
        status_list, list_type, (issuer_id(document), keys), fetcher, now
    )
    if purpose not in as_list(subject.get("statusPurpose", purpose)):
        raise invalid(CHECK, f"the status list is not a {purpose} list")
    bits = _bitstring(subject.get("encodedList"))
    if list_type == "BitstringStatusList" and len(bits) * 8 < BITSTRING_MIN_ENTRIES:
        raise invalid(
            CHECK,
            f"the issuer's status list has {len(bits) * 8:,} entries, fewer than the"
            f" {BITSTRING_MIN_ENTRIES:,} the Bitstring Status List specification requires",
        )
    if not _bit(bits, index):
        return Check(CHECK, Outcome.PASS, f"not {_past(purpose)} (status list checked)")
    if purpose == "revocation":
        return Check(CHECK, Outcome.FAIL, "revoked by the issuer", Verdict.REVOKED)
    if purpose == "suspension":
        return Check(CHECK, Outcome.FAIL, "suspended by the issuer", Verdict.REVOKED)
    return Check(CHECK, Outcome.WARN, f"the issuer flags it in a '{purpose}' status list")


def _past(purpose: str) -> str:
    return {"revocation": "revoked", "suspension": "suspended"}.get(purpose, f"flagged ({purpose})")


def _verified_list_subject(
    status_list: Mapping[str, Any],
    list_type: str,
    issuer: tuple[str | None, frozenset[bytes]],
    fetcher: Fetcher,
    now: datetime,
) -> Mapping[str, Any]:
    """The list's subject, once the list credential itself verifies and is the issuer's."""
    try:
        check_shape(status_list)
        auth = _authenticate_list(status_list, fetcher, now)
        failed = [c for c in auth.checks if c.outcome is Outcome.FAIL]
    except Failure as failure:
        auth, failed = None, [failure.to_check()]
    if failed or auth is None:
        verdict = (
            Verdict.UNREACHABLE if failed[0].verdict is Verdict.UNREACHABLE else Verdict.INVALID
        )
        raise Failure(
            CHECK, verdict, f"the issuer's status list does not verify: {failed[0].detail}"
        )
    if issuer_id(status_list) != issuer[0] and not auth.keys & issuer[1]:
        raise invalid(
            CHECK, f"the status list was issued by {issuer_id(status_list)}, not by the issuer"
        )
    if f"{list_type}Credential" not in types_of(status_list):
        raise invalid(CHECK, f"the issuer's status list is not a {list_type}Credential")
    window = check_window(window_of(status_list), now)
    if window.outcome is Outcome.FAIL:
        raise unreachable(CHECK, f"the issuer's status list is out of date: {window.detail}")
    subject = status_list.get("credentialSubject")
    if not isinstance(subject, Mapping) or list_type not in types_of(subject):
        raise invalid(CHECK, f"the issuer's status list is not a {list_type}")
    return subject


class _ListCache:
    """Status lists that verified, by content hash, for a few minutes.

    Every credential of an issuer points at the same list, and verifying that list's proof is
    as costly as verifying the credential; the content is still re-fetched (revalidated) for
    every credential, so a changed list is a different key and is verified afresh. A batch's
    checks reach the same list at the same moment: one verifies it while the others wait for
    its outcome, instead of all verifying it at once.
    """

    WAIT_SECONDS = 2.0

    def __init__(self, size: int = 256, seconds: float = 300.0) -> None:
        self._entries: OrderedDict[str, tuple[float, Authentication]] = OrderedDict()
        self._size, self._seconds = size, seconds
        self._lock = threading.Lock()
        self._verifying: dict[str, threading.Event] = {}

    def put(self, key: str, auth: Authentication) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), auth)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def verified(
        self, key: str, verify: Callable[[], Authentication], keep: Callable[[Authentication], bool]
    ) -> Authentication:
        """The cached outcome for `key`, else `verify()` (kept when `keep` says so). While one
        thread verifies a key, the others wait for it; when its outcome is not kept (a failure,
        a proof with its own expiry), they verify in turn. A check never waits longer than
        WAIT_SECONDS for another (whose key lookups may be slow): it then verifies alone."""
        while True:
            with self._lock:
                cached = self._fresh(key)
                if cached is not None:
                    return cached
                under_way = self._verifying.get(key)
                if under_way is None:
                    done = self._verifying[key] = threading.Event()
            if under_way is not None and under_way.wait(self.WAIT_SECONDS):
                continue  # verified meanwhile: cached, or not kept (then verify in turn)
            try:
                auth = verify()
                if keep(auth):
                    self.put(key, auth)
                return auth
            finally:
                if under_way is None:  # this check was the one verifying
                    with self._lock:
                        del self._verifying[key]
                    done.set()

    def _fresh(self, key: str) -> Authentication | None:
        found = self._entries.get(key)
        if found is None or time.monotonic() - found[0] > self._seconds:
            return None
        self._entries.move_to_end(key)
        return found[1]


_VERIFIED_LISTS = _ListCache()


def _authenticate_list(
    status_list: Mapping[str, Any], fetcher: Fetcher, now: datetime
) -> Authentication:
    key = hashlib.sha256(json.dumps(status_list, sort_keys=True).encode()).hexdigest()
    # a proof with its own expiry is judged at each check's `now`, never from the cache
    expires = any("expires" in proof for proof in proofs_of(status_list))
    return _VERIFIED_LISTS.verified(
        key, lambda: authenticate(status_list, fetcher, now), lambda auth: auth.ok and not expires
    )


def _check_revocation_list(
    entry: Mapping[str, Any], document: Mapping[str, Any], fetcher: Fetcher
) -> Check:
    url = entry.get("id")
    if not isinstance(url, str):
        raise invalid(CHECK, "its revocation list entry has no address")
    revocation_list, served_from = fetch_json_from(
        url,
        fetcher,
        "the issuer's revocation list",
        check=CHECK,
        max_bytes=LIST_LIMIT,
        revalidate=True,
        other_origin=True,  # a plain list: its "revoked" counts from anywhere, its "not" does not
    )
    revoked = as_list(revocation_list.get("revokedCredentials"))
    credential_id = document.get("id")
    for item in revoked:
        item_id = item.get("id") if isinstance(item, Mapping) else item
        if credential_id is not None and item_id == credential_id:
            reason = item.get("revocationReason") if isinstance(item, Mapping) else None
            detail = f"revoked by the issuer: {reason}" if reason else "revoked by the issuer"
            return Check(CHECK, Outcome.FAIL, detail, Verdict.REVOKED)
    if not _same_origin(served_from, issuer_id(document)):
        detail = "the revocation list is not on the issuer's own site: 'not revoked' is unconfirmed"
        return Check(CHECK, Outcome.WARN, detail)
    return Check(CHECK, Outcome.PASS, "not revoked (revocation list checked)")


def _same_origin(url: str, issuer: str | None) -> bool:
    if issuer is None:
        return False
    if issuer.startswith("did:web:"):
        host = issuer.removeprefix("did:web:").split(":")[0].replace("%3A", ":")
        return urlsplit(url).netloc.lower() == host.lower()
    a, b = urlsplit(url), urlsplit(issuer)
    return (a.scheme, a.netloc.lower()) == (b.scheme, b.netloc.lower())


def _index(value: Any) -> int:
    try:
        index = int(value)
    except (TypeError, ValueError) as exc:
        raise invalid(CHECK, "its status list position is not a number") from exc
    if index < 0:
        raise invalid(CHECK, "its status list position is negative")
    return index


def _bitstring(encoded: Any) -> bytes:
    """Decode a status list: optional multibase 'u', base64url, gzip, with a size cap."""
    if not isinstance(encoded, str) or not encoded:
        raise invalid(CHECK, "the issuer's status list has no list")
    compressed = b64url_decode(encoded[1:] if encoded.startswith("u") else encoded)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(compressed, BITSTRING_LIMIT)
    except zlib.error as exc:
        raise invalid(CHECK, "the issuer's status list is not a compressed list") from exc
    if inflater.unconsumed_tail:
        raise invalid(CHECK, "the issuer's status list is too large")
    return data


def _bit(bits: bytes, index: int) -> bool:
    if index >= len(bits) * 8:
        raise invalid(CHECK, "its status list position is beyond the end of the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
