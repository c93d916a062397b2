"""Benchmark: reading a course certificate page's holder and course, worst case included.

    .venv/bin/python bench/issuer_pages.py [--trials 5]

Times `app.verification.issuer_page_html.read_page` (CPU only, no network) on a recorded-shape
Coursera page, the same page padded to 1 MB of markup, and 1 MB of bare tags (the hostile case
the tag cap bounds). Prints the median of each against the goal: under 0.5 s for any page on an
idle core, so one hostile page cannot hold a worker thread for seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.verification.issuer_page_html import read_page  # noqa: E402
from tests.support import issuer_pages  # noqa: E402

GOAL_SECONDS = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    trials = parser.parse_args().trials
    page = issuer_pages.coursera()
    padding = b"<div class='row'><span>lorem ipsum</span></div>" * 22_000
    cases = {
        "Coursera page": page,
        "padded to 1 MB": page.replace(b"<main>", b"<main>" + padding),
        "1 MB of bare tags": b"<div>" * 200_000,
    }
    worst = 0.0
    for label, data in cases.items():
        times = []
        for _ in range(trials):
            started = time.perf_counter()
            read_page(data)
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"{label:>20}: {len(data):>9,} bytes, median {median * 1000:7.1f} ms")
    verdict = "within" if worst < GOAL_SECONDS else "OVER"
    print(f"worst {worst * 1000:.1f} ms: {verdict} the {GOAL_SECONDS * 1000:.0f} ms goal")


if __name__ == "__main__":
    main()
