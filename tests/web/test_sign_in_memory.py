"""Concurrent failed sign-ins queue for a bounded number of password hashes (32 MiB each)."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import pytest
from flask import Flask

from app.services import accounts

SIGN_INS = 8


def test_concurrent_failed_sign_ins_hash_at_most_the_configured_number_at_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert accounts.HASHING.slots == 2  # SKILLPROOF_PASSWORD_HASH_SLOTS' default
    real_scrypt = hashlib.scrypt
    changed = threading.Condition()
    release = threading.Event()
    inside = 0
    most = 0

    def scrypt(*args: Any, **kwargs: Any) -> bytes:
        nonlocal inside, most
        with changed:
            inside += 1
            most = max(most, inside)
            changed.notify_all()
        release.wait(timeout=30)
        with changed:
            inside -= 1
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", scrypt)

    def sign_in(n: int) -> None:
        with app.app_context():
            assert accounts.authenticate(f"nobody{n}@acme.test", "wrong password") is None

    threads = [threading.Thread(target=sign_in, args=(n,)) for n in range(SIGN_INS)]
    for thread in threads:
        thread.start()
    settled = False
    for _ in range(3000):  # until every sign-in is either hashing or queued for a slot
        with changed:
            settled = inside + accounts.HASHING.waiting == SIGN_INS
            if settled:
                break
            changed.wait(0.01)  # queueing notifies nobody: look again shortly
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert settled and most == accounts.HASHING.slots
