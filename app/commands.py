"""The `skillproof` click commands: database, accounts, demo data, serving, workers and
verification (`skillproof verify` itself usually runs without click: see app/cli.py)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from flask import Flask


from app.cli import ROLE_NAMES, UsageProblem, VerifyOptions, run_verify


def _app() -> Flask:
    from app import create_app

    return create_app()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="skillproof")
def cli() -> None:
    """Skillproof: verify micro-credentials and rank candidates."""


@cli.command()
def migrate() -> None:
    """Apply pending database migrations."""
    from app import db

    _app()
    applied = db.migrate()
    click.echo(
        f"applied {len(applied)} migration(s): {', '.join(applied)}"
        if applied
        else "schema up to date"
    )


@cli.command("create-org")
@click.option("--name", required=True)
@click.option(
    "--slug", required=True, help="Short unique name: lower-case letters, digits, hyphens."
)
@click.option("--time-zone", default="UTC", show_default=True, help="IANA time zone name.")
def create_org(name: str, slug: str, time_zone: str) -> None:
    """Create an organisation."""
    from app.services import accounts

    with _app().app_context(), _db():
        try:
            organization = accounts.create_organization(name, slug, time_zone)
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"created organisation {organization.slug} (id {organization.id})")


@cli.command("create-user")
@click.option("--org", "slug", required=True, help="Organisation short name.")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLE_NAMES), default="recruiter", show_default=True)
@click.option("--name", default="")
def create_user(slug: str, email: str, role: str, name: str) -> None:
    """Create a user; the generated password is printed once."""
    from app.models import Organization, Role
    from app.services import accounts

    with _app().app_context(), _db():
        organization = Organization.by_slug(slug)
        if organization is None:
            raise click.ClickException(f"no organisation with the short name {slug!r}")
        try:
            new = accounts.create_user(organization, email, Role(role), name=name)
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"created {new.user.email} ({role}); password: {new.password}")


@cli.command("create-token")
@click.option("--org", "slug", required=True, help="Organisation short name.")
@click.option("--name", required=True, help="The system that will use it, e.g. Greenhouse.")
@click.option("--scope", type=click.Choice(("read", "write")), default="read", show_default=True)
def create_token(slug: str, name: str, scope: str) -> None:
    """Create an API token; the token is printed once (only its hash is stored)."""
    from app.models import Organization
    from app.services import api_tokens

    with _app().app_context(), _db():
        organization = Organization.by_slug(slug)
        if organization is None:
            raise click.ClickException(f"no organisation with the short name {slug!r}")
        try:
            new = api_tokens.create(organization, name, scope)
        except api_tokens.TokenError as error:
            raise click.ClickException(str(error)) from error
    # The token alone on stdout, so that TOKEN=$(skillproof create-token ...) works.
    click.echo(f"created API token {new.token.name!r} ({scope}) for {slug}; shown once:", err=True)
    click.echo(new.secret)


@cli.command("load-skills")
def load_skills() -> None:
    """Add or refresh the shipped skills taxonomy (migrations load it the first time)."""
    from app.services import skills

    with _app().app_context(), _db():
        added, updated = skills.load_taxonomy()
    click.echo(f"skills taxonomy: {added} added, {updated} updated")


@cli.command("seed-demo")
@click.option(
    "--base-url",
    default=lambda: f"http://127.0.0.1:{os.environ.get('PORT', '5000')}",
    show_default="http://127.0.0.1:$PORT",
    help="Where `serve` will answer: the demo issuer's badges point there.",
)
def seed_demo(base_url: str) -> None:
    """Create the demo organisation, users and candidates (idempotent)."""
    from app.services import demo

    with _app().app_context(), _db():
        report = demo.seed(base_url)
    click.echo(report)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    type=int,
    default=lambda: int(os.environ.get("PORT", "5000")),
    show_default="$PORT or 5000",
)
def serve(host: str, port: int) -> None:
    """Serve the app on one process (development and demo), scheduler included (once)."""
    from werkzeug.serving import run_simple

    app = _app()
    settings = app.extensions["skillproof.settings"]
    if settings.run_scheduler:
        from jobs.scheduler import start_in_process

        # The demo issuer lives in this very process, on loopback: allow exactly that address.
        extra = f"127.0.0.1:{port}" if settings.demo_mode else ""
        start_in_process(settings, extra_allow=extra)
    click.echo(f"Skillproof on http://{host}:{port}/  (Ctrl-C to stop)")
    run_simple(host, port, app, threaded=True, use_reloader=False)


@cli.command()
@click.option("--once", is_flag=True, help="Run every job once, verify until nothing is due, exit.")
def jobs(once: bool) -> None:
    """Run a standalone worker (no web server); SIGTERM or Ctrl-C stops it cleanly."""
    import logging
    import signal
    import threading

    from app.config import ConfigError, load_settings
    from app.db import bind
    from app.services import wakeup
    from jobs.scheduler import run_standalone

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        settings = load_settings()
    except ConfigError as error:
        raise click.UsageError(str(error)) from error
    bind(settings.database_url)
    stop = threading.Event()

    def stop_after_batch(*_: object) -> None:
        stop.set()
        wakeup.wake()  # an idle worker stops now, not at its next poll

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop_after_batch)
    if not once:
        click.echo("worker started; SIGTERM or Ctrl-C stops it after the current batch")
    total = run_standalone(settings, stop, once=once)
    click.echo(f"worker stopped: {total} credential(s) verified")


@cli.command()
@click.argument("targets", nargs=-1, required=True)
@click.option("--email", "emails", multiple=True, help="The candidate's address (repeatable).")
@click.option("--name", "names", multiple=True, help="The candidate's name, for certificate pages.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per target per line.")
@click.option("--as-of", "as_of", help="Judge dates as of this ISO 8601 instant (UTC if no zone).")
@click.option("--concurrency", default=32, show_default=True, type=click.IntRange(1, 256))
def verify(
    targets: tuple[str, ...],
    emails: tuple[str, ...],
    names: tuple[str, ...],
    as_json: bool,
    as_of: str | None,
    concurrency: int,
) -> None:
    """Verify credentials: URLs, files (JSON, JWS/JWT, PNG, SVG) or - for stdin."""
    options = VerifyOptions(targets, emails, as_json, as_of, concurrency, names=names)
    try:
        code = run_verify(options)
    except UsageProblem as problem:
        if problem.param_hint:
            raise click.BadParameter(str(problem), param_hint=problem.param_hint) from problem
        raise click.UsageError(str(problem)) from problem
    sys.exit(code)


def _db() -> Any:
    from app.db import db

    return db.connection_context()


def init_app(app: Flask) -> None:
    """Expose the same commands under `flask` for developers used to it."""
    for name, command in cli.commands.items():
        app.cli.add_command(command, name)
