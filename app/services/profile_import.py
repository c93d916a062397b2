"""Expanding profile links: the worker claims a queued profile import, reads the profile's
machine form through the safe fetcher, page by page, and queues one credential per badge."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee

from app.db import write_transaction
from app.models import Candidate, ProfileImport, ProfileStatus, utcnow
from app.services import candidates as candidate_service
from app.services import intake, invites, prepared, wakeup
from app.verification import profiles
from app.verification.detect import JsonError, parse_json
from app.verification.fetcher import ACCEPT_JSON, Fetcher, FetchError, FetchResponse

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
PER_PASS = 4  # profile imports one worker pass expands at most, before verifying badges
PROVIDER_LIMIT = 2  # imports reading one platform at once, across all workers
PER_ORGANIZATION = 4  # each organisation's oldest due imports looked at per claim
DUE_WINDOW = 400  # due imports looked at per claim at most


@dataclass(frozen=True)
class Claimed:
    """A profile import one worker holds; `token` fences every write of its progress."""

    id: int
    token: str


class _Failed(Exception):
    """The import cannot go on; the message is for the recruiter."""


class _Lost(Exception):
    """Another worker holds the import now."""


def of(candidate: Candidate) -> list[ProfileImport]:
    """The candidate's profile links, oldest first."""
    return list(
        ProfileImport.select()
        .where(ProfileImport.candidate == candidate.id)
        .order_by(ProfileImport.id)
    )


def by_candidate(candidate_ids: list[int]) -> dict[int, list[ProfileImport]]:
    """The profile links of many candidates in one query, oldest first."""
    found: dict[int, list[ProfileImport]] = {}
    if not candidate_ids:
        return found
    query = (
        ProfileImport.select()
        .where(ProfileImport.candidate.in_(candidate_ids))
        .order_by(ProfileImport.id)
    )
    for row in query:
        found.setdefault(row.candidate_id, []).append(row)
    return found


def remove(row: ProfileImport) -> None:
    """Forget a profile link; the credentials it added stay, each with its own verdict."""
    ProfileImport.delete().where(ProfileImport.id == row.id).execute()
    candidate_service.refresh_state(row.candidate_id)
    wakeup.result_stored()


def _due(moment: datetime) -> peewee.Expression:
    queued = ProfileImport.status == ProfileStatus.QUEUED.value
    abandoned = (ProfileImport.status == ProfileStatus.IMPORTING.value) & (
        ProfileImport.claimed_until < moment
    )
    return queued | abandoned


def any_due(now: datetime | None = None) -> bool:
    """Whether a profile import waits for a worker (queued, or its worker's lease ran out)."""
    return bool(ProfileImport.select(ProfileImport.id).where(_due(now or utcnow())).exists())


def claim_next(
    worker: str, now: datetime | None = None, *, lease: timedelta = LEASE
) -> Claimed | None:
    """Claim a due profile import under a lease, fairly; None when none may start now.

    Organisations take turns (the one with the fewest imports in flight first, then the oldest
    link), and no platform is read by more than PROVIDER_LIMIT imports at once across all
    workers, so one tenant's pile of profiles cannot hold every worker and Credly is not
    flooded. The UPDATE re-checks that the row is still due, so two workers never both win it.
    """
    moment = now or utcnow()
    token = uuid.uuid4().hex
    with prepared.one_writer(), write_transaction():
        chosen = _fair_pick(moment)
        if chosen is None:
            return None
        taken = (
            ProfileImport.update(
                status=ProfileStatus.IMPORTING.value,
                claimed_by=worker[:64],
                claimed_until=moment + lease,
                claim_token=token,
                found=0,
                added=0,
                detail="",
            )
            .where((ProfileImport.id == chosen) & _due(moment))
            .execute()
        )
    return Claimed(chosen, token) if taken else None


def _fair_pick(moment: datetime) -> int | None:
    """The due import to start next: fewest in flight for its organisation, oldest first,
    on a platform with a free slot."""
    in_flight = (ProfileImport.status == ProfileStatus.IMPORTING.value) & (
        ProfileImport.claimed_until >= moment
    )
    by_org, by_provider = (
        _counts(in_flight, ProfileImport.organization),
        _counts(in_flight, ProfileImport.provider),
    )
    turn = peewee.fn.ROW_NUMBER().over(
        partition_by=[ProfileImport.organization], order_by=[ProfileImport.id]
    )
    oldest = ProfileImport.select(
        ProfileImport.id, ProfileImport.organization, ProfileImport.provider, turn.alias("turn")
    ).where(_due(moment))
    due = (
        ProfileImport.select(oldest.c.id, oldest.c.organization_id, oldest.c.provider)
        .from_(oldest)
        .where(oldest.c.turn <= PER_ORGANIZATION)  # each organisation's oldest few
        .order_by(oldest.c.id)
        .limit(DUE_WINDOW)
        .tuples()
    )
    ranked = [
        (by_org.get(organization, 0), row_id)
        for row_id, organization, provider in due
        if by_provider.get(provider, 0) < PROVIDER_LIMIT
    ]
    return min(ranked)[1] if ranked else None


def _counts(where: peewee.Expression, field: peewee.Field) -> dict[object, int]:
    query = ProfileImport.select(field, peewee.fn.COUNT(ProfileImport.id)).where(where)
    return dict(query.group_by(field).tuples())


