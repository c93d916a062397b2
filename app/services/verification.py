"""Verifying stored credentials: claim due work, verify, and append the run with its evidence."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import peewee

from app.db import db, write_transaction
from app.models import (
    Candidate,
    CandidateEmail,
    Credential,
    CredentialImage,
    CredentialStatus,
    Organization,
    ProfileImport,
    ProvenIdentity,
    User,
    VerificationRun,
    utcnow,
)
from app.services import alerts, images, prepared, statements, wakeup
from app.services import candidates as candidate_service
from app.services import skills as skill_service
from app.verification.fetcher import ACCEPT_IMAGE, ACCEPT_JSON, Fetcher, FetchError, FetchResponse
from app.verification.result import Verdict, VerificationResult
from app.verification.source import Source
from app.verification.verify import verify

log = logging.getLogger(__name__)
MAX_EVIDENCE_BYTES = 256 * 1024
RECHECK_AFTER = timedelta(hours=24)
LEASE = timedelta(seconds=20)
HOST_LIMIT = 4


class RecordingFetcher:
    """Wraps a fetcher and keeps what it fetched, so a run can store its evidence."""

    def __init__(self, inner: Fetcher) -> None:
        self._inner = inner
        self.responses: dict[str, FetchResponse] = {}

    def fetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_JSON,
        max_bytes: int | None = None,
        revalidate: bool = False,
    ) -> FetchResponse:
        response = self._inner.fetch(url, accept=accept, max_bytes=max_bytes, revalidate=revalidate)
        self.responses[response.url] = response
        return response


def requeue(credential: Credential, *, trigger: str = "user", user: User | None = None) -> None:
    """Ask for a fresh verification as soon as a worker is free."""
    Credential.update(
        status=CredentialStatus.QUEUED.value,
        next_check_at=utcnow(),
        queued_trigger=trigger,
        queued_by=user,
    ).where(Credential.id == credential.id).execute()
    candidate_service.refresh_state(credential.candidate_id)
    wakeup.work_queued()


def recheck_recipients(
    candidate: Candidate, *, trigger: str = "user", user: User | None = None
) -> int:
    """Re-verify every credential of a candidate now: their addresses changed, so each
    credential's "awarded to" answer may have; returns how many were queued."""
    queued = (
        Credential.update(
            status=CredentialStatus.QUEUED.value,
            next_check_at=utcnow(),
            queued_trigger=trigger,
            queued_by=user,
        )
        .where(Credential.candidate == candidate.id)
        .execute()
    )
    candidate_service.refresh_state(candidate.id)
    if queued:
        wakeup.work_queued()
    return int(queued)


@dataclass(frozen=True)
class Claim:
    """Credentials one worker claimed together; `token` fences every write of their results."""

    token: str
    ids: list[int]


def claim_due(
    worker: str,
    limit: int,
    now: datetime | None = None,
    *,
    lease: timedelta = LEASE,
    host_limit: int = HOST_LIMIT,
) -> Claim:
    """Claim up to `limit` due credentials under a lease, fairly.

    Organisations take turns (each one's oldest due credential first), and no issuer host gets
    more than `host_limit` credentials in flight across all workers, so one tenant's backlog or
    one slow host cannot hold every slot. A claim whose worker died expires with its lease.
    """
    moment = now or utcnow()
    token = uuid.uuid4().hex
    with write_transaction():  # a limit below 1 would hold every linked credential back forever
        ids = _lock_free(_fair_pick(moment, limit, max(1, host_limit)), moment)
        if ids:
            Credential.update(
                claimed_by=worker,
                claimed_until=moment + lease,
                claim_token=token,
                status=CredentialStatus.VERIFYING.value,
            ).where(Credential.id.in_(ids) & _free(moment)).execute()
    claimed = Credential.select(Credential.id).where(Credential.claim_token == token)
    return Claim(token, sorted(row.id for row in claimed) if ids else [])


def _free(moment: datetime) -> peewee.Expression:
    return Credential.claimed_until.is_null() | (Credential.claimed_until < moment)


def _due(moment: datetime) -> peewee.Expression:
    return (Credential.status == CredentialStatus.QUEUED.value) | (
        Credential.next_check_at <= moment
    )


