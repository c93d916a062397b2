"""The heavy lane: large JSON-LD documents are processed in a child process, one at a time.

JSON-LD expansion and canonicalization are pure Python and hold the GIL, so a large document
worked on in a thread slows every other check of the process, whichever organisation it
belongs to. Large documents go to one child process instead: they queue behind each other,
small documents never wait for them, and a caller that stops waiting (the API's time limit)
kills the child, which really stops the work.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from app.verification.limits import Cancelled, cancelled, checkpoint
from app.verification.ob3.errors import Failure, invalid

T = TypeVar("T")
POLL_SECONDS = 0.02  # how often a waiting caller looks at its cancel event
# Heavy documents yield the CPU to everything else the machine verifies.
NICENESS = 10
CRASHED = "the credential is too complex to verify"
UNEXPECTED = "the credential could not be canonicalised (an unexpected error)"
PROJECT = Path(__file__).resolve().parents[3]
CHILD = "from app.verification.ob3.lane import child_main; child_main()"


class HeavyLane:
    """One child process that runs module-level functions on documents, in turn.

    The child is a fresh interpreter running `child_main` that talks pickles
    over its stdin and stdout, so it never depends on how the parent's main module was written.
    """

    def __init__(self) -> None:
        self._turn = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._connection: Connection | None = None
        self._owner = os.getpid()  # a forked copy (gunicorn worker) must not share the pipe
        self.started = 0  # child processes started so far (tests read it)

    def run(self, function: Callable[[Any], T], argument: Any) -> T:
        """`function(argument)` in the child; a Failure it raises is raised here."""
        while not self._turn.acquire(timeout=POLL_SECONDS):
            checkpoint()
        try:
            return self._call(function, argument)
        finally:
            self._turn.release()

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        """Kill the child (the next run starts a new one)."""
        if self._connection is not None:
            self._connection.close()
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    stream.close()
        self._process = self._connection = None

    def _call(self, function: Callable[[Any], T], argument: Any) -> T:
        try:
            connection = self._connect()
            connection.send((function, argument))
            while not connection.poll(POLL_SECONDS):
                if cancelled():
                    self.stop()
                    raise Cancelled
            ok, value = connection.recv()
        except (EOFError, OSError) as exc:  # the child died (memory) or the pipe broke
            self.stop()
            raise invalid("canonicalization", CRASHED) from exc
        if ok:
            result: T = value
            return result
        raise value

    def _connect(self) -> Connection:
        if self._owner != os.getpid():  # forked: the child and its pipe belong to the parent
            self._process, self._connection, self._owner = None, None, os.getpid()
        if self._connection is None or not self.running():
            self.stop()
            path = os.pathsep.join([str(PROJECT), os.environ.get("PYTHONPATH", "")])
            process = subprocess.Popen(
                [sys.executable, "-c", CHILD],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": path},
            )
            assert process.stdin is not None and process.stdout is not None
            self._connection = _Pipe(process.stdout.fileno(), process.stdin.fileno())
            self._process = process
            self.started += 1
        return self._connection


class _Pipe(Connection):
    """A multiprocessing Connection over two file descriptors (read, write)."""

    def __init__(self, read: int, write: int) -> None:
        super().__init__(os.dup(read), readable=True, writable=False)
        self._writer = Connection(os.dup(write), readable=False, writable=True)

    def send(self, obj: Any) -> None:
        self._writer.send(obj)

    def close(self) -> None:
        self._writer.close()
        super().close()


def serve(requests: Connection, replies: Connection) -> None:
    """The child's loop: run each function sent, send back (True, result) or (False, Failure)."""
    while True:
        try:
            function, argument = requests.recv()
        except EOFError:
            return
        try:
            reply: tuple[bool, Any] = (True, function(argument))
        except Failure as failure:
            reply = (False, failure)
        except Exception:  # a bug: the parent gets a plain failure, the child lives on
            reply = (False, invalid("canonicalization", UNEXPECTED))
        replies.send(reply)


HEAVY = HeavyLane()


def child_main() -> None:
    """The child process: requests on stdin, replies on stdout."""
    incoming = Connection(os.dup(0), readable=True, writable=False)
    outgoing = Connection(os.dup(1), readable=False, writable=True)
    sys.stdout = sys.stderr  # nothing but replies may reach the parent's pipe
    os.nice(NICENESS)
    serve(incoming, outgoing)
