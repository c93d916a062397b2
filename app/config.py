"""Settings from SKILLPROOF_* environment variables (and DATABASE_URL), read in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("SKILLPROOF_INSTANCE_DIR", PROJECT_ROOT / "instance"))
DEV_SECRET_PREFIX = "dev-insecure-"
# Werkzeug spools uploads to disk before any view (or the CSRF check) runs: without a cap an
# anonymous POST can fill the disk. A 5 MiB CSV, percent-encoded when imported, stays under it.
MAX_REQUEST_BYTES = 16 * 1024 * 1024


class ConfigError(RuntimeError):
    """The configuration cannot run as given; the message says what to set."""


@dataclass(frozen=True)
class Settings:
    env: str = "development"  # development | production | test
    secret_key: str = ""
    database_url: str = ""
    allow_private_hosts: str = ""
    run_scheduler: bool = True
    demo_mode: bool = False
    login_rate_limit: str = "10 per minute"
    invite_rate_limit: str = "30 per minute"  # invite-link actions, per client and per invite
    proxy_hops: int = 0  # reverse proxies in front whose X-Forwarded-For names the client
    api_rate_limit: str = "600 per minute"  # per API token
    api_verify_seconds: float = 20.0  # the time limit of POST /api/v1/verify
    rate_limit_storage: str = "memory://"
    session_hours: int = 12
    base_url: str = ""  # https://skillproof.example.com: the origin of links sent by e-mail
    password_hash_slots: int = 2  # concurrent password hashes per process (32 MiB each)
    fetch_timeout: float = 10.0
    fetch_max_bytes: int = 2 * 1024 * 1024
    ssl_cert_file: str = ""
    ssl_cert_dir: str = ""
    worker_batch: int = 32
    worker_concurrency: int = 8
    claim_lease_seconds: int = 20  # renewed by a heartbeat while the worker lives
    host_concurrency: int = 4  # credentials of one issuer host verified at once, all workers
    poll_seconds: float = 1.0
    nightly_cron: str = "0 2 * * *"
    unreachable_alert_days: int = 3
    expiry_warning_days: int = 30
    webhook_url: str = ""
    webhook_secret: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_starttls: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"

    def flask_config(self) -> dict[str, Any]:
        """The Flask config mapping these settings produce."""
        return {
            "SECRET_KEY": self.secret_key or _development_secret(self.env),
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.production,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": self.production,
            "PERMANENT_SESSION_LIFETIME": self.session_hours * 3600,
            "WTF_CSRF_TIME_LIMIT": None,
            "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
            "RATELIMIT_STORAGE_URI": self.rate_limit_storage,
            "TESTING": self.env == "test",
            **self.extra,
        }


_ENV_NAMES: dict[str, str] = {
    "env": "SKILLPROOF_ENV",
    "secret_key": "SKILLPROOF_SECRET_KEY",
    "database_url": "DATABASE_URL",
    "allow_private_hosts": "SKILLPROOF_ALLOW_PRIVATE_HOSTS",
    "run_scheduler": "SKILLPROOF_RUN_SCHEDULER",
    "demo_mode": "SKILLPROOF_DEMO_MODE",
    "login_rate_limit": "SKILLPROOF_LOGIN_RATE_LIMIT",
    "invite_rate_limit": "SKILLPROOF_INVITE_RATE_LIMIT",
    "proxy_hops": "SKILLPROOF_PROXY_HOPS",
    "api_rate_limit": "SKILLPROOF_API_RATE_LIMIT",
    "api_verify_seconds": "SKILLPROOF_API_VERIFY_SECONDS",
    "rate_limit_storage": "SKILLPROOF_RATE_LIMIT_STORAGE",
    "session_hours": "SKILLPROOF_SESSION_HOURS",
    "base_url": "SKILLPROOF_BASE_URL",
    "password_hash_slots": "SKILLPROOF_PASSWORD_HASH_SLOTS",
    "fetch_timeout": "SKILLPROOF_FETCH_TIMEOUT",
    "fetch_max_bytes": "SKILLPROOF_FETCH_MAX_BYTES",
    "ssl_cert_file": "SSL_CERT_FILE",
    "ssl_cert_dir": "SSL_CERT_DIR",
    "worker_batch": "SKILLPROOF_WORKER_BATCH",
    "worker_concurrency": "SKILLPROOF_WORKER_CONCURRENCY",
    "claim_lease_seconds": "SKILLPROOF_CLAIM_LEASE_SECONDS",
    "host_concurrency": "SKILLPROOF_HOST_CONCURRENCY",
    "poll_seconds": "SKILLPROOF_POLL_SECONDS",
    "nightly_cron": "SKILLPROOF_NIGHTLY_CRON",
    "unreachable_alert_days": "SKILLPROOF_UNREACHABLE_ALERT_DAYS",
    "expiry_warning_days": "SKILLPROOF_EXPIRY_WARNING_DAYS",
    "webhook_url": "SKILLPROOF_WEBHOOK_URL",
    "webhook_secret": "SKILLPROOF_WEBHOOK_SECRET",
    "smtp_host": "SKILLPROOF_SMTP_HOST",
    "smtp_port": "SKILLPROOF_SMTP_PORT",
    "smtp_user": "SKILLPROOF_SMTP_USER",
    "smtp_password": "SKILLPROOF_SMTP_PASSWORD",
    "smtp_from": "SKILLPROOF_SMTP_FROM",
    "smtp_starttls": "SKILLPROOF_SMTP_STARTTLS",
}


def _dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():  # the usual case: python-dotenv is not even imported
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from `.env` (development only), then the environment, then `overrides`."""
    source = dict(os.environ if environ is None else environ)
    if source.get("SKILLPROOF_ENV", "development") == "development":
        source = {**_dotenv(PROJECT_ROOT / ".env"), **source}
    values: dict[str, Any] = {}
    types = {f.name: f.type for f in fields(Settings)}
    for name, env_name in _ENV_NAMES.items():
        if env_name in source:
            values[name] = _coerce(source[env_name], types[name], env_name)
    settings = replace(Settings(), **values, **overrides)
    return _finish(settings)


