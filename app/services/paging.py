"""One page of a longer list, for any list the screens page through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import peewee

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    total: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def paginate(query: peewee.ModelSelect, requested: int, size: int) -> Page[T]:
    """Page `requested` of `query` (already ordered), moved into range when past either end."""
    total = query.count()
    number = max(1, min(requested, max(1, -(-total // size))))
    return Page(list(query.paginate(number, size)), number, total, size)
