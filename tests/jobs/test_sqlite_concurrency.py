"""Regression: concurrent verifications on SQLite failed with "database is locked".

A deferred transaction that reads first and writes later gets SQLITE_BUSY_SNAPSHOT at once when
another connection committed in between; `write_transaction()` takes the lock up front instead.
"""

from __future__ import annotations

import threading

from flask import Flask

from app.db import db, write_transaction
from app.models import Organization


def test_read_then_write_transaction_waits_instead_of_failing(app: Flask) -> None:
    Organization.create(name="Seed", slug="seed")
    read_done, other_finished = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def other_writer() -> None:
        read_done.wait(5)
        try:
            with db.connection_context(), write_transaction():
                Organization.create(name="Other", slug="other")
        except BaseException as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            other_finished.set()

    thread = threading.Thread(target=other_writer)
    thread.start()
    with db.connection_context(), write_transaction():
        assert Organization.select().count() == 1
        read_done.set()
        # Unfixed, the other writer commits meanwhile and our write below fails at once;
        # fixed, it waits for our lock, so this wait simply times out.
        other_finished.wait(1.0)
        try:
            Organization.create(name="Mine", slug="mine")
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
    thread.join(10)
    assert not errors, errors
    assert Organization.select().count() == 3
