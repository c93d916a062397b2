"""Benchmark: `skillproof verify` against the 1EdTech validator on the same OB 2.0 badges.

    .venv/bin/python bench/verify_ob2.py [-n 200] [--latency 0.02] [--concurrency 32]

Generates N badges (hosted and signed, alternately; three in four valid, the rest cycling through
revoked, expired, wrong recipient, tampered, ...) on a LocalIssuer that waits `latency` seconds
before every response. Then, as a recruiter's script would feel it, whole processes on the same
URLs: `skillproof verify --json` (at its default concurrency and at --concurrency 1) and the
1EdTech validator (../shared/peers/run_obv.py), on small batches (the first 5 and 14 badges,
median of 5 runs) and on all N. Prints each time, the speed ratios (goal >= 10x on small
batches), how often the two agree on verdicts, and the command's start-up time against a bare
Python process (goal <= 0.15 s).

The peer needs ../shared/peers/venv (Python 3.9): it is set up with the folder's own `setup`
script when missing, in a temporary copy when that folder is read-only. Without it, only
Skillproof is timed and the report says why.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.ob2_builders import DEFAULT_EMAIL  # noqa: E402
from tests.support.test_issuer import (  # noqa: E402
    HOSTED_CASES,
    SIGNED_CASES,
    Badge,
    Case,
    LocalIssuer,
    verifier_env,
)

SKILLPROOF = ROOT / ".venv" / "bin" / "skillproof"
PEERS = ROOT.parent / "shared" / "peers"
PEER_FILES = ("run_obv.py", "requirements.txt", "setup", "package.json", "package-lock.json")
TARGET_RATIO, AIM_RATIO = 10, 30
SMALL_BATCHES = (5, 14)
REPEAT_SMALL = 5  # a whole process of 0.2 s moves by a tenth from run to run on a shared machine
STARTUP_GOAL = 0.15


@dataclass(frozen=True)
class Timed:
    name: str
    seconds: float
    verdicts: dict[str, str]  # target -> verdict
    note: str = ""
    cpu: float = 0.0  # user + system seconds of the process (steady when the machine is busy)

    @property
    def per_second(self) -> float:
        return len(self.verdicts) / self.seconds if self.seconds else 0.0


def make_badges(issuer: LocalIssuer, count: int) -> list[Badge]:
    """Alternately hosted and signed; three in four valid, the others cycle through the cases."""
    badges = []
    for n in range(count):
        kind = "hosted" if n % 2 == 0 else "signed"
        cases = HOSTED_CASES if kind == "hosted" else SIGNED_CASES
        broken = [c for c in cases if c is not Case.VALID]
        case = Case.VALID if (n // 2) % 4 != 3 else broken[(n // 8) % len(broken)]
        badges.append(issuer.add(kind, f"b{n}", case))
    return badges


def bench_env() -> dict[str, str]:
    """The verifier's environment, keeping compiled bytecode (a user's install has it)."""
    env = verifier_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def time_skillproof(urls: Sequence[str], concurrency: int) -> Timed:
    """One `skillproof verify --json` process over every URL."""
    command = [str(SKILLPROOF), "verify", "--json", "--email", DEFAULT_EMAIL]
    command += ["--concurrency", str(concurrency), *urls]
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, capture_output=True, text=True, env=bench_env(), check=False)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    note = "" if len(lines) == len(urls) else f"only {len(lines)} lines: {done.stderr[-500:]}"
    return Timed("skillproof", seconds, {r["target"]: r["verdict"] for r in lines}, note, cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_peer(urls: Sequence[str], runner: Path) -> Timed:
    """One 1EdTech validator process (run_obv.py) over every URL."""
    python = runner.parent / "venv" / "bin" / "python"
    command = [str(python), str(runner), "--email", DEFAULT_EMAIL, *urls]
    started, cpu = time.perf_counter(), _children_cpu()
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}  # loopback only
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    summary = next((s for s in done.stderr.splitlines() if s.startswith("# obv")), "")
    note = summary if len(lines) == len(urls) else f"only {len(lines)}: {done.stderr[-500:]}"
    return Timed("1EdTech", seconds, {r["target"]: r["verdict"] for r in lines}, note, cpu)


def peer_runner(peers: Path) -> tuple[Path | None, str]:
    """run_obv.py with a ready venv next to it, setting it up if needed; else (None, why)."""
    if not (peers / "run_obv.py").is_file():
        return None, f"no peer runner at {peers}"
    if (peers / "venv" / ".setup-ok").is_file():
        return peers / "run_obv.py", ""
    where = peers if _writable(peers) else _temporary_copy(peers)
    done = subprocess.run([str(where / "setup")], capture_output=True, text=True, check=False)
    if (where / "venv" / ".setup-ok").is_file():  # the npm half may fail; the venv is what counts
        return where / "run_obv.py", ""
    return None, f"peer setup failed in {where}: {(done.stderr or done.stdout)[-600:].strip()}"


def _writable(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _temporary_copy(peers: Path) -> Path:
    """A writable copy of the runner; run_obv.py finds its contexts in ../corpus, so link that."""
    root = Path(tempfile.gettempdir()) / "skillproof-bench-peers"
    copy = root / "peers"
    copy.mkdir(parents=True, exist_ok=True)
    for name in PEER_FILES:
        if (peers / name).is_file():
            shutil.copy2(peers / name, copy / name)
    (copy / "setup").chmod(0o755)
    corpus = root / "corpus"
    if not corpus.exists():
        corpus.symlink_to(peers.parent / "corpus")
    return copy


def agreement(ours: Timed, theirs: Timed, badges: Sequence[Badge]) -> list[str]:
    """Lines on how the two verifiers' verdicts compare, with each other and with the cases."""
    urls = [b.url for b in badges]
    both = [u for u in urls if u in ours.verdicts and u in theirs.verdicts]
    same = sum(ours.verdicts[u] == theirs.verdicts[u] for u in both)
    binary = sum(
        (ours.verdicts[u] == "verified") == (theirs.verdicts[u] == "verified") for u in both
    )
    differ = Counter(
        (b.kind, str(b.case), ours.verdicts[b.url], theirs.verdicts[b.url])
        for b in badges
        if b.url in both and ours.verdicts[b.url] != theirs.verdicts[b.url]
    )
    lines = [
        f"agreement: same verdict {same}/{len(both)}, verified-or-not {binary}/{len(both)}",
        *(
            f"  differ x{n}: {k} {c}: skillproof={o} 1EdTech={t}"
            for (k, c, o, t), n in differ.items()
        ),
    ]
    return lines


