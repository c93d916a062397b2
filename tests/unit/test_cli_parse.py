"""`skillproof verify` is parsed without click (issue 14: start-up). Every call the fast parser
accepts must mean what click makes of it; everything else goes to click, which prints its own
help and errors (test_cli_verify.py runs those as real processes)."""

from __future__ import annotations

import click
import pytest

from app.cli import VerifyOptions, parse_verify
from app.commands import cli

PLAIN = [
    pytest.param(["a.json"], id="one-file"),
    pytest.param(["a.json", "https://x.example/b", "--json"], id="flag-after-targets"),
    pytest.param(["--email", "ann@example.com", "a"], id="email"),
    pytest.param(["--email=ann@example.com", "a", "--email", "bo@example.com"], id="two-emails"),
    pytest.param(["--email=", "a"], id="empty-email"),
    pytest.param(["--as-of", "2024-01-01", "a"], id="as-of"),
    pytest.param(["--as-of=2020-01-01", "--as-of", "2024-01-01T00:00:00Z", "-"], id="as-of-last"),
    pytest.param(["--concurrency", "1", "a", "b"], id="concurrency-1"),
    pytest.param(["--concurrency=256", "a"], id="concurrency-max"),
    pytest.param(["--json", "--", "--json", "-x"], id="after-double-dash"),
    pytest.param(["-"], id="stdin"),
    pytest.param(["--email", "-", "a"], id="email-is-a-dash"),
]
TO_CLICK = [
    pytest.param([], id="no-target"),
    pytest.param(["--json"], id="only-a-flag"),
    pytest.param(["--help"], id="help"),
    pytest.param(["-h", "a"], id="short-help"),
    pytest.param(["--bogus", "a"], id="unknown-option"),
    pytest.param(["-j", "a"], id="unknown-short-option"),
    pytest.param(["--jso", "a"], id="abbreviated"),
    pytest.param(["a", "--email"], id="email-without-value"),
    pytest.param(["--email", "--json", "a"], id="email-then-option"),
    pytest.param(["--concurrency", "0", "a"], id="concurrency-0"),
    pytest.param(["--concurrency", "257", "a"], id="concurrency-over"),
    pytest.param(["--concurrency", "four", "a"], id="concurrency-word"),
    pytest.param(["--json=yes", "a"], id="flag-with-value"),
]


def as_click_parses(args: list[str]) -> VerifyOptions:
    command = cli.commands["verify"]
    context = command.make_context("verify", list(args))
    params = context.params
    return VerifyOptions(
        targets=tuple(params["targets"]),
        emails=tuple(params["emails"]),
        as_json=params["as_json"],
        as_of=params["as_of"],
        concurrency=params["concurrency"],
    )


@pytest.mark.parametrize("args", PLAIN)
def test_a_plain_call_means_what_click_makes_of_it(args: list[str]) -> None:
    assert parse_verify(args) == as_click_parses(args)


@pytest.mark.parametrize("args", TO_CLICK)
def test_anything_else_is_left_to_click(args: list[str]) -> None:
    assert parse_verify(args) is None


@pytest.mark.parametrize(
    "args",
    [p for p in TO_CLICK if p.id not in ("email-then-option",)],
)
def test_what_is_left_to_click_is_refused_or_helped_by_click(args: list[str]) -> None:
    with pytest.raises((click.exceptions.Exit, click.UsageError)):
        as_click_parses(args)
