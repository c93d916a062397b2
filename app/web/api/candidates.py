"""Candidates over the API: list, create with credentials, show, update, delete."""

from __future__ import annotations

import hashlib

import peewee
from flask import Response, jsonify, request, url_for

from app.models import Candidate, CandidateEmail, CandidateState, Credential
from app.services import candidates as candidate_service
from app.services import intake, verification
from app.services.candidates import CandidateError
from app.services.intake import IntakeError
from app.verification import profiles
from app.web.api import bp, serialise
from app.web.api.common import (
    Fields,
    created,
    decode_document,
    json_body,
    org_id,
    owned,
    paginated,
    token,
)
from app.web.api.errors import ApiError
from app.web.api.writes import atomic

CANDIDATE_FIELDS = ("name", "emails", "notes", "credentials")
UPDATE_FIELDS = ("name", "emails", "notes", "archived")
CREDENTIAL_FIELDS = ("url", "document", "document_base64", "filename")
MAX_CREDENTIALS = 50
STATES = {state.value for state in CandidateState}

Item = tuple[str, str | None, bytes | None]  # (label, url, data), as decode_document gives


@bp.get("/candidates")
def list_candidates() -> Response:
    """Candidates of the organisation, filtered by text, state and archive, newest first."""
    args = request.args
    archived = args.get("archived", "false")
    state = args.get("state", "")
    if archived not in {"true", "false"} or (state and state not in STATES):
        fields = {"archived": "true or false", "state": "one of " + ", ".join(sorted(STATES))}
        raise ApiError(422, "Some query parameters are not valid.", details={"fields": fields})
    query = Candidate.of(org_id()).where(Candidate.archived == (archived == "true"))
    text = args.get("q", "").strip().lower()
    if text:
        pattern = f"%{text[:200]}%"
        by_email = CandidateEmail.select(CandidateEmail.candidate).where(
            CandidateEmail.email**pattern
        )
        query = query.where(
            (peewee.fn.LOWER(Candidate.name) ** pattern) | Candidate.id.in_(by_email)
        )
    if state:
        query = query.where(Candidate.state == state)
    order = (Candidate.created_at.desc(), Candidate.id.desc())
    return paginated(query.order_by(*order), serialise.candidates)


@bp.post("/candidates")
@atomic
def create_candidate() -> Response:
    """A new candidate with e-mail addresses and credentials (links or documents) queued."""
    body = json_body(CANDIDATE_FIELDS)
    fields = Fields(body)
    name = fields.string("name", required=True, max_length=200)
    if name is not None and not name.strip():
        fields.fail("name", "must not be blank")
    notes = fields.string("notes") or ""
    emails = _emails(fields)
    items = _credential_items(fields, body.get("credentials"))
    fields.check()
    candidate = candidate_service.create(token().organization, name or "", emails or [], notes)
    _add(candidate, items)
    location = url_for("api.show_candidate", candidate_id=candidate.id)
    return created(serialise.candidate(Candidate.get_by_id(candidate.id)), location)


@bp.get("/candidates/<int:candidate_id>")
def show_candidate(candidate_id: int) -> Response:
    """One candidate with addresses and credentials."""
    return jsonify(serialise.candidate(owned(Candidate, candidate_id)))


@bp.patch("/candidates/<int:candidate_id>")
@atomic
def update_candidate(candidate_id: int) -> Response:
    """Change name, addresses (the whole list), notes, or archive / unarchive."""
    candidate = owned(Candidate, candidate_id)
    fields = Fields(json_body(UPDATE_FIELDS))
    name = fields.string("name", max_length=200)
    if name is not None and not name.strip():
        fields.fail("name", "must not be blank")
    notes = fields.string("notes")
    emails = _emails(fields)
    archived = fields.boolean("archived")
    fields.check()
    before = candidate_service.emails_of(candidate)
    old_name = candidate.name
    candidate_service.update(
        candidate,
        candidate.name if name is None else name,
        before if emails is None else emails,
        candidate.notes if notes is None else notes,
    )
    renamed = candidate.name != old_name
    if renamed or (emails is not None and set(emails) != set(before)):
        verification.recheck_recipients(candidate, trigger="api")
    if archived is not None:
        candidate_service.set_archived(candidate, archived)
    return jsonify(serialise.candidate(Candidate.get_by_id(candidate.id)))


