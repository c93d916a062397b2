"""POST /api/v1/verify: one credential verified synchronously, under a time limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Response, current_app, jsonify

from app.config import Settings
from app.services.candidates import CandidateError, parse_emails
from app.services.checking import build_fetcher
from app.verification.fetcher import ACCEPT_JSON, Fetcher, FetchError, FetchFailure, FetchResponse
from app.verification.limits import cancellable
from app.verification.result import Check, Outcome, Verdict, VerificationResult
from app.verification.source import Source
from app.verification.verify import verify
from app.web.api import bp
from app.web.api.common import Fields, decode_document, json_body
from app.web.api.writes import recorded

VERIFY_FIELDS = ("url", "document", "document_base64", "filename", "emails", "names", "as_of")
FETCHER_FACTORY = "skillproof.api_fetcher"  # app.extensions key; tests put a fake fetcher there
GRACE_SECONDS = 1.0  # for the verifier to turn a refused fetch into its result


class DeadlineFetcher:
    """Refuses to start a fetch once the request's time limit has passed."""

    def __init__(self, inner: Fetcher, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def fetch(
        self,
        url: str,
        *,
        accept: str = ACCEPT_JSON,
        max_bytes: int | None = None,
        revalidate: bool = False,
    ) -> FetchResponse:
        if time.monotonic() >= self._deadline:
            raise FetchError(url, FetchFailure.TIMEOUT, "the time limit for this check ran out")
        return self._inner.fetch(url, accept=accept, max_bytes=max_bytes, revalidate=revalidate)


@bp.post("/verify")
@recorded
def verify_now() -> Response:
    """Verify one credential now; the answer has the shape of `skillproof verify --json`."""
    fields = Fields(json_body(VERIFY_FIELDS))
    label, url, data = decode_document(fields, fields.body, "")
    emails = _emails(fields)
    names = _names(fields)
    now = _as_of(fields)
    fields.check()
    source = Source.from_url(url) if url else Source.from_bytes(data or b"", label)
    settings: Settings = current_app.extensions["skillproof.settings"]
    factory: Callable[[Settings], Fetcher] = current_app.extensions.get(
        FETCHER_FACTORY, _default_fetcher
    )
    result = run_with_limit(
        source, factory(settings), now, emails, settings.api_verify_seconds, names=names
    )
    return jsonify(result.to_dict())


def run_with_limit(
    source: Source,
    fetcher: Fetcher,
    now: datetime,
    emails: list[str],
    seconds: float,
    *,
    names: list[str] | None = None,
) -> VerificationResult:
    """Verify in a worker thread; past `seconds` the answer is `unreachable`, never a hang.

    At the limit the worker is cancelled too: it stops at its next fetch or JSON-LD step, and a
    large document's child process is killed, so abandoned checks do not pile up.
    """
    started = time.monotonic()
    box: dict[str, VerificationResult] = {}
    bounded = DeadlineFetcher(fetcher, started + seconds)
    cancel = threading.Event()

    def work() -> None:
        try:
            with cancellable(cancel):
                box["result"] = verify(
                    source, fetcher=bounded, now=now, emails=emails, names=names or ()
                )
        finally:
            close = getattr(fetcher, "close", None)
            if callable(close):
                close()

    worker = threading.Thread(target=work, name="api-verify", daemon=True)
    worker.start()
    worker.join(seconds + GRACE_SECONDS)
    if "result" in box:
        return box["result"]
    cancel.set()
    return _timed_out(source, seconds, (time.monotonic() - started) * 1000)


def _timed_out(source: Source, seconds: float, elapsed_ms: float) -> VerificationResult:
    detail = f"the check took longer than {seconds:g} seconds; try again later"
    return VerificationResult(
        target=source.target,
        verdict=Verdict.UNREACHABLE,
        format="unknown",
        checks=(Check("time-limit", Outcome.FAIL, detail, Verdict.UNREACHABLE),),
        elapsed_ms=elapsed_ms,
    )


def _default_fetcher(settings: Settings) -> Fetcher:
    return build_fetcher(settings, connections=8)


def _emails(fields: Fields) -> list[str]:
    given = fields.strings("emails", max_items=20) or []
    try:
        return parse_emails(given)
    except CandidateError as error:
        fields.fail("emails", str(error))
        return []


def _names(fields: Fields) -> list[str]:
    given = fields.strings("names", max_items=5) or []
    if any(len(name) > 200 for name in given):
        fields.fail("names", "each name at most 200 characters")
        return []
    return given


def _as_of(fields: Fields) -> datetime:
    text = fields.string("as_of", max_length=64)
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        fields.fail("as_of", "an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z")
        return datetime.now(UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