def expected_hits(timed: Timed, badges: Sequence[Badge]) -> str:
    hits = sum(timed.verdicts.get(b.url) == b.expected for b in badges)
    return f"{timed.name}: matches the intended verdict for {hits}/{len(badges)}"


def report(timed: Timed) -> str:
    note = f"  [{timed.note}]" if timed.note else ""
    return (
        f"{timed.name:>10}: {len(timed.verdicts)} badges in {timed.seconds:.2f} s"
        f" = {timed.per_second:.1f} badges/s{note}"
    )


def median_run(run: Callable[[], Timed], times: int) -> Timed:
    """The run with the median time of `times` (the machine is shared: one run can be unlucky)."""
    runs = sorted((run() for _ in range(times)), key=lambda timed: timed.seconds)
    return runs[len(runs) // 2]


def startup(repeat: int = 7) -> tuple[float, float]:
    """Median seconds of `skillproof verify` on a local file that needs no network, and of a
    bare `python -c pass` (the floor no Python command can beat), interleaved."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as target:
        json.dump({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"}, target)
    python = ROOT / ".venv" / "bin" / "python"
    ours, floor = [], []
    for _ in range(repeat):
        for command, sink in (
            ([str(SKILLPROOF), "verify", target.name], ours),
            ([str(python), "-c", "pass"], floor),
        ):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, env=bench_env(), check=False)
            sink.append(time.perf_counter() - started)
    os.unlink(target.name)
    return statistics.median(ours), statistics.median(floor)


def compare(
    label: str, urls: Sequence[str], runner: Path | None, concurrency: int, times: int
) -> tuple[Timed, Timed, Timed | None]:
    """Skillproof at `concurrency` and at 1, and the peer, on the same URLs; prints a line."""
    ours = median_run(lambda: time_skillproof(urls, concurrency), times)
    serial = median_run(lambda: time_skillproof(urls, 1), times)
    theirs = median_run(lambda: time_peer(urls, runner), times) if runner else None
    line = (
        f"{label:>11}: skillproof {ours.seconds:5.2f} s (cpu {ours.cpu:.2f}),"
        f" at concurrency 1 {serial.seconds:5.2f} s"
    )
    if theirs is not None and theirs.seconds:
        line += (
            f", 1EdTech {theirs.seconds:5.2f} s (cpu {theirs.cpu:.2f})"
            f" -> {theirs.seconds / ours.seconds:5.1f}x"
            f" ({theirs.seconds / serial.seconds:.1f}x at concurrency 1)"
        )
    print(line + "".join(f"  [{t.name}: {t.note}]" for t in (ours, serial) if t.note))
    return ours, serial, theirs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=200, help="number of badges (default 200)")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per response")
    parser.add_argument("--concurrency", type=int, default=32, help="skillproof --concurrency")
    parser.add_argument("--peers", type=Path, default=PEERS, help="the peers folder")
    parser.add_argument("--no-peer", action="store_true", help="time Skillproof only")
    args = parser.parse_args(argv)
    if not SKILLPROOF.exists():
        print(f"{SKILLPROOF} is missing: run `make setup` first", file=sys.stderr)
        return 2
    runner, why = (None, "--no-peer") if args.no_peer else peer_runner(args.peers)
    print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    ours_start, floor = startup()
    verdict = "ok" if ours_start <= STARTUP_GOAL else "ABOVE GOAL"
    print(
        f"start-up: skillproof verify {ours_start:.3f} s, bare python {floor:.3f} s"
        f" ({ours_start / floor:.1f}x the floor; {verdict}: goal <= {STARTUP_GOAL} s)"
    )
    with LocalIssuer(latency=args.latency) as issuer:
        badges = make_badges(issuer, args.n)
        urls = [b.url for b in badges]
        print(
            f"OB 2.0 badges (hosted + signed), {args.latency * 1000:.0f} ms per response,"
            f" whole processes (small batches: median of {REPEAT_SMALL})"
            + ("" if runner else f"; 1EdTech not run ({why})")
        )
        small_ratios = []
        for size in SMALL_BATCHES:
            ours, _, theirs = compare(
                f"{size} badges", urls[:size], runner, args.concurrency, REPEAT_SMALL
            )
            if theirs is not None and ours.seconds:
                small_ratios.append(theirs.seconds / ours.seconds)
        ours, serial, theirs = compare(f"{args.n} badges", urls, runner, args.concurrency, 1)
    print(expected_hits(ours, badges))
    if small_ratios:
        worst = min(small_ratios)
        verdict = "ok" if worst >= TARGET_RATIO else "BELOW TARGET"
        print(f"small batches: {worst:.1f}x the 1EdTech validator ({verdict}: goal >= 10x)")
    if theirs is not None:
        print(expected_hits(theirs, badges))
        print("\n".join(agreement(ours, theirs, badges)))
    print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
