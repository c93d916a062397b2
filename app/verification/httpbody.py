"""Reading a response body under a size cap, decompressing without letting a bomb explode."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping

from .fetcher import FetchError, FetchFailure

# We ask only for these, so anything else is a server ignoring Accept-Encoding.
ACCEPT_ENCODING = "gzip, deflate"
_GZIP = 16 + zlib.MAX_WBITS


class _TooLarge(Exception):
    pass


class BoundedDecoder:
    """Decode one Content-Encoding, refusing to produce more than `limit` bytes in total."""

    def __init__(self, encoding: str, limit: int) -> None:
        self._encoding = encoding
        self._limit = limit
        self._produced = 0
        self._zlib = _decompressor(encoding)
        self._first = True

    def feed(self, data: bytes) -> bytes:
        """Decoded bytes for the next raw chunk; raises _TooLarge past the limit."""
        if self._zlib is None:
            return self._count(data)
        if self._first and self._encoding == "deflate":
            self._first = False
            return self._deflate_first(data)
        return self._inflate(data)

    def flush(self) -> bytes:
        """Whatever the decompressor still holds once the body has ended."""
        if self._zlib is None:
            return b""
        return self._count(self._zlib.flush(self._room()))

    def _deflate_first(self, data: bytes) -> bytes:
        # Servers send "deflate" both zlib-wrapped (as specified) and raw.
        try:
            return self._inflate(data)
        except zlib.error:
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            self._produced = 0
            return self._inflate(data)

    def _inflate(self, data: bytes) -> bytes:
        assert self._zlib is not None
        out = bytearray()
        while data:
            out += self._count(self._zlib.decompress(data, self._room()))
            data = self._zlib.unconsumed_tail
        return bytes(out)

    def _room(self) -> int:
        return self._limit + 1 - self._produced  # always >= 1: zero would mean "unbounded"

    def _count(self, data: bytes) -> bytes:
        self._produced += len(data)
        if self._produced > self._limit:
            raise _TooLarge
        return data


def _decompressor(encoding: str) -> zlib._Decompress | None:
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(_GZIP)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise ValueError(encoding)


def read_body(url: str, headers: Mapping[str, str], chunks: Iterable[bytes], limit: int) -> bytes:
    """The decoded body of a response with these (lower-case) headers, read from its raw
    `chunks`, or FetchError(TOO_LARGE) as soon as it is known to pass `limit`."""
    declared = headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise too_large(url, limit)
    decoder = _decoder(url, headers, limit)
    try:
        return _drain(chunks, decoder, limit)
    except _TooLarge:
        raise too_large(url, limit) from None
    except zlib.error:
        raise FetchError(
            url, FetchFailure.PROTOCOL, "the server sent a damaged compressed document"
        ) from None


def _drain(chunks: Iterable[bytes], decoder: BoundedDecoder, limit: int) -> bytes:
    body = bytearray()
    received = 0
    for chunk in chunks:
        received += len(chunk)
        if received > limit:
            raise _TooLarge
        body += decoder.feed(chunk)
    body += decoder.flush()
    return bytes(body)


def _decoder(url: str, headers: Mapping[str, str], limit: int) -> BoundedDecoder:
    encoding = headers.get("content-encoding", "").strip().lower()
    try:
        return BoundedDecoder(encoding, limit)
    except ValueError:
        detail = (
            f"the server compressed the document in a format Skillproof does not read ({encoding})"
        )
        raise FetchError(url, FetchFailure.PROTOCOL, detail) from None


def too_large(url: str, limit: int) -> FetchError:
    """The error for a body over the cap, with the cap in plain units."""
    return FetchError(url, FetchFailure.TOO_LARGE, f"the document is larger than {_size(limit)}")


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit / 1024:g} kB" if limit >= 1024 else f"{limit} bytes"
