"""The verifier: formats, proofs, keys, status and safe fetching. Pure: no Flask, no peewee."""

import sys
import types


def _without_httpx_command_line() -> None:
    """httpx imports its own command-line client (click, rich, pygments) whenever it is imported,
    a third of the verifier's start-up; Skillproof never runs it, so a stand-in takes its place.
    """
    if "httpx" in sys.modules:
        return
    stand_in = types.ModuleType("httpx._main", "httpx's command line, not loaded by Skillproof")

    def main() -> None:
        raise SystemExit("httpx's command line is not available inside Skillproof")

    stand_in.main = main  # type: ignore[attr-defined]
    sys.modules.setdefault("httpx._main", stand_in)


_without_httpx_command_line()