def expand(claimed: Claimed, fetcher: Fetcher, *, lease: timedelta = LEASE) -> None:
    """Read the claimed profile page by page and queue a credential for each public badge.

    Progress is written after every page (fenced by the claim, renewing its lease), so the
    candidate's page shows badges as they are found; a claim lost to another worker stops.
    """
    row = ProfileImport.get_or_none(ProfileImport.id == claimed.id)
    if row is None:
        return
    match = profiles.match(row.url)
    if match is None:
        _finish(claimed, ProfileStatus.FAILED, "This is not a profile link Skillproof can read.")
        return
    try:
        found, added, more = _walk(claimed, row, match, fetcher, lease)
    except _Failed as failure:
        _finish(claimed, ProfileStatus.FAILED, str(failure))
        return
    except _Lost:
        log.warning("claim on profile import %s lost", claimed.id)
        return
    note = (
        f"Only the first {found} were taken: a profile is read up to {profiles.MAX_BADGES} "
        f"badges on {profiles.MAX_PAGES} pages."
        if more
        else ""
    )
    _finish(claimed, ProfileStatus.DONE, note, found=found, added=added)


def _walk(
    claimed: Claimed,
    row: ProfileImport,
    match: profiles.ProfileMatch,
    fetcher: Fetcher,
    lease: timedelta,
) -> tuple[int, int, bool]:
    """Every page of the profile (at most MAX_PAGES and MAX_BADGES): (badges found, added,
    whether the profile lists more than the caps let us read)."""
    candidate = Candidate.get_by_id(row.candidate_id)
    seen: set[str] = set()
    added, more = 0, False
    url: str | None = match.machine_url
    for _ in range(profiles.MAX_PAGES):
        if url is None or len(seen) >= profiles.MAX_BADGES:
            break
        page = _read(fetcher, url, match)
        new = [badge for badge in page.badges if badge not in seen]
        fresh = new[: profiles.MAX_BADGES - len(seen)]
        seen.update(fresh)
        queued = intake.add_urls(candidate, fresh)
        invites.adopt(row, queued)  # badges of a profile the candidate sent are theirs to remove
        added += len(queued)
        if not _progress(claimed, len(seen), added, lease):
            raise _Lost(claimed.id)
        url = page.next_url
        more = url is not None or len(new) > len(fresh)
    return len(seen), added, more


def _read(fetcher: Fetcher, url: str, match: profiles.ProfileMatch) -> profiles.ProfilePage:
    """One page of the machine form, or _Failed saying in plain words why not."""
    try:
        response = fetcher.fetch(url, accept=ACCEPT_JSON, revalidate=True)
    except FetchError as error:
        raise _Failed(
            f"{match.provider} could not be reached ({error.detail}). Try again later."
        ) from None
    problem = _status_problem(response, match)
    if problem:
        raise _Failed(problem)
    moved = profiles.match(response.url)
    if moved is None or moved.provider != match.provider or moved.handle != match.handle:
        raise _Failed(_PRIVATE.format(provider=match.provider, kind=match.kind))
    try:
        return profiles.read_page(match, parse_json(response.content))
    except (JsonError, profiles.ProfileFormatError):
        raise _Failed(
            f"{match.provider} did not answer with a public {match.kind}: it may be private, "
            "or the link may not be a profile."
        ) from None


_PRIVATE = (
    "This {provider} {kind} is not public (or was deleted, or the link is mistyped). Ask the "
    "candidate to make it public, or to send their badge links one by one."
)


def _status_problem(response: FetchResponse, match: profiles.ProfileMatch) -> str:
    if response.ok:
        return ""
    if response.status in (401, 403, 404, 410):
        return _PRIVATE.format(provider=match.provider, kind=match.kind)
    if response.status == 429 or response.status >= 500:
        return (
            f"{match.provider} is busy or down (it answered HTTP {response.status}). Try again "
            "in a few minutes."
        )
    return f"{match.provider} answered HTTP {response.status}, not a {match.kind}."


def _progress(claimed: Claimed, found: int, added: int, lease: timedelta) -> bool:
    """Store the counts so far and renew the lease; False when the claim was lost."""
    with prepared.one_writer(), write_transaction():
        kept = (
            ProfileImport.update(found=found, added=added, claimed_until=utcnow() + lease)
            .where((ProfileImport.id == claimed.id) & (ProfileImport.claim_token == claimed.token))
            .execute()
        )
    wakeup.result_stored()
    return bool(kept)


def _finish(
    claimed: Claimed, status: ProfileStatus, detail: str, *, found: int = 0, added: int = 0
) -> None:
    values: dict[str, object] = {
        "status": status.value,
        "detail": detail,
        "claimed_by": None,
        "claimed_until": None,
        "claim_token": None,
        "finished_at": utcnow(),
    }
    if status is ProfileStatus.DONE:
        values |= {"found": found, "added": added}
    with prepared.one_writer(), write_transaction():
        ProfileImport.update(values).where(
            (ProfileImport.id == claimed.id) & (ProfileImport.claim_token == claimed.token)
        ).execute()
    row = ProfileImport.get_or_none(ProfileImport.id == claimed.id)
    if row is not None:
        candidate_service.refresh_state(row.candidate_id)
    wakeup.result_stored()


def expand_due(
    worker: str, fetcher: Fetcher, *, lease: timedelta = LEASE, limit: int = PER_PASS
) -> int:
    """Claim and expand due profile imports, at most `limit`; how many were expanded."""
    done = 0
    while done < limit:
        claimed = claim_next(worker, lease=lease)
        if claimed is None:
            break
        try:
            expand(claimed, fetcher, lease=lease)
        except Exception:  # one broken profile must not stop the worker
            log.exception("expanding profile import %s failed", claimed.id)
            _finish(claimed, ProfileStatus.FAILED, "Reading this profile failed. Try again.")
        done += 1
    return done
