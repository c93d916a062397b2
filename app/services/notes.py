"""Dated, attributed notes on candidates."""

from __future__ import annotations

import peewee

from app.models import Candidate, CandidateNote, User
from app.services.accounts import audit
from app.services.candidates import CandidateError

MAX_NOTE_CHARS = 5000


def add(candidate: Candidate, author: User, body: str) -> CandidateNote:
    """A note by `author`, stamped now; empty or oversized text is refused."""
    text = body.strip()
    if not text:
        raise CandidateError("Write something before adding the note.")
    if len(text) > MAX_NOTE_CHARS:
        raise CandidateError(f"A note holds at most {MAX_NOTE_CHARS} characters.")
    note = CandidateNote.create(
        organization=candidate.organization_id, candidate=candidate, author=author, body=text
    )
    audit(candidate.organization_id, author, "note.added", "candidate", str(candidate.id))
    return note


def of(candidate: Candidate) -> list[CandidateNote]:
    """The candidate's notes, newest first, with their authors."""
    return list(
        CandidateNote.select(CandidateNote, User)
        .join(User, peewee.JOIN.LEFT_OUTER, on=(CandidateNote.author == User.id))
        .where(CandidateNote.candidate == candidate)
        .order_by(CandidateNote.created_at.desc(), CandidateNote.id.desc())
    )