def any_due(now: datetime | None = None) -> bool:
    """Whether any unclaimed credential is due (held back by a host's limit, or not claimed)."""
    moment = now or utcnow()
    return bool(Credential.select(Credential.id).where(_due(moment) & _free(moment)).exists())


def _fair_pick(moment: datetime, limit: int, host_limit: int) -> list[int]:
    """Due credentials in round-robin order of organisation, within each host's limit."""
    turn = peewee.fn.ROW_NUMBER().over(
        partition_by=[Credential.organization],
        order_by=[Credential.next_check_at, Credential.id],
    )
    ranked = Credential.select(
        Credential.id, Credential.source_host, Credential.next_check_at, turn.alias("turn")
    ).where(_due(moment) & _free(moment))
    pool = (
        Credential.select(ranked.c.id, ranked.c.source_host)
        .from_(ranked)
        .where(ranked.c.turn <= limit * 4)
        .order_by(ranked.c.turn, ranked.c.next_check_at, ranked.c.id)
        .limit(limit * 16)
    )
    busy = dict(
        Credential.select(Credential.source_host, peewee.fn.COUNT(Credential.id))
        .where((Credential.claimed_until >= moment) & (Credential.source_host != ""))
        .group_by(Credential.source_host)
        .tuples()
    )
    picked: list[int] = []
    for credential_id, host in pool.tuples():
        if host and busy.get(host, 0) >= host_limit:
            continue
        if host:
            busy[host] = busy.get(host, 0) + 1
        picked.append(credential_id)
        if len(picked) == limit:
            break
    return picked


def _lock_free(ids: list[int], moment: datetime) -> list[int]:
    """Those of `ids` still free, locked against other workers (skipped if one holds them)."""
    if not ids:
        return []
    query = Credential.select(Credential.id).where(Credential.id.in_(ids) & _free(moment))
    if isinstance(db.obj, peewee.PostgresqlDatabase):
        query = query.for_update("FOR UPDATE SKIP LOCKED")
    return [row.id for row in query]


def renew(token: str, now: datetime | None = None, *, lease: timedelta = LEASE) -> int:
    """Extend the lease of the claim's credentials still in flight (the heartbeat); rows hit."""
    moment = now or utcnow()
    with prepared.one_writer(), write_transaction():
        return int(
            Credential.update(claimed_until=moment + lease)
            .where(Credential.claim_token == token)
            .execute()
        )


def release(token: str, ids: Sequence[int]) -> int:
    """Give back claimed credentials not started (a worker stopping): due again at once."""
    if not ids:
        return 0
    with prepared.one_writer(), write_transaction():
        released = int(
            Credential.update(
                claimed_by=None,
                claimed_until=None,
                claim_token=None,
                status=CredentialStatus.QUEUED.value,
            )
            .where((Credential.claim_token == token) & Credential.id.in_(list(ids)))
            .execute()
        )
    wakeup.work_queued()  # another worker may take them now
    return released


class ClaimLost(Exception):
    """The claim no longer holds the credential: another worker took it after the lease."""


def verify_credential(
    credential_id: int,
    fetcher: Fetcher,
    *,
    now: datetime | None = None,
    claim: str | None = None,
    unreachable_after: timedelta = alerts.DEFAULT_UNREACHABLE_AFTER,
    emails: Sequence[str] | None = None,
    refresh_candidate: bool = True,
    names: Sequence[str] | None = None,
) -> VerificationRun | None:
    """Verify one stored credential, append the run and raise any alert; None if not stored.

    With a `claim` token the result is stored only while that claim still holds the credential
    (checked in the same UPDATE): a worker paused past its lease, whose credential another
    worker has claimed and verified since, must not write its stale verdict over the newer one.
    A worker passes the candidate's `emails` and `names` it loaded for the whole batch and
    refreshes the candidate's state itself (`refresh_candidate=False`, see `batches.BatchProgress`).
    """
    credential = statements.source_of(credential_id)
    if credential is None:
        return None
    started = utcnow()
    recorder = RecordingFetcher(fetcher)
    addresses = _emails(credential) if emails is None else emails
    held_by = _names(credential) if names is None else names
    result = verify(
        _source(credential),
        fetcher=recorder,
        now=now or started,
        emails=addresses,
        names=held_by,
    )
    image = _image(credential, result, recorder)
    try:
        with prepared.one_writer(), write_transaction():
            current = statements.state_of(credential_id)  # as it is now, locked
            if current is None:
                return None
            if claim is not None and current.claim_token != claim:
                raise ClaimLost(credential_id)
            run = _store_run(current, result, started, recorder)
            _apply(current, result, started, claim)
            alerts.on_run(current, run, now or started, unreachable_after)
            if image is not None:
                _store_image(credential, *image)
    except ClaimLost:
        log.warning("claim on credential %s lost before its result was stored", credential_id)
        return None
    if refresh_candidate:
        candidate_service.refresh_state(credential.candidate_id)
    wakeup.result_stored()
    return run


