"""A real SMTP server on a loopback port (stdlib only): it speaks enough SMTP for smtplib."""

from __future__ import annotations

import email
import email.policy
import queue
import socketserver
import threading
from email.message import EmailMessage
from types import TracebackType


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        self._reply("220 localhost ESMTP test server")
        data: list[bytes] | None = None
        for raw in self.rfile:
            if data is not None:  # inside DATA: lines until a lone dot
                if raw.rstrip(b"\r\n") == b".":
                    self.server.received.put(_parse(b"".join(data)))
                    data = None
                    self._reply("250 OK: queued")
                else:
                    data.append(raw[1:] if raw.startswith(b"..") else raw)
                continue
            verb = raw.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._reply("250-localhost", "250 SIZE 10485760")
            elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                self._reply("250 OK")
            elif verb == "DATA":
                data = []
                self._reply("354 End data with <CR><LF>.<CR><LF>")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")

    def _reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())


def _parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.received: queue.Queue[EmailMessage] = queue.Queue()


class SmtpServer:
    """`with SmtpServer() as smtp:` then point SKILLPROOF_SMTP_HOST/PORT at smtp.host/port."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.host, self.port = self._server.server_address[:2]

    def __enter__(self) -> SmtpServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def next_message(self, timeout: float = 10) -> EmailMessage:
        """The next message the server accepted (waits for a sender on another thread)."""
        return self._server.received.get(timeout=timeout)

    def nothing_received(self) -> bool:
        return self._server.received.empty()
