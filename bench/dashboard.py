"""Benchmark: time to verdict on the dashboard, in a real browser.

    .venv/bin/python bench/dashboard.py [--links 14] [--latency 0.02] [--trials 5]

Starts `skillproof serve` (one process: web app and its embedded scheduler, a fresh SQLite
database) and an OB 2.0 issuer on loopback that answers every request `latency` late. In Debian's
chromium (Playwright), a recruiter signs in, opens a new candidate, pastes `links` fresh badge
links (hosted and signed) and presses "Verify links"; the time runs until every verdict is on
screen (no "Verifying…" left). Prints the median over the trials against the goal (0.8 s) and
against the floor no verifier can beat: the longest chain of dependent fetches times the latency.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.support.test_issuer import Case, LocalIssuer  # noqa: E402

SKILLPROOF = ROOT / ".venv" / "bin" / "skillproof"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
GOAL = 0.8
LONGEST_CHAIN = 4  # signed: token -> key + BadgeClass -> issuer -> revocation list
ALL_VERDICTS_SHOWN = """(count) => {
  const region = document.querySelector('#credentials');
  if (!region) return false;
  const rows = region.querySelectorAll('tbody tr');
  return rows.length === count && !region.textContent.includes('Verifying');
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(folder: Path) -> Iterator[tuple[str, str, str]]:
    """`skillproof serve` on a fresh database; yields (base URL, e-mail, password)."""
    env = {
        **os.environ,
        "SKILLPROOF_ENV": "development",
        "SKILLPROOF_INSTANCE_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "SKILLPROOF_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        "SKILLPROOF_LOGIN_RATE_LIMIT": "1000 per minute",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def cli(*args: str) -> str:
        done = subprocess.run(
            [str(SKILLPROOF), *args], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout

    cli("migrate")
    cli("create-org", "--name", "Bench Hiring", "--slug", "bench")
    email = "recruiter@bench.test"
    created = cli("create-user", "--org", "bench", "--email", email, "--role", "recruiter")
    password = re.search(r"password: (\S+)", created)
    assert password, created
    port = free_port()
    process = subprocess.Popen(
        [str(SKILLPROOF), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(port)
        yield f"http://127.0.0.1:{port}", email, password.group(1)
    finally:
        process.terminate()
        process.wait(10)


def _wait_listening(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit("skillproof serve did not start")


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Candidates").first.wait_for()


def one_trial(page: Page, base: str, urls: list[str], name: str) -> float:
    """Seconds from pressing "Verify links" to every verdict on screen."""
    page.goto(f"{base}/candidates/")
    form = page.get_by_role("region", name="Add a candidate")
    form.get_by_label("Name").fill(name)
    form.get_by_role("button", name="Add candidate").click()
    page.get_by_role("heading", name=name, level=1).wait_for()
    page.get_by_label("Paste links").fill("\n".join(urls))
    started = time.perf_counter()
    page.get_by_role("button", name="Verify links").click()
    page.wait_for_function(ALL_VERDICTS_SHOWN, arg=len(urls), polling="raf", timeout=60_000)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=14)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--trials", type=int, default=5)
    args = parser.parse_args()
    if not SKILLPROOF.exists() or not Path(CHROMIUM).exists():
        print(f"needs {SKILLPROOF} (make setup) and {CHROMIUM} (apt-get install chromium)")
        return 2
    timings = []
    with (
        tempfile.TemporaryDirectory() as folder,
        LocalIssuer(latency=args.latency) as issuer,
        server(Path(folder)) as (base, email, password),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        sign_in(page, base, email, password)
        for trial in range(args.trials):
            urls = [
                issuer.add("hosted" if n % 2 == 0 else "signed", f"t{trial}-{n}", Case.VALID).url
                for n in range(args.links)
            ]
            timings.append(one_trial(page, base, urls, f"Candidate {trial + 1}"))
        browser.close()
    median = statistics.median(timings)
    floor = LONGEST_CHAIN * args.latency
    verdict = "ok" if median <= GOAL else "ABOVE GOAL"
    print(
        f"dashboard time to verdict, {args.links} links at {args.latency * 1000:.0f} ms:"
        f" median {median:.2f} s over {args.trials} (first {timings[0]:.2f} s,"
        f" all {' '.join(f'{t:.2f}' for t in timings)})"
    )
    print(
        f"  {median / GOAL:.2f}x the goal ({verdict}: <= {GOAL} s);"
        f" {median / floor:.1f}x the floor ({LONGEST_CHAIN} dependent fetches x latency ="
        f" {floor:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
