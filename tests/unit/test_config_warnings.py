"""Production start-up warns when the private-host allowlist admits every address."""

from __future__ import annotations

import logging

import pytest

from app.config import load_settings

PRODUCTION = {
    "SKILLPROOF_ENV": "production",
    "SKILLPROOF_SECRET_KEY": "k" * 40,
    "DATABASE_URL": "postgresql://db.internal/skillproof",
}


@pytest.mark.parametrize("allowlist", ["0.0.0.0/0", "10.0.0.5, ::/0", "0.0.0.0/0:8443"])
def test_production_warns_about_a_wide_open_allowlist(
    caplog: pytest.LogCaptureFixture, allowlist: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="skillproof.config"):
        load_settings({**PRODUCTION, "SKILLPROOF_ALLOW_PRIVATE_HOSTS": allowlist})
    (record,) = caplog.records
    assert "admits every address" in record.getMessage()


@pytest.mark.parametrize("allowlist", ["", "10.0.0.5", "192.168.0.0/16"])
def test_a_narrow_allowlist_starts_quietly(
    caplog: pytest.LogCaptureFixture, allowlist: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="skillproof.config"):
        load_settings({**PRODUCTION, "SKILLPROOF_ALLOW_PRIVATE_HOSTS": allowlist})
    assert caplog.records == []
