"""What the user handed us: a URL, or bytes (a file, stdin, an upload)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """`target` is the argument verbatim, echoed in the result; exactly one of url/data is set."""

    target: str
    url: str | None = None
    data: bytes | None = None

    @classmethod
    def from_url(cls, url: str) -> Source:
        return cls(target=url, url=url)

    @classmethod
    def from_bytes(cls, data: bytes, target: str) -> Source:
        return cls(target=target, data=data)