@bp.delete("/candidates/<int:candidate_id>")
@atomic
def delete_candidate(candidate_id: int) -> Response:
    """Delete the candidate with every credential, run and document (privacy erasure)."""
    candidate_service.delete(owned(Candidate, candidate_id), None, via=f"token:{token().id}")
    return Response(status=204)


@bp.get("/candidates/<int:candidate_id>/credentials")
def list_credentials(candidate_id: int) -> Response:
    """The candidate's credentials with their current verdicts."""
    candidate = owned(Candidate, candidate_id)
    query = Credential.of(org_id()).where(Credential.candidate == candidate).order_by(Credential.id)
    return paginated(query, lambda rows: [serialise.credential_summary(row) for row in rows])


@bp.post("/candidates/<int:candidate_id>/credentials")
@atomic
def add_credential(candidate_id: int) -> Response:
    """Queue one credential (a link, or a document) for verification."""
    candidate = owned(Candidate, candidate_id)
    fields = Fields(json_body(CREDENTIAL_FIELDS))
    item = decode_document(fields, fields.body, "")
    fields.check()
    _label, url, _data = item
    if url and profiles.match(url):
        return _add_profile(candidate, url)
    added = _add(candidate, [item], single=True)
    if not added:
        existing = _existing(candidate, item)
        details = {"credential_id": existing.id if existing else None}
        raise ApiError(409, "The candidate already has this credential.", details=details)
    credential = added[0]
    location = url_for("api.show_credential", credential_id=credential.id)
    return created(serialise.credential_summary(Credential.get_by_id(credential.id)), location)


def _add_profile(candidate: Candidate, url: str) -> Response:
    """A profile link: queued for the worker, which adds one credential per public badge."""
    try:
        (row,) = intake.add_links(candidate, [url]).profiles
    except IntakeError as error:
        raise ApiError(422, str(error), details={"fields": {"url": str(error)}}) from None
    response = jsonify(serialise.profile(row))
    response.status_code = 202
    response.headers["Location"] = url_for("api.show_candidate", candidate_id=candidate.id)
    return response


def _emails(fields: Fields) -> list[str] | None:
    given = fields.strings("emails", max_items=20)
    if given is None:
        return None
    try:
        return candidate_service.parse_emails(given)
    except CandidateError as error:
        fields.fail("emails", str(error))
        return None


def _credential_items(fields: Fields, value: object) -> list[Item]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_CREDENTIALS:
        fields.fail("credentials", f"a list of at most {MAX_CREDENTIALS} objects")
        return []
    items = []
    for index, item in enumerate(value):
        prefix = f"credentials[{index}]."
        if not isinstance(item, dict) or set(item) - set(CREDENTIAL_FIELDS):
            fields.fail(f"credentials[{index}]", "an object with url, document or document_base64")
            continue
        items.append(decode_document(fields, item, prefix))
    return items


def _add(candidate: Candidate, items: list[Item], single: bool = False) -> list[Credential]:
    """Queue each item; one the candidate already has is skipped, one that is no badge is a 422
    (the view's transaction rolls back: nothing of the request is kept)."""
    try:
        added = intake.add_links(candidate, [url for _, url, _ in items if url]).credentials
    except IntakeError as error:
        raise ApiError(422, str(error), details={"fields": {"credentials": str(error)}}) from None
    for index, (label, url, data) in enumerate(items):
        if url is None and data is not None:
            try:
                credential = intake.add_file(candidate, label, data)
            except IntakeError as error:
                name = "document" if single else f"credentials[{index}]"
                raise ApiError(422, str(error), details={"fields": {name: str(error)}}) from None
            if credential is not None:
                added.append(credential)
    return added


def _existing(candidate: Candidate, item: Item) -> Credential | None:
    _, url, data = item
    if url:
        key = "url:" + intake.url_key(url)[:290]
    else:
        key = "sha256:" + hashlib.sha256(data or b"").hexdigest()
    return Credential.get_or_none(
        (Credential.candidate == candidate) & (Credential.dedupe_key == key)
    )
