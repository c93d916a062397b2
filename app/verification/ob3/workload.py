"""How much work a JSON-LD document asks for: counted, never timed, and where it is done.

A busy machine stretches time but not counts, so a valid credential gets the same verdict on a
loaded machine; a document past a count is `invalid`, "too complex to verify". Large documents
go to the heavy lane (app.verification.ob3.lane) so they never hold up small ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from app.verification.limits import checkpoint
from app.verification.ob3.errors import invalid
from app.verification.ob3.jsonld_processor import URDNA2015

CHECK = "canonicalization"
TOO_COMPLEX = "the credential is too complex to verify"
MAX_VALUES = 15_000  # JSON values in the document, counted before any JSON-LD processing
MAX_DEPTH = 64
MAX_EXPANSION_STEPS = 60_000  # elements pyld's expansion visits
MAX_QUADS = 5_000
MAX_BLANK_NODES = 2_000
MAX_WORK = 20_000  # hash rounds of RDFC-1.0: n-degree hashes plus the permutations they try
# Documents past either of these (JSON values, characters of strings and keys) go to the heavy
# lane (a child process), not this thread. The largest credentials of the corpus hold ~550
# values and 17 kB.
LANE_VALUES = 800
LANE_TEXT = 64 * 1024


class Budget:
    """Counts one document's JSON-LD work and stops it past a limit (or when cancelled)."""

    def __init__(self) -> None:
        self.steps = 0
        self.work = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_EXPANSION_STEPS:
            raise invalid(CHECK, TOO_COMPLEX)
        if self.steps % 256 == 0:
            checkpoint()

    def spend(self, amount: int) -> None:
        self.work += amount
        if self.work > MAX_WORK:
            raise invalid(CHECK, TOO_COMPLEX)
        checkpoint()


class BudgetedRdfc(URDNA2015):  # type: ignore[misc]
    """RDFC-1.0 (URDNA2015) that charges each n-degree hash and its permutations to a budget."""

    def __init__(self, budget: Budget) -> None:
        super().__init__()
        self.budget = budget

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self.budget.spend(1)
        return super().hash_n_degree_quads(id_, issuer)

    def create_hash_to_related(self, id_: str, issuer: Any) -> dict[str, list[str]]:
        related: dict[str, list[str]] = super().create_hash_to_related(id_, issuer)
        for nodes in related.values():
            self.budget.spend(math.factorial(min(len(nodes), 12)))
        return related


def measure(document: Any) -> int:
    """Count a document's JSON values; past MAX_VALUES or MAX_DEPTH it is too complex.

    Children are counted before they are visited, so a huge list is refused at once.
    """
    values = 1
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, Mapping) else node
        if not isinstance(node, Mapping | list):
            continue
        values += len(children)
        if values > MAX_VALUES or depth >= MAX_DEPTH:
            raise invalid(CHECK, TOO_COMPLEX)
        stack.extend((child, depth + 1) for child in children)
    return values


_INSIDE_HEAVY: ContextVar[bool] = ContextVar("skillproof_inside_heavy", default=False)


def goes_to_lane(document: Mapping[str, Any]) -> bool:
    """Whether this document's JSON-LD work belongs in the heavy lane."""
    return _INSIDE_HEAVY.get() or is_heavy(document)


@contextmanager
def within(document: Mapping[str, Any]) -> Iterator[None]:
    """Documents nested in a large one (a CLR's credentials, endorsements) go to the heavy lane
    too: each is small, but together they are the large document's work."""
    token = _INSIDE_HEAVY.set(_INSIDE_HEAVY.get() or is_heavy(document))
    try:
        yield
    finally:
        _INSIDE_HEAVY.reset(token)


def is_heavy(document: Any) -> bool:
    """More than LANE_VALUES values or LANE_TEXT characters of strings and keys.

    Counting stops as soon as the answer is known, so sizing a large document costs this
    thread (and the other checks sharing its interpreter) next to nothing.
    """
    values, text = 0, 0
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            text += len(node)
        elif isinstance(node, Mapping | list):
            values += len(node)
            if isinstance(node, Mapping):
                text += sum(len(key) for key in node if isinstance(key, str))
            if values > LANE_VALUES or text > LANE_TEXT:
                return True
            stack.extend(node.values() if isinstance(node, Mapping) else node)
        if text > LANE_TEXT:
            return True
    return False


def blank_nodes(quads: list[Any]) -> int:
    return len(
        {
            term["value"]
            for quad in quads
            for term in (quad["subject"], quad["object"])
            if term.get("type") == "blank node"
        }
    )
