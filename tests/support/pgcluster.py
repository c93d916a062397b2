"""A throwaway PostgreSQL cluster on a free loopback port, for tests and CI.

`python -m tests.support.pgcluster DIR` starts one in DIR and prints its URL;
`python -m tests.support.pgcluster --stop DIR` stops it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for directory in PG_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    return None


def available() -> bool:
    return find_binary("initdb") is not None and find_binary("pg_ctl") is not None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    """initdb refuses to run as root; run the server as the `postgres` user then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def start(directory: Path) -> str:
    """Create and start a cluster in `directory`; returns a superuser URL (trust auth)."""
    directory.mkdir(parents=True, exist_ok=True)
    data = directory / "data"
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    assert initdb and pg_ctl, "PostgreSQL binaries not found"
    subprocess.run(
        _as_postgres([initdb, "-A", "trust", "-U", "postgres", "-E", "UTF8", "-D", str(data)]),
        check=True,
        capture_output=True,
    )
    port = _free_port()
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -k {directory} -c fsync=off"
    subprocess.run(
        _as_postgres(
            [
                pg_ctl,
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(directory / "log"),
                "-w",
                "-t",
                "30",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    (directory / "port").write_text(str(port))
    _wait(port)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def stop(directory: Path) -> None:
    pg_ctl = find_binary("pg_ctl")
    if pg_ctl and (directory / "data").exists():
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(directory / "data"), "-m", "immediate", "stop"]),
            capture_output=True,
        )


def _wait(port: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not start on port {port}")


if __name__ == "__main__":
    if sys.argv[1] == "--stop":
        stop(Path(sys.argv[2]))
    else:
        print(start(Path(sys.argv[1])))