def _source(credential: Credential) -> Source:
    if credential.source_url:
        return Source.from_url(credential.source_url)
    return Source.from_bytes(
        bytes(credential.source_data or b""), credential.source_name or "upload"
    )


def _emails(credential: Credential) -> list[str]:
    rows = CandidateEmail.select(CandidateEmail.email).where(
        CandidateEmail.candidate == credential.candidate_id
    )
    return [email for (email,) in rows.tuples()]


def _names(credential: Credential) -> list[str]:
    """The candidate's name, which a course certificate page must show as its holder."""
    rows = Candidate.select(Candidate.name).where(Candidate.id == credential.candidate_id)
    return [name for (name,) in rows.tuples() if name.strip()]


def _store_run(
    credential: Credential,
    result: VerificationResult,
    started: datetime,
    recorder: RecordingFetcher,
) -> VerificationRun:
    fields: dict[str, object] = {
        "organization": credential.organization_id,
        "credential": credential,
        "trigger": credential.queued_trigger,
        "triggered_by": credential.queued_by_id,
        "started_at": started,
        "finished_at": utcnow(),
        "verdict": result.verdict.value,
        "format": result.format,
        "recipient": result.recipient.value,
        "elapsed_ms": result.elapsed_ms,
        "result_json": json.dumps(result.to_dict(), ensure_ascii=False),
    }
    run = statements.insert_run(fields)
    documents = [
        {
            "organization": credential.organization_id,
            "run": run.id,
            "url": url,
            "status": response.status,
            "sha256": hashlib.sha256(response.content).hexdigest(),
            "content_type": response.headers.get("content-type", "")[:128],
            "body": response.content if len(response.content) <= MAX_EVIDENCE_BYTES else None,
        }
        for url, response in recorder.responses.items()
    ]
    if documents:
        statements.insert_documents(documents)
    return run


def _apply(
    credential: Credential, result: VerificationResult, now: datetime, claim: str | None
) -> None:
    keep_last_good = result.verdict is Verdict.UNREACHABLE and credential.verdict not in (
        None,
        Verdict.UNREACHABLE.value,
    )
    attempts = credential.attempts + 1 if result.verdict is Verdict.UNREACHABLE else 0
    retry = timedelta(minutes=min(2 ** min(attempts, 9), 360))
    fields: dict[str, object] = {
        "verdict": credential.verdict if keep_last_good else result.verdict.value,
        "stale": keep_last_good,
        "attempts": attempts,
        "last_checked_at": now,
        "next_check_at": now + (retry if attempts else RECHECK_AFTER),
        "queued_trigger": "schedule",
        "queued_by": None,
    }
    if not keep_last_good:
        fields.update(_evidence_fields(result))
    fields.update(_evidence_revision(credential, fields))
    status = CredentialStatus.DONE.value
    if credential.status == CredentialStatus.QUEUED.value:
        # "Verify again" was pressed while this run was under way: honour it, don't swallow it.
        status = CredentialStatus.QUEUED.value
        fields.update(next_check_at=now)
        del fields["queued_trigger"], fields["queued_by"]
    release = {"status": status, "claimed_by": None, "claimed_until": None, "claim_token": None}
    if claim is not None:
        # The fence: a claim that lost the credential changes nothing (the run rolls back too).
        if not statements.update_credential(credential.id, {**fields, **release}, claim):
            raise ClaimLost(credential.id)
    elif credential.claim_token is None:
        statements.update_credential(credential.id, {**fields, **release}, None)
    else:  # verified outside the queue while a worker holds it: leave that claim alone
        statements.update_credential(credential.id, fields, None)