def _coerce(raw: str, type_name: Any, env_name: str) -> Any:
    text = raw.strip()
    try:
        if type_name == "bool":
            if text.lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(text)
            return text.lower() in {"1", "true", "yes", "on"}
        if type_name == "int":
            return int(text)
        if type_name == "float":
            return float(text)
    except ValueError as error:
        raise ConfigError(f"{env_name}={raw!r} is not a valid {type_name}") from error
    return text


def _finish(settings: Settings) -> Settings:
    if settings.env not in {"development", "production", "test"}:
        raise ConfigError("SKILLPROOF_ENV must be development, production or test")
    _check_fetching(settings)
    if settings.production:
        return _check_production(settings)
    database = settings.database_url or f"sqlite:///{INSTANCE_DIR / 'skillproof.db'}"
    return replace(settings, database_url=database)


def _check_fetching(settings: Settings) -> None:
    from app.verification.netpolicy import parse_allowlist

    try:
        allowlist = parse_allowlist(settings.allow_private_hosts)
    except ValueError as error:
        raise ConfigError(f"SKILLPROOF_ALLOW_PRIVATE_HOSTS: {error}") from error
    wide_open = [str(rule.network) for rule in allowlist.rules if rule.network.prefixlen == 0]
    if wide_open and settings.production:
        import logging  # here: `skillproof verify` starts without the logging machinery

        logging.getLogger("skillproof.config").warning(
            "SKILLPROOF_ALLOW_PRIVATE_HOSTS admits every address (%s): credential links can "
            "then reach this server's internal network and cloud metadata. List only the "
            "on-premises issuers' addresses.",
            ", ".join(wide_open),
        )
    if settings.ssl_cert_file and not Path(settings.ssl_cert_file).is_file():
        raise ConfigError(f"SSL_CERT_FILE={settings.ssl_cert_file!r} is not a readable file")
    if settings.ssl_cert_dir and not Path(settings.ssl_cert_dir).is_dir():
        raise ConfigError(f"SSL_CERT_DIR={settings.ssl_cert_dir!r} is not a folder")


def _check_production(settings: Settings) -> Settings:
    key = settings.secret_key
    if len(key) < 32 or key.startswith(DEV_SECRET_PREFIX) or key in {"change-me", "secret"}:
        raise ConfigError(
            "SKILLPROOF_SECRET_KEY must be set to a random value of at least 32 characters in "
            'production, e.g. python -c "import secrets; print(secrets.token_hex(32))"'
        )
    if not settings.database_url:
        raise ConfigError("DATABASE_URL must be set in production")
    if settings.demo_mode:
        raise ConfigError("SKILLPROOF_DEMO_MODE cannot be on in production")
    return settings


def _development_secret(env: str) -> str:
    """A random key kept in instance/ so development sessions survive a restart."""
    import secrets  # here: `skillproof verify` needs no key

    if env == "test":
        return DEV_SECRET_PREFIX + secrets.token_hex(16)
    path = INSTANCE_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = DEV_SECRET_PREFIX + secrets.token_hex(32)
    path.touch(mode=0o600)
    path.write_text(key)
    return key
