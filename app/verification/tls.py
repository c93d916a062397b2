"""The TLS context for outbound fetches: certifi's CA bundle plus an on-premises CA, built on
the first https connection (loading the bundles costs more than starting the command)."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl


def ca_paths_from_environ(environ: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(ca_file, ca_dir) from SSL_CERT_FILE / SSL_CERT_DIR; empty values count as unset."""
    return environ.get("SSL_CERT_FILE") or None, environ.get("SSL_CERT_DIR") or None


def make_ssl_context(ca_file: str | None = None, ca_dir: str | None = None) -> ssl.SSLContext:
    """Verify against certifi's CA bundle plus an extra CA file / hashed CA directory."""
    import ssl

    import certifi  # imported with the first TLS connection (it pulls in importlib.resources)

    context = ssl.create_default_context(cafile=certifi.where())
    if ca_file or ca_dir:
        try:
            context.load_verify_locations(cafile=ca_file, capath=ca_dir)
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(f"the extra CA certificates could not be loaded: {exc}") from exc
    return context


class LazyTlsContext:
    """The TLS context, built on the first https connection: a batch of http-only or local
    targets never needs it. Extra CA files must be readable at once, so that a missing one is a
    configuration error.
    """

    def __init__(self, ca_file: str | None = None, ca_dir: str | None = None) -> None:
        for path, readable in ((ca_file, os.path.isfile), (ca_dir, os.path.isdir)):
            if path and not (readable(path) and os.access(path, os.R_OK)):
                raise ValueError(f"the extra CA certificates could not be loaded: {path}")
        self._paths = (ca_file, ca_dir)
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def __call__(self) -> ssl.SSLContext:
        import ssl

        with self._lock:
            if self._context is None:
                try:
                    self._context = make_ssl_context(*self._paths)
                except ValueError as exc:  # unreadable content: this connection fails as TLS
                    raise ssl.SSLError(str(exc)) from exc
            return self._context