def _evidence_revision(credential: Credential, fields: dict[str, object]) -> dict[str, object]:
    """A new evidence revision for the organisation when what ranking reads changed: cached
    rankings then rescore this candidate only; a re-verification that changed nothing (most of
    a nightly pass) leaves them alone."""
    digest = credential.evidence_sha256
    if "skills_json" in fields:  # evidence was read again (not kept from the last good run)
        digest = hashlib.sha256(repr([fields[name] for name in RANKED_FIELDS]).encode()).hexdigest()
    unchanged = (
        digest == credential.evidence_sha256
        and fields["verdict"] == credential.verdict
        and fields["stale"] == bool(credential.stale)
    )
    if unchanged:
        return {}
    if "skills_json" in fields:
        skill_service.remember_evidence_skills(
            credential.organization_id, str(fields["skills_json"])
        )
    return {
        "evidence_sha256": digest,
        "evidence_revision": next_evidence_revision(credential.organization_id),
    }


def next_evidence_revision(organization_id: int) -> int:
    """Bump the organisation's evidence revision (inside the run's transaction: on PostgreSQL
    the row lock orders the bumps as their commits, so a reader never misses one)."""
    Organization.update(evidence_revision=Organization.evidence_revision + 1).where(
        Organization.id == organization_id
    ).execute()
    query = Organization.select(Organization.evidence_revision).where(
        Organization.id == organization_id
    )
    return int(query.scalar() or 0)


RANKED_FIELDS = (
    "achievement_name",
    "issuer_name",
    "issuer_url",
    "issued_on",
    "expires",
    "skills_json",
)


def _evidence_fields(result: VerificationResult) -> dict[str, object]:
    issuer, achievement = result.issuer, result.achievement
    return {
        "format": result.format[:32],
        "issuer_name": ((issuer.name if issuer else None) or "")[:300],
        # The identity the proof or hosting binds (profile URL, DID), not a self-declared homepage:
        # issuer trust in ranking keys on it.
        "issuer_url": (issuer.id or issuer.url or "") if issuer else "",
        "achievement_name": ((achievement.name if achievement else None) or "")[:300],
        "achievement_type": ((achievement.type if achievement else None) or "")[:100],
        "description": (achievement.description or "") if achievement else "",
        "criteria": (achievement.criteria or "") if achievement else "",
        "image_url": (achievement.image or "") if achievement else "",
        "issued_on": result.issued_on,
        "expires": result.expires,
        "recipient": result.recipient.value,
        "recipient_detail": result.recipient_detail or "",
        "recipient_identity": (result.recipient_identity or "").strip().lower()[:320],
        "subject_id": (result.subject_id or "")[:2000],
        "subject_name": (result.subject_name or "")[:200],
        "skills_json": json.dumps(_skills_of(result)),
        "assertion_id": (result.credential_id or "")[:500] or None,
    }


def _skills_of(result: VerificationResult) -> list[dict[str, object]]:
    """Alignments (with the level the credential carries, if any), then tags, for ranking."""
    achievement = result.achievement
    level = achievement.results[0] if achievement and achievement.results else None
    skills: list[dict[str, object]] = [
        {**skill.to_dict(), **({"level": level} if level else {})} for skill in result.skills
    ]
    aligned = {str(item["name"]).casefold() for item in skills}
    for tag in achievement.tags if achievement else ():
        if tag.strip() and tag.casefold() not in aligned:
            skills.append({"name": tag.strip()[:200], "kind": "tag"})
    return skills


def _image(
    credential: Credential, result: VerificationResult, recorder: RecordingFetcher
) -> tuple[str, bytes] | None:
    """The badge image: the uploaded file itself when baked, else fetched by its URL."""
    data = bytes(credential.source_data or b"")
    if data[:8] == b"\x89PNG\r\n\x1a\n" or _is_svg(data):
        return _cleaned(data)
    url = result.achievement.image if result.achievement else None
    if not url or not url.startswith(("http://", "https://")):
        return None
    try:
        response = recorder.fetch(url, accept=ACCEPT_IMAGE, max_bytes=images.MAX_IMAGE_BYTES)
    except FetchError as error:
        log.info("badge image not fetched: %s", error.detail)
        return None
    return _cleaned(response.content) if response.ok else None


