"""A real SMTP server on a loopback port (aiosmtpd), for tests that read the mail the app sends.

with SmtpServer() as smtp:          # point SKILLPROOF_SMTP_HOST/PORT at smtp.host/smtp.port
    ...
    message = smtp.next_message()   # what the server accepted, parsed
"""

from __future__ import annotations

import email
import email.policy
import queue
import socket
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class _Inbox:
    """aiosmtpd's handler: every accepted message goes to a queue the test reads."""

    def __init__(self) -> None:
        self.received: queue.Queue[EmailMessage] = queue.Queue()

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content: Any = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else str(content).encode()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.put(message)
        return "250 OK: queued"


def unused_port() -> int:
    """A loopback port nothing listens on (a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """aiosmtpd on 127.0.0.1 and a free port, in its own thread while the `with` block runs."""

    def __init__(self) -> None:
        self._inbox = _Inbox()
        self.host, self.port = "127.0.0.1", unused_port()
        self._controller = Controller(self._inbox, hostname=self.host, port=self.port)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._controller.stop()

    def next_message(self, timeout: float = 10) -> EmailMessage:
        """The next message the server accepted (waits for a sender on another thread)."""
        return self._inbox.received.get(timeout=timeout)

    def nothing_received(self) -> bool:
        return self._inbox.received.empty()
