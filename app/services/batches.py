"""What a worker knows about the batch of credentials it claimed."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from app.models import Candidate, CandidateEmail, Credential
from app.services import candidates as candidate_service
from app.services import prepared, wakeup


class BatchProgress:
    """A claimed batch's candidates: their emails, and when their state needs recomputing.

    A candidate's state is recomputed when the first and when the last of its credentials in
    the batch finishes. In between, its other claimed credentials are still "verifying", so a
    recomputation could only give "pending" again: skipping it changes nothing a reader sees.
    """

    def __init__(self, credential_ids: Sequence[int]) -> None:
        rows = Credential.select(Credential.id, Credential.candidate).where(
            Credential.id.in_(list(credential_ids))
        )
        self._candidate_of: dict[int, int] = dict(rows.tuples())
        self._left: dict[int, int] = {}
        for candidate_id in self._candidate_of.values():
            self._left[candidate_id] = self._left.get(candidate_id, 0) + 1
        self._total = dict(self._left)
        self._lock = threading.Lock()
        self._emails: dict[int, list[str]] = {candidate_id: [] for candidate_id in self._left}
        addresses = CandidateEmail.select(CandidateEmail.candidate, CandidateEmail.email).where(
            CandidateEmail.candidate.in_(list(self._left))
        )
        for candidate_id, email in addresses.tuples():
            self._emails[candidate_id].append(email)
        people = Candidate.select(Candidate.id, Candidate.name).where(
            Candidate.id.in_(list(self._left))
        )
        self._names: dict[int, list[str]] = {
            candidate_id: [name] for candidate_id, name in people.tuples() if name.strip()
        }

    def emails_of(self, credential_id: int) -> list[str] | None:
        """The candidate's addresses; None for a credential not found when the batch loaded."""
        candidate_id = self._candidate_of.get(credential_id)
        return None if candidate_id is None else self._emails[candidate_id]

    def names_of(self, credential_id: int) -> list[str] | None:
        """The candidate's name(s); None for a credential not found when the batch loaded."""
        candidate_id = self._candidate_of.get(credential_id)
        return None if candidate_id is None else self._names.get(candidate_id, [])

    def finished(self, credential_id: int) -> None:
        """Record one credential done; recompute its candidate's state when first or last."""
        candidate_id = self._candidate_of.get(credential_id)
        if candidate_id is None:
            return
        with self._lock:
            self._left[candidate_id] -= 1
            left = self._left[candidate_id]
        if left in (0, self._total[candidate_id] - 1):
            with prepared.one_writer():
                candidate_service.refresh_state(candidate_id)
            wakeup.result_stored()