def _is_svg(data: bytes) -> bool:
    """An uploaded SVG image, not a JSON or JWS file that merely mentions <svg."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"<svg" in head.lower()


def _cleaned(data: bytes) -> tuple[str, bytes] | None:
    try:
        return images.clean(data)
    except images.ImageRejected as error:
        log.info("badge image rejected: %s", error)
        return None


def stored_image(credential: Credential) -> CredentialImage | None:
    """The credential's sanitised badge image, if one was fetched or baked."""
    return (
        CredentialImage.of(credential.organization_id)
        .where(CredentialImage.credential == credential)
        .first()
    )


def has_image(credential: Credential) -> bool:
    return bool(
        CredentialImage.select(CredentialImage.id)
        .where(CredentialImage.credential == credential)
        .exists()
    )


def _store_image(credential: Credential, content_type: str, data: bytes) -> None:
    digest = hashlib.sha256(data).hexdigest()
    if digest in statements.image_digests(credential.id):
        return  # the same image: nothing to replace
    CredentialImage.delete().where(CredentialImage.credential == credential).execute()
    CredentialImage.create(
        organization=credential.organization_id,
        credential=credential,
        content_type=content_type,
        data=data,
        sha256=digest,
    )


def runs_of(credential: Credential) -> Sequence[VerificationRun]:
    return list(
        VerificationRun.select()
        .where(VerificationRun.credential == credential)
        .order_by(VerificationRun.started_at.desc(), VerificationRun.id.desc())
    )


def progress_token(candidate: Candidate) -> str:
    """Changes whenever one of the candidate's credentials is added, removed, queued, verified
    or re-verified, a profile import moves on, the candidate's state changes or they prove an
    identity: what a page waiting for verdicts shows."""
    rows = (
        Credential.select(
            Credential.id,
            Credential.status,
            Credential.verdict,
            Credential.stale,
            Credential.last_checked_at,
        )
        .where(Credential.candidate == candidate)
        .order_by(Credential.id)
        .tuples()
    )
    state = Candidate.select(Candidate.state).where(Candidate.id == candidate).scalar()
    proofs = (  # a proof makes the candidate's badges "proven": pages waiting show it
        ProvenIdentity.select(ProvenIdentity.id, ProvenIdentity.proven_at)
        .where(ProvenIdentity.candidate == candidate)
        .order_by(ProvenIdentity.id)
        .tuples()
    )
    profiles = (
        ProfileImport.select(
            ProfileImport.id, ProfileImport.status, ProfileImport.found, ProfileImport.added
        )
        .where(ProfileImport.candidate == candidate)
        .order_by(ProfileImport.id)
        .tuples()
    )
    text = repr((state, list(rows), list(proofs), list(profiles)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def latest_checks(credential_ids: Sequence[int]) -> dict[int, tuple[str, list[dict[str, Any]]]]:
    """Each credential's latest run as (verdict, checks), in two queries however many."""
    if not credential_ids:
        return {}
    latest = (
        VerificationRun.select(peewee.fn.MAX(VerificationRun.id))
        .where(VerificationRun.credential.in_(list(credential_ids)))
        .group_by(VerificationRun.credential)
    )
    query = VerificationRun.select(
        VerificationRun.credential, VerificationRun.verdict, VerificationRun.result_json
    ).where(VerificationRun.id.in_(latest))
    return {
        run.credential_id: (run.verdict, json.loads(run.result_json).get("checks", []))
        for run in query
    }


def credentials_by_candidate(candidate_ids: Sequence[int]) -> dict[int, list[Credential]]:
    """Each candidate's credentials in one query (a list page's rows), oldest first."""
    found: dict[int, list[Credential]] = {candidate_id: [] for candidate_id in candidate_ids}
    query = Credential.select().where(Credential.candidate.in_(list(found)))
    for credential in query.order_by(Credential.id):
        found[credential.candidate_id].append(credential)
    return found


def credentials_of(candidate: Candidate) -> list[Credential]:
    return list(
        Credential.select().where(Credential.candidate == candidate).order_by(Credential.id)
    )


def enqueue_all(organization_id: int, now: datetime | None = None) -> int:
    """Make every settled credential of an organisation due now (the nightly pass)."""
    moment = now or utcnow()
    return int(
        Credential.update(next_check_at=moment, queued_trigger="schedule", queued_by=None)
        .where(
            (Credential.organization == organization_id)
            & (Credential.status == CredentialStatus.DONE.value)
            & (Credential.next_check_at > moment)
        )
        .execute()
    )
