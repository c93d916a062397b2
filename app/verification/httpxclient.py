"""An httpx client whose every connection goes through the guarded backend, for requests that
are not fetches (an organisation's webhook, which its admin chose).

The verifier's own fetches use httpcore directly (app/verification/http.py); only webhooks need
httpx's client, so `skillproof verify` never imports it.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore
import httpx

from .netbackend import GuardedBackend
from .netpolicy import Allowlist
from .tls import LazyTlsContext


def guarded_client(
    allowlist: Allowlist, *, ca_file: str | None = None, ca_dir: str | None = None, timeout: float
) -> httpx.Client:
    """A plain httpx client whose every connection goes to a resolved and checked address:
    no redirects followed, no cache; `Refused` is raised for an address not allowed."""
    backend = GuardedBackend(allowlist, tls_context=LazyTlsContext(ca_file, ca_dir))
    # The backend's own lazily built context is the one TLS uses; this stand-in (no CAs loaded,
    # so it could verify nothing) only keeps httpcore from building its own.
    pool = httpcore.ConnectionPool(
        ssl_context=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT),
        max_connections=4,
        max_keepalive_connections=4,
        keepalive_expiry=5.0,
        retries=0,
        network_backend=backend,
    )
    return httpx.Client(
        transport=PoolTransport(pool),
        trust_env=False,
        follow_redirects=False,
        timeout=httpx.Timeout(timeout),
        headers={"user-agent": "Skillproof-Webhook/1"},
    )


# httpcore exception -> the httpx exception an httpx transport raises for it (same names).
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for core_error, httpx_error in _HTTPX_ERRORS:
            if isinstance(exc, core_error):
                raise httpx_error(str(exc)) from exc
        raise


class _ResponseBody(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class PoolTransport(httpx.BaseTransport):
    """An httpx transport over an httpcore connection pool we build (with our own backend).

    httpx.HTTPTransport builds its pool itself and takes no network backend; this is the same
    bridge written against the public interfaces of both libraries.
    """

    def __init__(self, pool: httpcore.ConnectionPool) -> None:
        self._pool = pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = self._pool.handle_request(core_request)
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseBody(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()
