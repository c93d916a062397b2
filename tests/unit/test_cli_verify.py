"""The `skillproof verify` contract (ARCHITECTURE.md "The command line"), run as a real process
against a real HTTP issuer on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.ob2_builders import DEFAULT_EMAIL, baked_png, baked_svg
from tests.support.test_issuer import OTHER_EMAIL, Badge, Case, LocalIssuer, verifier_env

SKILLPROOF = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "skillproof"
REQUIRED_FIELDS = {
    "target", "verdict", "format", "checks", "issuer", "achievement", "skills", "elapsed_ms"
}  # fmt: skip
EXPIRES = "2025-06-01T12:00:00Z"

pytestmark = pytest.mark.skipif(not SKILLPROOF.exists(), reason=f"{SKILLPROOF} is not installed")


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines()]

    def by_target(self) -> dict[str, dict[str, Any]]:
        return {line["target"]: line for line in self.lines}


def skillproof(*args: str, stdin: bytes = b"", **env: str) -> Run:
    done = subprocess.run(
        [str(SKILLPROOF), "verify", *args],
        input=stdin,
        capture_output=True,
        env=verifier_env(**env),
        timeout=60,
        check=False,
    )
    return Run(done.returncode, done.stdout.decode(), done.stderr.decode())


def failures(line: Mapping[str, Any]) -> str:
    return " | ".join(c["detail"] for c in line["checks"] if c["outcome"] == "fail")


@pytest.fixture(scope="module")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture(scope="module")
def valid(issuer: LocalIssuer) -> Badge:
    return issuer.hosted("valid")


@pytest.fixture(scope="module")
def signed(issuer: LocalIssuer) -> Badge:
    return issuer.signed("signed")


# -- one call with every kind of target ------------------------------------------------------


@dataclass(frozen=True)
class Target:
    argument: str
    verdict: str
    format: str | None = None
    detail: str | None = None  # words a failed check must contain


@pytest.fixture(scope="module")
def targets(
    issuer: LocalIssuer, valid: Badge, signed: Badge, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Target]:
    folder = tmp_path_factory.mktemp("targets")
    files = {
        "assertion.json": valid.text.encode(),
        "signed.jws": (signed.token or "").encode() + b"\n",
        "baked.png": baked_png(signed.token or ""),
        "baked.svg": baked_svg(valid.url).encode(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "locked.json").write_bytes(valid.text.encode())
    (folder / "locked.json").chmod(0)
    revoked = issuer.hosted("cli-revoked", Case.REVOKED)
    table = [
        Target(valid.url, "verified", "ob2-hosted"),
        Target(f"{valid.url}?utm_source=cv", "verified", "ob2-hosted"),
        Target(signed.url, "verified", "ob2-signed"),
        Target(revoked.url, "revoked", "ob2-hosted", "Awarded in error"),
        Target(str(folder / "assertion.json"), "verified", "ob2-hosted"),
        Target(str(folder / "signed.jws"), "verified", "ob2-signed"),
        Target(str(folder / "baked.png"), "verified", "ob2-signed"),
        Target(str(folder / "baked.svg"), "verified", "ob2-hosted"),
        Target("-", "verified", "ob2-signed"),
        Target("file:///etc/passwd", "invalid", None, "http"),
        Target("gopher://127.0.0.1:70/1", "invalid", None, "http"),
        Target(str(folder / "missing.json"), "invalid", None, "no such file"),
        Target(str(folder), "invalid", None, "folder"),
    ]
    if os.geteuid() != 0:  # root reads any file
        table.append(Target(str(folder / "locked.json"), "invalid", None, "cannot be read"))
    return {t.argument: t for t in table}


@pytest.fixture(scope="module")
def mixed_run(targets: dict[str, Target], signed: Badge) -> Run:
    stdin = (signed.token or "").encode()
    return skillproof("--json", "--email", DEFAULT_EMAIL, *targets, stdin=stdin)


def test_one_json_line_per_target_in_order_with_the_target_verbatim(
    mixed_run: Run, targets: dict[str, Target]
) -> None:
    assert [line["target"] for line in mixed_run.lines] == list(targets)


def test_every_line_has_the_documented_fields(mixed_run: Run) -> None:
    for line in mixed_run.lines:
        assert line.keys() >= REQUIRED_FIELDS, line["target"]


def test_exit_status_is_1_when_any_target_is_not_verified(mixed_run: Run) -> None:
    assert mixed_run.code == 1, mixed_run.stderr


def test_targets_get_their_verdict_format_and_reason(
    mixed_run: Run, targets: dict[str, Target]
) -> None:
    results = mixed_run.by_target()
    for target in targets.values():
        line = results[target.argument]
        assert line["verdict"] == target.verdict, (target.argument, failures(line))
        if target.format:
            assert line["format"] == target.format, target.argument
        if target.detail:
            assert target.detail in failures(line), target.argument


def test_a_verified_badge_carries_its_evidence(mixed_run: Run, valid: Badge) -> None:
    line = mixed_run.by_target()[valid.url]
    assert line["issuer"]["name"] == "Local Test Issuer"
    assert line["achievement"]["name"] == "Robotics Fundamentals"
    assert [s["name"] for s in line["skills"]] == ["Robot programming"]
    assert line["recipient"] == "matched"
    assert line["elapsed_ms"] > 0


def test_baked_images_say_so(mixed_run: Run, targets: dict[str, Target]) -> None:
    baked = [t for t in targets if t.endswith((".png", ".svg"))]
    for target in baked:
        checks = {c["id"]: c["outcome"] for c in mixed_run.by_target()[target]["checks"]}
        assert checks.get("baked") == "pass", target


# -- exit status -------------------------------------------------------------------------------


def test_exit_status_is_0_when_every_target_is_verified(valid: Badge, signed: Badge) -> None:
    run = skillproof("--json", valid.url, signed.url)
    assert run.code == 0, run.stdout
    assert [line["verdict"] for line in run.lines] == ["verified", "verified"]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--as-of", "yesterday", "https://issuer.example/a.json"), id="bad-as-of"),
        pytest.param(("--no-such-option", "https://issuer.example/a.json"), id="unknown-option"),
        pytest.param((), id="no-targets"),
    ],
)
def test_bad_options_exit_2_without_verifying(args: tuple[str, ...]) -> None:
    run = skillproof(*args)
    assert run.code == 2
    assert run.stdout == ""
    assert run.stderr.strip()


@pytest.mark.parametrize(
    "setting",
    [
        pytest.param({"SSL_CERT_FILE": "/no/such/ca.pem"}, id="missing-ca-file"),
        pytest.param({"SKILLPROOF_ALLOW_PRIVATE_HOSTS": "not-an-ip"}, id="bad-allowlist"),
    ],
)
def test_a_bad_setting_exits_2_with_a_message_not_a_traceback(setting: dict[str, str]) -> None:
    run = skillproof("--json", "https://issuer.example/a.json", **setting)
    assert run.code == 2
    assert "Traceback" not in run.stderr


# -- the candidate's address -----------------------------------------------------------------


def test_without_email_the_recipient_check_is_skipped(valid: Badge) -> None:
    (line,) = skillproof("--json", valid.url).lines
    assert (line["verdict"], line["recipient"]) == ("verified", "skipped")


def test_another_email_is_a_recipient_mismatch(valid: Badge, signed: Badge) -> None:
    run = skillproof("--json", "--email", OTHER_EMAIL, valid.url, signed.url)
    assert [line["verdict"] for line in run.lines] == ["recipient_mismatch"] * 2
    assert [line["recipient"] for line in run.lines] == ["mismatch"] * 2
    assert run.code == 1


# -- --as-of -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "verdict"),
    [
        pytest.param("2025-06-01T11:30:00", "verified", id="naive-before-expiry"),
        # Read as Tokyo time this would be 03:30 UTC, still valid: it must be read as UTC.
        pytest.param("2025-06-01T12:30:00", "expired", id="naive-is-utc-not-local"),
        pytest.param("2025-06-01T12:30:00+09:00", "verified", id="explicit-zone"),
    ],
)
def test_as_of_judges_dates_then_and_a_date_without_zone_is_utc(
    issuer: LocalIssuer, as_of: str, verdict: str
) -> None:
    badge = issuer.badges.get("expiring") or issuer.hosted("expiring", expires=EXPIRES)
    (line,) = skillproof("--json", "--as-of", as_of, badge.url, TZ="Asia/Tokyo").lines
    assert line["verdict"] == verdict, failures(line)


# -- many targets, human output ----------------------------------------------------------------


def test_forty_targets_give_forty_lines_in_order(issuer: LocalIssuer) -> None:
    urls = [issuer.hosted(f"many-{n}").url for n in range(40)]
    run = skillproof("--json", "--email", DEFAULT_EMAIL, *urls)
    assert [line["target"] for line in run.lines] == urls
    assert {line["verdict"] for line in run.lines} == {"verified"}
    assert run.code == 0


def test_the_output_of_a_large_batch_survives_the_quick_exit_whole(issuer: LocalIssuer) -> None:
    # The console script ends a verify run with os._exit once it has flushed: nothing may be
    # left in a buffer, however much was written (the pipe holds less than this).
    urls = [issuer.hosted(f"bulk-{n}").url for n in range(120)]
    run = skillproof("--json", "--email", DEFAULT_EMAIL, *urls, PYTHONUNBUFFERED="")
    assert len(run.stdout) > 256 * 1024
    assert [line["target"] for line in run.lines] == urls
    assert run.code == 0 and run.stderr == ""


def test_a_reader_that_stops_early_ends_the_run_quietly_with_status_1(
    issuer: LocalIssuer,
) -> None:
    urls = [issuer.hosted(f"early-{n}").url for n in range(60)]
    process = subprocess.Popen(
        [str(SKILLPROOF), "verify", "--json", *urls],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=verifier_env(PYTHONUNBUFFERED=""),  # block-buffered, as in a user's pipe
    )
    assert process.stdout is not None and process.stderr is not None
    first = json.loads(process.stdout.readline())
    process.stdout.close()  # as `| head -1` does
    assert process.wait(timeout=60) == 1
    assert first["target"] == urls[0]
    assert process.stderr.read() == b""  # no traceback about the broken pipe


def test_the_human_summary_names_each_target_and_its_verdict(
    issuer: LocalIssuer, valid: Badge
) -> None:
    revoked = issuer.hosted("human-revoked", Case.REVOKED)
    run = skillproof(valid.url, revoked.url)
    verified_line = next(line for line in run.stdout.splitlines() if valid.url in line)
    revoked_line = next(line for line in run.stdout.splitlines() if revoked.url in line)
    assert "VERIFIED" in verified_line
    assert "REVOKED" in revoked_line
    assert "Awarded in error" in run.stdout
    assert run.code == 1


# -- one HTTP cache per call, and the issuer's current state on every check -------------------


def test_targets_share_one_http_cache_and_revalidate_the_assertion(issuer: LocalIssuer) -> None:
    badge = issuer.hosted("cached")
    badge_class_before = len(issuer.requests_to(issuer.kit.badge_id))
    run = skillproof("--json", "--concurrency", "1", badge.url, badge.url)
    assert [line["verdict"] for line in run.lines] == ["verified", "verified"]
    asked = issuer.requests_to(badge.url)
    assert [r.header("if-none-match") is not None for r in asked] == [False, True]
    assert len(issuer.requests_to(issuer.kit.badge_id)) == badge_class_before + 1


def test_a_batch_from_one_issuer_asks_for_each_document_it_shares_once() -> None:
    # Six badges verified at once name one BadgeClass, issuer and key: fetched ahead as soon as
    # a first badge names them, then shared by fetches that asked meanwhile, or cached.
    with LocalIssuer(latency=0.02) as fresh:
        badges = [fresh.add("hosted" if n % 2 else "signed", f"shared-{n}") for n in range(6)]
        run = skillproof("--json", "--email", DEFAULT_EMAIL, *(b.url for b in badges))
        assert [line["verdict"] for line in run.lines] == ["verified"] * 6
        kit = fresh.kit
        asked = {url: len(fresh.requests_to(url)) for url in (kit.badge_id, kit.issuer_id)}
        assert asked == {kit.badge_id: 1, kit.issuer_id: 1}
        assert len(fresh.requests_to(kit.key_id)) == 1
        assert all(len(fresh.requests_to(b.url)) == 1 for b in badges)
        # revalidated on every check: at most once per badge, whatever joined a request on its way
        assert 1 <= len(fresh.requests_to(kit.revocation_list_id)) <= 6


def test_the_run_ends_without_waiting_for_a_document_fetched_ahead_that_no_check_needed() -> None:
    # The issuer's profile names its revocation list, so the list is fetched ahead; a badge its
    # own document marks revoked never reads it, and a list slow to come must not hold the run.
    slow_list = 8.0
    with LocalIssuer() as slow:
        badge = slow.hosted("revoked-early", Case.REVOKED)
        slow.server.route(slow.path(slow.kit.revocation_list_id), body=b"{}", delay=slow_list)
        started = time.monotonic()
        run = skillproof("--json", "--email", DEFAULT_EMAIL, badge.url)
        took = time.monotonic() - started
        assert [line["verdict"] for line in run.lines] == ["revoked"]
        assert slow.requests_to(slow.kit.revocation_list_id)  # it was fetched ahead
        assert took < slow_list / 2


@pytest.mark.parametrize("kind", ["hosted", "signed"])
def test_a_badge_revoked_at_the_issuer_is_revoked_when_verified_again(
    issuer: LocalIssuer, kind: str
) -> None:
    badge = issuer.add(kind, f"revoke-later-{kind}")
    (before,) = skillproof("--json", badge.url).lines
    issuer.revoke(badge.slug, "Exam result withdrawn")
    (after,) = skillproof("--json", badge.url).lines
    assert (before["verdict"], after["verdict"]) == ("verified", "revoked")
    assert "Exam result withdrawn" in failures(after)
