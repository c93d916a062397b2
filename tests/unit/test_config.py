"""Settings come from the environment, checked once."""

from __future__ import annotations

import pytest

from app.config import ConfigError, load_settings


def test_defaults_give_a_sqlite_file_under_instance_and_a_secret(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("app.config.INSTANCE_DIR", tmp_path)
    monkeypatch.setattr("app.config.PROJECT_ROOT", tmp_path)
    settings = load_settings({})
    assert settings.database_url == f"sqlite:///{tmp_path / 'skillproof.db'}"
    secret = settings.flask_config()["SECRET_KEY"]
    assert len(secret) > 32
    assert load_settings({}).flask_config()["SECRET_KEY"] == secret  # kept in instance/


def test_environment_values_are_typed() -> None:
    settings = load_settings(
        {
            "SKILLPROOF_ENV": "test",
            "SKILLPROOF_RUN_SCHEDULER": "false",
            "SKILLPROOF_FETCH_TIMEOUT": "2.5",
            "SKILLPROOF_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        }
    )
    assert settings.run_scheduler is False and settings.fetch_timeout == 2.5
    assert settings.allow_private_hosts == "127.0.0.1"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("SKILLPROOF_RUN_SCHEDULER", "maybe", id="bool"),
        pytest.param("SKILLPROOF_SESSION_HOURS", "ten", id="int"),
        pytest.param("SKILLPROOF_ENV", "staging", id="env"),
        pytest.param("SKILLPROOF_ALLOW_PRIVATE_HOSTS", "not-an-ip", id="allowlist"),
        pytest.param("SSL_CERT_FILE", "/no/such/ca.pem", id="ca-file"),
    ],
)
def test_bad_values_are_named_in_the_error(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({"SKILLPROOF_ENV": "test", name: value})


def test_dotenv_is_read_in_development(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".env").write_text("SKILLPROOF_FETCH_TIMEOUT=7\n")
    monkeypatch.setattr("app.config.PROJECT_ROOT", tmp_path)
    monkeypatch.setattr("app.config.INSTANCE_DIR", tmp_path)
    assert load_settings({}).fetch_timeout == 7.0
    assert load_settings({"SKILLPROOF_FETCH_TIMEOUT": "3"}).fetch_timeout == 3.0


def test_cli_role_names_match_the_model() -> None:
    from app.cli import ROLE_NAMES
    from app.models import Role

    assert tuple(r.value for r in Role) == ROLE_NAMES
