"""Bounded work: counted limits (never the clock), cheap checks first, no lock between checks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from app.verification import limits
from app.verification.limits import Cancelled, cancellable
from app.verification.ob3 import canon, verify_vc, workload
from app.verification.ob3.errors import Failure
from app.verification.ob3.lane import HEAVY, HeavyLane
from app.verification.result import Verdict, VerificationResult
from app.verification.source import Source
from app.verification.verify import verify
from tests.support.ob3_builders import IssuerKit, build_clr, build_credential, now_utc
from tests.support.ob3_fakes import FakeFetcher

KIT = IssuerKit.did_key(seed=11)


def _verify(document: Any) -> VerificationResult:
    return verify_vc(document, target="credential.json", fetcher=FakeFetcher(), now=now_utc())


def _failed(result: VerificationResult) -> str:
    return "; ".join(c.detail for c in result.checks if c.outcome == "fail")


def _alignments(count: int, name: str = "skill") -> list[dict[str, Any]]:
    return [
        {"type": ["Alignment"], "targetName": f"{name} {i}", "targetUrl": f"https://s.example/{i}"}
        for i in range(count)
    ]


def _spy_on_json_ld_work(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every JSON-LD job (safe-mode check or canonicalization) started from now on."""
    calls: list[str] = []
    real = canon._run

    def spy(function: Callable[[Any], Any], document: Any) -> Any:
        calls.append(function.__name__)
        return real(function, document)

    monkeypatch.setattr(canon, "_run", spy)
    return calls


def test_a_valid_credential_verifies_however_slow_the_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # two identical blank nodes make RDFC-1.0 run its n-degree hashing, where work is charged
    twins = _alignments(1) * 2
    signed = KIT.sign(build_credential(KIT, alignments=twins))
    ticks = iter(range(0, 10**9, 3600))  # every reading of the clock an hour later
    monkeypatch.setattr(time, "monotonic", lambda: float(next(ticks)))

    result = _verify(signed)

    assert result.verdict is Verdict.VERIFIED, _failed(result)


def test_a_key_that_is_not_the_issuers_fails_without_any_json_ld_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stranger = IssuerKit.did_key(seed=12)
    signed = stranger.sign(build_credential(KIT, alignments=_alignments(300)))
    calls_to_run = _spy_on_json_ld_work(monkeypatch)

    result = _verify(signed)

    assert result.verdict is Verdict.INVALID
    assert "issuer" in _failed(result)
    assert calls_to_run == []


def test_a_document_of_too_many_values_is_refused_before_it_is_parsed() -> None:
    credential = build_credential(KIT)
    credential["credentialSubject"]["achievement"]["tag"] = ["x"] * 30_000
    data = json.dumps(KIT.sign(build_credential(KIT)) | {"padding": credential}).encode()

    result = verify(Source.from_bytes(data, "big.json"), fetcher=FakeFetcher(), now=now_utc())

    assert result.verdict is Verdict.INVALID
    assert "too many separate values" in _failed(result)


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({"tag": ["x"] * (workload.MAX_VALUES + 1)}, id="too-many-values"),
        pytest.param(json.loads("[" * 70 + "]" * 70), id="too-deep"),
    ],
)
def test_counting_refuses_a_document_past_the_limits(document: Any) -> None:
    with pytest.raises(Failure, match="too complex"):
        workload.measure(document)


