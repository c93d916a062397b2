"""The `skillproof` command. `skillproof verify` is parsed and run here without importing click
(its start-up is what a script calling it feels); every other command, and any `verify` call
this parser does not take as it is (--help, a bad option, a missing target, a bad value), goes
to the click commands in app/commands.py, which print the usual help and errors (exit 2).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from flask import Flask

ROLE_NAMES = ("admin", "recruiter", "viewer")  # app.models.Role, without importing peewee
DEFAULT_CONCURRENCY, MAX_CONCURRENCY = 32, 256
_VALUE_OPTIONS = ("--email", "--name", "--as-of", "--concurrency")


@dataclass(frozen=True)
class VerifyOptions:
    """`skillproof verify TARGET... [--email E]... [--name N]... [--json] [--as-of T]
    [--concurrency N]`."""

    targets: tuple[str, ...]
    emails: tuple[str, ...] = ()
    as_json: bool = False
    as_of: str | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    names: tuple[str, ...] = ()  # compared with the holder a certificate page names


class UsageProblem(Exception):
    """A bad option value found while starting: a usage error (exit 2), not a verdict."""

    def __init__(self, message: str, param_hint: str | None = None) -> None:
        super().__init__(message)
        self.param_hint = param_hint


def console() -> NoReturn:
    """The `skillproof` console script: `main()`, then exit with its status.

    A `verify` run ends the process at once (os._exit) once its output is flushed: tearing the
    interpreter down (joining the idle fetch threads, freeing some 250 modules) took 25-30 ms, a
    tenth of a small batch, and a verify run leaves nothing else to write. Every other command
    exits the usual way, running its atexit handlers.
    """
    status = main()
    if not _verified_fast:
        sys.exit(status)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `skillproof verify ... | head`
        status = 1
    os._exit(status)


_verified_fast = False  # main() ran `verify` on its own parser, to the end


def main(argv: Sequence[str] | None = None) -> int:
    """`verify` straight away when its arguments are plain, else click; the exit status."""
    global _verified_fast
    args = list(sys.argv[1:] if argv is None else argv)
    options = parse_verify(args[1:]) if args[:1] == ["verify"] else None
    if options is not None:
        try:
            status = run_verify(options)
            _verified_fast = True
            return status
        except UsageProblem:
            pass  # click says it, in its own words and with exit status 2
        except KeyboardInterrupt:  # as click ends on Ctrl-C
            print("\nAborted!", file=sys.stderr)
            return 1
        except BrokenPipeError:  # `skillproof verify ... | head`: stop quietly, as click does
            _discard_stdout()
            return 1
    from app.commands import cli

    return int(cli.main(args=args, prog_name="skillproof") or 0)


def parse_verify(args: Sequence[str]) -> VerifyOptions | None:
    """The options of a plain `verify` call, or None for anything click should handle."""
    targets: list[str] = []
    values: dict[str, list[str]] = {name: [] for name in _VALUE_OPTIONS}
    as_json, rest = False, list(args)
    while rest:
        arg = rest.pop(0)
        name, has_value, value = arg.partition("=")
        if arg == "--":
            targets += rest
            break
        if arg == "--json":
            as_json = True
        elif name in _VALUE_OPTIONS:
            if not has_value:
                if not rest or (rest[0].startswith("-") and rest[0] != "-"):
                    return None
                value = rest.pop(0)
            values[name].append(value)
        elif arg.startswith("-") and arg != "-":
            return None  # --help, -h, or an option click knows how to refuse
        else:
            targets.append(arg)
    concurrency = _concurrency(values["--concurrency"])
    if not targets or concurrency is None:
        return None
    as_of = values["--as-of"][-1] if values["--as-of"] else None
    return VerifyOptions(
        tuple(targets),
        tuple(values["--email"]),
        as_json,
        as_of,
        concurrency,
        names=tuple(values["--name"]),
    )


def _concurrency(given: list[str]) -> int | None:
    if not given:
        return DEFAULT_CONCURRENCY
    text = given[-1].strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_CONCURRENCY:
        return None
    return int(text)


def run_verify(options: VerifyOptions) -> int:
    """Verify every target, printing one result each; 0 when all are verified, else 1.
    Raises UsageProblem, before reading stdin or printing anything, for a bad option value."""
    from app.cli_output import parse_as_of, print_result
    from app.config import ConfigError, load_settings
    from app.services.checking import build_fetcher, source_for, verify_many
    from app.verification.prefetch import Prefetching, fetch_early
    from app.verification.source import Source

    try:
        now = parse_as_of(options.as_of)
    except ValueError as error:
        raise UsageProblem(str(error), param_hint="--as-of") from error
    try:
        settings = load_settings()
    except ConfigError as error:
        raise UsageProblem(str(error)) from error
    try:
        fetcher = build_fetcher(settings, connections=options.concurrency)
    except ValueError as error:  # a bad allowlist entry or CA file: a bad option, not a crash
        raise UsageProblem(str(error)) from error
    stdin = sys.stdin.buffer.read() if "-" in options.targets else None
    sources = [source_for(target, stdin) for target in options.targets]
    all_verified = True
    # The fetches ahead follow links the checks may not need (a revoked badge never reads the
    # issuer's revocation list): the run ends with its last result, not with them.
    with fetcher, Prefetching(fetcher, wait_on_close=False) as ahead:
        # The links that are verified first are fetched now, while the verifier loads.
        first = [s.url for s in sources if isinstance(s, Source) and s.url]
        if first:
            fetcher.prepare()  # so that the requests are sent before the verifier loads
        fetch_early(ahead, first[: options.concurrency])
        for result in verify_many(
            sources,
            fetcher=ahead,
            now=now,
            emails=options.emails,
            names=options.names,
            concurrency=options.concurrency,
        ):
            all_verified &= result.verdict == "verified"
            print_result(result, as_json=options.as_json)
    return 0 if all_verified else 1


def _discard_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush has nowhere to fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def init_app(app: Flask) -> None:
    """Expose the same commands under `flask` for developers used to it."""
    from app.commands import init_app as add_commands

    add_commands(app)


if __name__ == "__main__":  # pragma: no cover
    console()
