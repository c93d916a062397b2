"""Skillproof: verify candidates' micro-credentials and rank them against role skill profiles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from app.config import Settings, load_settings

if TYPE_CHECKING:
    from flask import Flask

__version__ = "0.1.0"


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app: config, database, login, blueprints, CLI."""
    # Imported here so that `skillproof verify` starts without loading Flask or peewee.
    from flask import Flask

    from app import db

    settings = config if isinstance(config, Settings) else load_settings(**dict(config or {}))
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_mapping(settings.flask_config())
    app.extensions["skillproof.settings"] = settings
    db.bind(settings.database_url)
    db.init_app(app)

    from app import cli
    from app.web import init_web

    init_web(app)
    cli.init_app(app)
    return app