def test_a_signed_document_past_the_value_limit_is_too_complex() -> None:
    credential = build_credential(KIT, alignments=_alignments(workload.MAX_VALUES // 4))
    credential["proof"] = {**KIT.sign(build_credential(KIT))["proof"]}

    result = _verify(credential)

    assert result.verdict is Verdict.INVALID
    assert workload.TOO_COMPLEX in _failed(result)


def test_a_large_credential_is_canonicalised_in_the_heavy_lane_and_verifies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    signed = KIT.sign(build_credential(KIT, alignments=_alignments(300)))
    used: list[Any] = []
    real = HEAVY.run
    monkeypatch.setattr(HEAVY, "run", lambda f, arg: used.append(f) or real(f, arg))

    result = _verify(signed)

    assert result.verdict is Verdict.VERIFIED, _failed(result)
    assert len(used) >= 2  # the safe-mode check and the document's canonicalization


def test_a_small_credential_stays_in_this_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    signed = KIT.sign(build_credential(KIT, alignments=_alignments(3)))
    monkeypatch.setattr(HEAVY, "run", lambda f, arg: pytest.fail("sent to the heavy lane"))

    assert _verify(signed).verdict is Verdict.VERIFIED


def test_a_failure_in_the_heavy_lane_keeps_its_reason() -> None:
    credential = build_credential(KIT, alignments=_alignments(300))
    credential["credentialSubject"]["favouriteColour"] = "blue"
    signed = KIT.sign(build_credential(KIT)) | {
        "credentialSubject": credential["credentialSubject"]
    }

    result = _verify(signed)

    assert result.verdict is Verdict.INVALID
    assert "do not define: favouriteColour" in _failed(result)


def test_cancelling_kills_the_heavy_lane_child() -> None:
    lane = HeavyLane()
    stop = threading.Event()
    stop.set()
    try:
        with cancellable(stop), pytest.raises(Cancelled):
            lane.run(canon._check_here, {})
        assert lane.started == 1
        assert not lane.running()
    finally:
        lane.stop()


def test_a_cancelled_check_is_unreachable_not_invalid() -> None:
    data = json.dumps(KIT.sign(build_credential(KIT))).encode()
    stop = threading.Event()
    stop.set()

    with cancellable(stop):
        result = verify(Source.from_bytes(data, "c.json"), fetcher=FakeFetcher(), now=now_utc())

    assert result.verdict is Verdict.UNREACHABLE
    assert "stopped waiting" in _failed(result)


def test_one_checks_json_ld_work_never_waits_for_anothers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While one check is paused in the middle of JSON-LD expansion, another one completes."""
    paused, resume = threading.Event(), threading.Event()
    real_step = workload.Budget.step
    slow = threading.current_thread

    def step(budget: Any) -> None:
        if slow().name == "paused-check" and not resume.is_set():
            paused.set()
            resume.wait(60)
        real_step(budget)

    monkeypatch.setattr(workload.Budget, "step", step)
    first = KIT.sign(build_credential(KIT, achievement_name="First"))
    second = KIT.sign(build_credential(KIT, achievement_name="Second"))
    results: dict[str, VerificationResult] = {}
    paused_check = threading.Thread(
        target=lambda: results.update(first=_verify(first)), name="paused-check"
    )
    paused_check.start()
    try:
        assert paused.wait(60)
        other = threading.Thread(target=lambda: results.update(second=_verify(second)))
        other.start()
        other.join(60)  # a generous bound on a deadlock, not a speed assertion
        assert "second" in results, "the second check waited for the paused one"
        assert results["second"].verdict is Verdict.VERIFIED
    finally:
        resume.set()
        paused_check.join()
    assert results["first"].verdict is Verdict.VERIFIED


def test_checkpoint_is_silent_outside_a_cancellable_block() -> None:
    limits.checkpoint()
    assert not limits.cancelled()


def test_a_forked_process_starts_its_own_heavy_lane_child() -> None:
    lane = HeavyLane()
    inherited = None
    try:
        assert lane.run(workload.measure, {"a": [1, 2]}) == 4
        inherited = lane._process
        lane._owner = -1  # as in a worker forked after the parent started its child
        assert lane.run(workload.measure, {"a": [1]}) == 3
        assert lane.started == 2
        assert inherited is not None and inherited.poll() is None  # the parent's, left alone
    finally:
        lane.stop()
        if inherited is not None:
            inherited.kill()
            inherited.wait()


def test_credentials_nested_in_a_large_record_are_checked_in_the_heavy_lane(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each nested credential is small, but a record of many is the large document's work."""
    inner = [
        KIT.sign(
            build_credential(KIT, credential_id=f"urn:uuid:{i:08d}-0000-4000-8000-000000000000")
        )
        for i in range(3)
    ]
    record = build_clr(KIT, inner) | {"description": "x" * (workload.LANE_TEXT + 1)}
    signed = KIT.sign(record)
    used: list[Any] = []
    real = HEAVY.run
    monkeypatch.setattr(HEAVY, "run", lambda f, arg: used.append(arg) or real(f, arg))

    result = _verify(signed)

    assert result.verdict is Verdict.VERIFIED, _failed(result)
    assert [n.verdict for n in result.nested] == [Verdict.VERIFIED] * 3
    lane_ids = {document.get("id") for document in used}
    assert {credential["id"] for credential in inner} <= lane_ids
