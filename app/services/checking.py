"""Verification outside a request: the fetcher built from settings, and batches run concurrently."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from app import __version__
from app.config import Settings
from app.verification.fetcher import Fetcher
from app.verification.http import SafeFetcher
from app.verification.netpolicy import parse_allowlist
from app.verification.result import Check, Outcome, Verdict, VerificationResult
from app.verification.source import Source

MAX_FILE_BYTES = 10 * 1024 * 1024
DEFAULT_CONCURRENCY = 32


def build_fetcher(
    settings: Settings, *, extra_allow: str = "", connections: int = DEFAULT_CONCURRENCY
) -> SafeFetcher:
    """The one safe fetcher, configured from settings (allowlist, CA files, limits)."""
    allow = ",".join(filter(None, [settings.allow_private_hosts, extra_allow]))
    return SafeFetcher(
        allowlist=parse_allowlist(allow),
        ca_file=settings.ssl_cert_file or None,
        ca_dir=settings.ssl_cert_dir or None,
        total_timeout=settings.fetch_timeout,
        max_bytes=settings.fetch_max_bytes,
        max_connections=max(connections, 4),
        version=__version__,
    )


def source_for(target: str, stdin: bytes | None = None) -> Source | VerificationResult:
    """A Source for a CLI target (URL, file, or '-'), or the result that explains why not."""
    if target == "-":
        return Source.from_bytes(stdin or b"", target)
    if "://" in target or target.lower().startswith(("http:", "https:")):
        return Source.from_url(target)
    path = Path(target)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return unusable(target, f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB")
        return Source.from_bytes(path.read_bytes(), target)
    except FileNotFoundError:
        return unusable(target, "no such file, and not an http(s) address")
    except IsADirectoryError:
        return unusable(target, "a folder, not a credential file")
    except OSError as error:
        return unusable(target, f"the file cannot be read ({error.strerror or error})")


def unusable(target: str, detail: str, verdict: Verdict = Verdict.INVALID) -> VerificationResult:
    """A result for a target that could not even be read."""
    return VerificationResult(
        target=target,
        verdict=verdict,
        format="unknown",
        checks=(Check("read", Outcome.FAIL, detail, verdict),),
    )


def verify_many(
    sources: Sequence[Source | VerificationResult],
    *,
    fetcher: Fetcher,
    now: datetime,
    emails: Iterable[str] = (),
    names: Iterable[str] = (),
    concurrency: int = DEFAULT_CONCURRENCY,
) -> Iterator[VerificationResult]:
    """Verify every source concurrently with one shared fetcher; results in input order."""
    from app.verification.verify import verify  # the command line fetches while this loads

    addresses, held_by = tuple(emails), tuple(names)

    def run(item: Source | VerificationResult) -> VerificationResult:
        if isinstance(item, VerificationResult):
            return item
        return verify(item, fetcher=fetcher, now=now, emails=addresses, names=held_by)

    workers = max(1, min(concurrency, len(sources)))
    if workers == 1:  # one at a time: no pool to start (a single target is most CLI calls)
        yield from map(run, sources)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="verify") as pool:
        yield from pool.map(run, sources)
