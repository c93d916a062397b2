"""SafeFetcher against real sockets on 127.0.0.1: SSRF refusals, limits, TLS, caching."""

from __future__ import annotations

import gzip
import socket
import threading
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from app.verification.fetcher import FetchError, FetchFailure, FetchResponse
from app.verification.http import SafeFetcher, user_agent
from app.verification.netpolicy import parse_allowlist
from tests.support.loopback import LoopbackServer, RecordedRequest, Route
from tests.support.tlscerts import make_pki

JSON = {"content-type": "application/json"}


class FakeNet:
    """A dict resolver and a connector that record every look-up and every connection.

    `names` maps a host name to its answers, consumed one per look-up (the last one repeats).
    The connector only ever opens sockets to 127.0.0.1: `reroute` says which (public) checked
    address stands for the loopback server, so tests never reach the internet.
    """

    def __init__(self, names: dict[str, list[list[str]]] | None = None) -> None:
        self.names = names or {}
        self.reroute: set[str] = set()
        self.lookups: list[str] = []
        self.connects: list[tuple[str, int]] = []

    def resolve(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        answers = self.names.get(host)
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return answers.pop(0) if len(answers) > 1 else answers[0]

    def connect(self, ip: str, port: int, timeout: float | None) -> socket.socket:
        self.connects.append((ip, port))
        if ip != "127.0.0.1" and ip not in self.reroute:
            raise ConnectionRefusedError("the test network only has 127.0.0.1")
        return socket.create_connection(("127.0.0.1", port), timeout)


@pytest.fixture
def net() -> FakeNet:
    return FakeNet()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def make_fetcher(net: FakeNet) -> Iterator[Callable[..., SafeFetcher]]:
    made: list[SafeFetcher] = []

    def make(allow: str = "", **options: Any) -> SafeFetcher:
        options.setdefault("connect_timeout", 2.0)
        options.setdefault("total_timeout", 5.0)
        fetcher = SafeFetcher(
            allowlist=parse_allowlist(allow), resolver=net.resolve, connector=net.connect, **options
        )
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()


def fetch_error(fetcher: SafeFetcher, url: str, **kwargs: Any) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url, **kwargs)
    return caught.value


# --- SSRF: refused before any connection -------------------------------------------------

BLOCKED, BAD_URL = FetchFailure.BLOCKED, FetchFailure.BAD_URL
SSRF_VECTORS = [
    pytest.param("http://127.0.0.1/", {}, BLOCKED, id="loopback"),
    pytest.param("http://localhost/", {"localhost": [["127.0.0.1"]]}, BLOCKED, id="localhost-dns"),
    pytest.param("http://10.1.2.3/", {}, BLOCKED, id="private-10"),
    pytest.param("http://172.16.0.1/", {}, BLOCKED, id="private-172-16"),
    pytest.param("http://172.31.255.254/", {}, BLOCKED, id="private-172-31"),
    pytest.param("http://192.168.1.1/", {}, BLOCKED, id="private-192-168"),
    pytest.param("http://169.254.169.254/latest/meta-data/", {}, BLOCKED, id="aws-metadata"),
    pytest.param("http://metadata.test/", {"metadata.test": [["169.254.169.254"]]}, BLOCKED,
                 id="metadata-by-name"),
    pytest.param("http://100.64.0.1/", {}, BLOCKED, id="carrier-grade-nat"),
    pytest.param("http://198.18.0.1/", {}, BLOCKED, id="benchmarking"),
    pytest.param("http://192.0.2.1/", {}, BLOCKED, id="documentation"),
    pytest.param("http://0.0.0.0/", {}, BLOCKED, id="zero"),
    pytest.param("http://224.0.0.1/", {}, BLOCKED, id="multicast"),
    pytest.param("http://255.255.255.255/", {}, BLOCKED, id="broadcast"),
    pytest.param("http://[::1]/", {}, BLOCKED, id="v6-loopback"),
    pytest.param("http://[::]/", {}, BLOCKED, id="v6-unspecified"),
    pytest.param("http://[fe80::1]/", {}, BLOCKED, id="v6-link-local"),
    pytest.param("http://[fc00::1]/", {}, BLOCKED, id="v6-unique-local"),
    pytest.param("http://[ff02::1]/", {}, BLOCKED, id="v6-multicast"),
    pytest.param("http://[::ffff:127.0.0.1]/", {}, BLOCKED, id="v4-mapped-dotted"),
    pytest.param("http://[::ffff:7f00:1]/", {}, BLOCKED, id="v4-mapped-hex"),
    pytest.param("http://[::ffff:10.0.0.1]:8080/", {}, BLOCKED, id="v4-mapped-private"),
    pytest.param("http://[::127.0.0.1]/", {}, BLOCKED, id="v4-compatible"),
    pytest.param("http://[64:ff9b::7f00:1]/", {}, BLOCKED, id="nat64-loopback"),
    pytest.param("http://[64:ff9b:1::a00:1]/", {}, BLOCKED, id="nat64-local-use"),
    pytest.param("http://[2002:7f00:1::]/", {}, BLOCKED, id="6to4-loopback"),
    pytest.param("http://[2001:0:808:808:0:ffff:80ff:fffe]/", {}, BLOCKED, id="teredo-loopback"),
    pytest.param("http://v6.test/", {"v6.test": [["::1"]]}, BLOCKED, id="name-to-v6-loopback"),
    pytest.param("http://multi.test/", {"multi.test": [["8.8.8.8", "10.0.0.1"]]}, BLOCKED,
                 id="one-of-several-addresses-private"),
    pytest.param("http://2130706433/", {}, BAD_URL, id="decimal"),
    pytest.param("http://0177.0.0.1/", {}, BAD_URL, id="octal-dotted"),
    pytest.param("http://017700000001/", {}, BAD_URL, id="octal-whole"),
    pytest.param("http://0x7f000001/", {}, BAD_URL, id="hex-whole"),
    pytest.param("http://0x7f.1/", {}, BAD_URL, id="hex-short"),
    pytest.param("http://127.1/", {}, BAD_URL, id="short-form"),
    pytest.param("http://127.0.0.1./", {}, BAD_URL, id="trailing-dot"),
    pytest.param("http://%31%32%37.0.0.1/", {}, BAD_URL, id="percent-encoded-host"),
    pytest.param("file:///etc/passwd", {}, BAD_URL, id="file"),
    pytest.param("gopher://127.0.0.1:70/_x", {}, BAD_URL, id="gopher"),
    pytest.param("ftp://example.test/badge.json", {}, BAD_URL, id="ftp"),
    pytest.param("data:application/json,{}", {}, BAD_URL, id="data"),
    pytest.param("javascript:alert(1)", {}, BAD_URL, id="javascript"),
    pytest.param("http://user@example.test/", {}, BAD_URL, id="userinfo"),
    pytest.param("http://user:secret@example.test/", {}, BAD_URL, id="userinfo-password"),
    pytest.param("http:///no-host", {}, BAD_URL, id="no-host"),
    pytest.param("not a url at all", {}, BAD_URL, id="not-a-url"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "names", "failure"), SSRF_VECTORS)
def test_ssrf_vectors_are_refused_without_connecting(
    net: FakeNet,
    make_fetcher: Callable[..., SafeFetcher],
    url: str,
    names: dict[str, list[list[str]]],
    failure: FetchFailure,
) -> None:
    net.names = {host: list(answers) for host, answers in names.items()}
    error = fetch_error(make_fetcher(), url)
    assert error.failure is failure
    assert net.connects == []
    assert "Errno" not in error.detail and error.detail


def test_a_redirect_from_an_allowed_server_to_a_private_address_is_refused(
    server: LoopbackServer, net: FakeNet, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server.route("/hop", redirect="http://10.0.0.7/secret")
    error = fetch_error(make_fetcher("127.0.0.1"), server.url("/hop"))
    assert error.failure is FetchFailure.BLOCKED
    assert net.connects == [("127.0.0.1", server.port)]


def test_a_redirect_to_a_name_for_a_private_address_is_refused_at_connect(
    server: LoopbackServer, net: FakeNet, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    net.names = {"intranet.test": [["192.168.0.10"]]}
    server.route("/hop", redirect="http://intranet.test/")
    error = fetch_error(make_fetcher("127.0.0.1"), server.url("/hop"))
    assert error.failure is FetchFailure.BLOCKED
    assert net.lookups == ["intranet.test"]
    assert net.connects == [("127.0.0.1", server.port)]


def test_a_redirect_to_file_is_refused(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server.route("/hop", redirect="file:///etc/passwd", status=301)
    assert fetch_error(make_fetcher("127.0.0.1"), server.url("/hop")).failure is BAD_URL


def test_more_than_five_redirects_are_refused_and_five_are_followed(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    for hop in range(6):
        server.route(f"/r{hop}", redirect=f"/r{hop + 1}")
    server.route("/r5", redirect="/r6", status=307)
    server.route("/r6", body=b"{}", headers=JSON)
    fetcher = make_fetcher("127.0.0.1")
    error = fetch_error(fetcher, server.url("/r0"))
    assert error.failure is FetchFailure.TOO_MANY_REDIRECTS
    response = fetcher.fetch(server.url("/r1"))
    assert response.url == server.url("/r6")
    assert response.redirects == tuple(server.url(f"/r{hop}") for hop in range(1, 6))


# --- the allowlist -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allow", "allowed"),
    [
        pytest.param("127.0.0.1", True, id="ip"),
        pytest.param("127.0.0.0/8", True, id="cidr"),
        pytest.param("127.0.0.1:{port}", True, id="ip-and-port"),
        pytest.param("127.0.0.1:{other}", False, id="ip-and-other-port"),
        pytest.param("", False, id="empty"),
    ],
)
def test_a_loopback_server_is_reachable_only_through_the_allowlist(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher], allow: str, allowed: bool
) -> None:
    server.route("/badge", body=b'{"ok": true}', headers=JSON)
    fetcher = make_fetcher(allow.format(port=server.port, other=server.port + 1))
    if allowed:
        assert fetcher.fetch(server.url("/badge")).content == b'{"ok": true}'
    else:
        assert fetch_error(fetcher, server.url("/badge")).failure is FetchFailure.BLOCKED
        assert server.requests == []


def test_a_name_is_allowed_by_the_address_it_resolves_to(
    server: LoopbackServer, net: FakeNet, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    net.names = {"issuer.test": [["127.0.0.1"]]}
    server.route("/badge", body=b"{}", headers=JSON)
    response = make_fetcher("127.0.0.1").fetch(server.url("/badge", host="issuer.test"))
    assert response.ok
    assert server.requests[0].header("host") == f"issuer.test:{server.port}"
    assert server.requests[0].header("user-agent") == user_agent()


# --- DNS rebinding -----------------------------------------------------------------------


def test_the_name_is_resolved_once_per_connection_and_the_checked_address_is_used(
    server: LoopbackServer, net: FakeNet, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    net.names = {"rebind.test": [["8.8.8.8"], ["127.0.0.1"]]}
    net.reroute = {"8.8.8.8"}
    server.route("/doc", body=b"{}", headers={**JSON, "connection": "close"})
    fetcher = make_fetcher()
    assert fetcher.fetch(server.url("/doc", host="rebind.test")).ok
    assert net.lookups == ["rebind.test"]
    assert net.connects == [("8.8.8.8", server.port)]
    error = fetch_error(fetcher, server.url("/doc", host="rebind.test"))  # a new connection
    assert error.failure is FetchFailure.BLOCKED
    assert net.lookups == ["rebind.test", "rebind.test"]
    assert net.connects == [("8.8.8.8", server.port)]


def test_a_pooled_connection_is_reused_without_resolving_again(
    server: LoopbackServer, net: FakeNet, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    net.names = {"issuer.test": [["127.0.0.1"]]}
    server.route("/doc", body=b"{}", headers=JSON)
    fetcher = make_fetcher("127.0.0.1")
    for _ in range(3):
        fetcher.fetch(server.url("/doc", host="issuer.test"))
    assert net.lookups == ["issuer.test"]
    assert len(net.connects) == 1


# --- limits and failures -----------------------------------------------------------------


def test_a_body_announced_too_large_is_refused_before_reading(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    # Announces 10 MB but sends 10 bytes: reading it would wait for the timeout instead.
    server.route("/big", body=b"0123456789", headers={"content-length": "10000000"})
    error = fetch_error(make_fetcher("127.0.0.1"), server.url("/big"))
    assert error.failure is FetchFailure.TOO_LARGE
    assert error.detail == "the document is larger than 2 MB"


@pytest.mark.parametrize(
    "chunked", [pytest.param(False, id="length"), pytest.param(True, id="chunked")]
)
def test_a_body_over_the_per_call_cap_is_refused(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher], chunked: bool
) -> None:
    server.route("/big", body=b"x" * 200_000, chunked=chunked)
    fetcher = make_fetcher("127.0.0.1")
    assert (
        fetch_error(fetcher, server.url("/big"), max_bytes=50_000).failure is FetchFailure.TOO_LARGE
    )
    assert fetcher.fetch(server.url("/big"), max_bytes=200_000).content == b"x" * 200_000


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        pytest.param("gzip", gzip.compress, id="gzip"),
        pytest.param("deflate", zlib.compress, id="deflate-zlib"),
        pytest.param("deflate", lambda data: zlib.compress(data, wbits=-15), id="deflate-raw"),
    ],
)
def test_a_decompression_bomb_is_stopped_at_the_cap(
    server: LoopbackServer,
    make_fetcher: Callable[..., SafeFetcher],
    encoding: str,
    compress: Callable[[bytes], bytes],
) -> None:
    bomb = compress(b"\0" * 20_000_000)
    assert len(bomb) < 100_000
    server.route("/bomb", body=bomb, headers={"content-encoding": encoding})
    server.route("/fine", body=compress(b'{"a": 1}'), headers={"content-encoding": encoding})
    fetcher = make_fetcher("127.0.0.1")
    assert fetch_error(fetcher, server.url("/bomb")).failure is FetchFailure.TOO_LARGE
    assert fetcher.fetch(server.url("/fine")).content == b'{"a": 1}'


def test_an_unknown_content_encoding_is_a_protocol_failure(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server.route("/br", body=b"\x1b\x00", headers={"content-encoding": "br"})
    assert (
        fetch_error(make_fetcher("127.0.0.1"), server.url("/br")).failure is FetchFailure.PROTOCOL
    )


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(Route(body=b"x" * 400, drip=0.01), id="slow-drip"),
        pytest.param(Route(body=b"{}", delay=3), id="stalled"),
    ],
)
def test_the_total_timeout_bounds_a_slow_server(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher], route: Route
) -> None:
    server.route("/slow", handler=lambda request: route)
    error = fetch_error(make_fetcher("127.0.0.1", total_timeout=0.4), server.url("/slow"))
    assert error.failure is FetchFailure.TIMEOUT
    assert error.detail == "the server 127.0.0.1 did not answer in time"


def test_a_refused_connection_is_a_connect_failure(
    make_fetcher: Callable[..., SafeFetcher],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = fetch_error(make_fetcher("127.0.0.1"), f"http://127.0.0.1:{port}/")
    assert error.failure is FetchFailure.CONNECT
    assert error.detail == "the server 127.0.0.1 refused the connection"


def test_an_unknown_name_is_a_dns_failure(make_fetcher: Callable[..., SafeFetcher]) -> None:
    error = fetch_error(make_fetcher(), "https://nowhere.test/badge")
    assert error.failure is FetchFailure.DNS
    assert "nowhere.test" in error.detail


def test_garbage_instead_of_http_is_a_protocol_failure(
    make_fetcher: Callable[..., SafeFetcher],
) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with ThreadPoolExecutor(1) as pool:
            pool.submit(_answer_garbage, listener)
            error = fetch_error(make_fetcher("127.0.0.1"), f"http://127.0.0.1:{port}/")
    assert error.failure is FetchFailure.PROTOCOL


def _answer_garbage(listener: socket.socket) -> None:
    connection, _ = listener.accept()
    with connection:
        connection.recv(4096)
        connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")


def test_proxy_environment_variables_are_ignored(
    server: LoopbackServer,
    make_fetcher: Callable[..., SafeFetcher],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    server.route("/doc", body=b"{}", headers=JSON)
    assert make_fetcher("127.0.0.1").fetch(server.url("/doc")).ok
    assert [request.path for request in server.requests] == ["/doc"]


def test_any_http_status_is_a_response(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server.route("/gone", status=410, body=b"revoked")
    response = make_fetcher("127.0.0.1").fetch(server.url("/gone"))
    assert (response.status, response.ok, response.content) == (410, False, b"revoked")


# --- TLS ---------------------------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[LoopbackServer, Path]]:
    pki = make_pki(tmp_path, "issuer.test")
    with LoopbackServer(ssl_context=pki.server_context()) as running:
        running.route("/badge", body=b'{"tls": true}', headers=JSON)
        yield running, pki.ca_file


def test_tls_is_verified_against_an_extra_ca_with_sni_and_host_carrying_the_name(
    tls_server: tuple[LoopbackServer, Path], net: FakeNet, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server, ca_file = tls_server
    net.names = {"issuer.test": [["127.0.0.1"]]}
    response = make_fetcher("127.0.0.1", ca_file=str(ca_file)).fetch(
        server.url("/badge", host="issuer.test")
    )
    assert response.content == b'{"tls": true}'
    assert server.sni_names == ["issuer.test"]
    assert server.requests[0].header("host") == f"issuer.test:{server.port}"
    assert net.connects == [("127.0.0.1", server.port)]


def test_tls_fails_without_the_issuers_ca(
    tls_server: tuple[LoopbackServer, Path], net: FakeNet, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server, _ = tls_server
    net.names = {"issuer.test": [["127.0.0.1"]]}
    error = fetch_error(make_fetcher("127.0.0.1"), server.url("/badge", host="issuer.test"))
    assert error.failure is FetchFailure.TLS
    assert error.detail.startswith("the TLS certificate of issuer.test could not be verified")
    assert server.requests == []


def test_tls_fails_for_a_certificate_made_out_to_another_name(
    tls_server: tuple[LoopbackServer, Path], net: FakeNet, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server, ca_file = tls_server
    net.names = {"impostor.test": [["127.0.0.1"]]}
    fetcher = make_fetcher("127.0.0.1", ca_file=str(ca_file))
    error = fetch_error(fetcher, server.url("/badge", host="impostor.test"))
    assert error.failure is FetchFailure.TLS


def test_from_environ_reads_the_allowlist_and_ssl_cert_file(
    tls_server: tuple[LoopbackServer, Path], net: FakeNet
) -> None:
    server, ca_file = tls_server
    net.names = {"issuer.test": [["127.0.0.1"]]}
    environ = {"SKILLPROOF_ALLOW_PRIVATE_HOSTS": "127.0.0.1", "SSL_CERT_FILE": str(ca_file)}
    with SafeFetcher.from_environ(environ, resolver=net.resolve, connector=net.connect) as fetcher:
        assert fetcher.fetch(server.url("/badge", host="issuer.test")).ok


def test_an_unreadable_extra_ca_file_is_a_clear_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="extra CA certificates"):
        SafeFetcher(ca_file=str(tmp_path / "missing.pem"))


# --- caching -----------------------------------------------------------------------------


def etag_route(etag: str = '"v1"', cache_control: str = "no-cache") -> Route:
    """Answers 304 when the client already holds `etag`."""

    def answer(request: RecordedRequest) -> Route:
        headers = {**JSON, "etag": etag, "cache-control": cache_control}
        if request.header("if-none-match") == etag:
            return Route(status=304, headers=headers)
        return Route(body=b'{"v": 1}', headers=headers)

    return Route(handler=answer)


def test_an_etag_is_revalidated_and_a_304_serves_the_stored_body(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server.route("/doc", handler=etag_route().handler)
    fetcher = make_fetcher("127.0.0.1")
    first, second = fetcher.fetch(server.url("/doc")), fetcher.fetch(server.url("/doc"))
    assert (first.from_cache, second.from_cache) == (False, True)
    assert (second.status, second.content) == (200, b'{"v": 1}')
    assert [r.header("if-none-match") for r in server.requests] == [None, '"v1"']
    stats = fetcher.cache.stats()
    assert (stats.misses, stats.revalidated_304, stats.hits) == (1, 1, 0)


def test_last_modified_is_sent_back_as_if_modified_since(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    stamp = "Tue, 03 Nov 2026 10:00:00 GMT"
    server.route("/doc", body=b"{}", headers={**JSON, "last-modified": stamp})
    fetcher = make_fetcher("127.0.0.1")
    fetcher.fetch(server.url("/doc"))
    fetcher.fetch(server.url("/doc"))
    assert [r.header("if-modified-since") for r in server.requests] == [None, stamp]


def test_a_fresh_response_is_served_without_a_request(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server.route("/ctx", body=b"{}", headers={**JSON, "cache-control": "max-age=600"})
    fetcher = make_fetcher("127.0.0.1")
    responses = [fetcher.fetch(server.url("/ctx")) for _ in range(3)]
    assert [r.from_cache for r in responses] == [False, True, True]
    assert len(server.requests) == 1
    assert fetcher.cache.stats().hits == 2


def test_revalidate_forces_a_conditional_request_whatever_max_age_says(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server.route("/list", handler=etag_route(cache_control="max-age=86400").handler)
    fetcher = make_fetcher("127.0.0.1")
    fetcher.fetch(server.url("/list"), revalidate=True)
    again = fetcher.fetch(server.url("/list"), revalidate=True)
    assert again.from_cache
    assert [r.header("if-none-match") for r in server.requests] == [None, '"v1"']


def test_no_store_responses_are_not_stored(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    headers = {**JSON, "cache-control": "no-store, max-age=600", "etag": '"x"'}
    server.route("/secret", body=b"{}", headers=headers)
    fetcher = make_fetcher("127.0.0.1")
    responses = [fetcher.fetch(server.url("/secret")) for _ in range(2)]
    assert [r.from_cache for r in responses] == [False, False]
    assert [r.header("if-none-match") for r in server.requests] == [None, None]


def test_the_cache_varies_on_accept(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    def by_accept(request: RecordedRequest) -> Route:
        headers = {"cache-control": "max-age=600", "vary": "Accept"}
        return Route(body=(request.header("accept") or "").encode(), headers=headers)

    server.route("/thing", handler=by_accept)
    fetcher = make_fetcher("127.0.0.1")
    as_json = fetcher.fetch(server.url("/thing"), accept="application/json")
    as_png = fetcher.fetch(server.url("/thing"), accept="image/png")
    again = fetcher.fetch(server.url("/thing"), accept="application/json")
    assert (as_json.content, as_png.content, again.content) == (
        b"application/json",
        b"image/png",
        b"application/json",
    )
    assert again.from_cache and len(server.requests) == 2


def test_a_cached_copy_over_the_per_call_cap_is_refused(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server.route("/img", body=b"x" * 5000, headers={"cache-control": "max-age=600"})
    fetcher = make_fetcher("127.0.0.1")
    fetcher.fetch(server.url("/img"))
    assert (
        fetch_error(fetcher, server.url("/img"), max_bytes=1000).failure is FetchFailure.TOO_LARGE
    )


def test_one_fetcher_serves_eight_threads_at_once(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    for n in range(4):
        server.route(f"/fresh{n}", body=b"%d" % n, headers={"cache-control": "max-age=600"})
        server.route(f"/etag{n}", handler=etag_route(etag=f'"{n}"').handler)
    fetcher = make_fetcher("127.0.0.1")
    paths = [f"/{kind}{n}" for kind in ("fresh", "etag") for n in range(4)] * 10

    def fetch(path: str) -> FetchResponse:
        return fetcher.fetch(server.url(path))

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(fetch, paths))
    for path, response in zip(paths, responses, strict=True):
        expected = path[-1].encode() if "fresh" in path else b'{"v": 1}'
        assert response.content == expected
    stats = fetcher.cache.stats()
    # A fetch that joined the same fetch under way is neither a hit nor a request of its own.
    assert stats.hits + stats.revalidated_304 + stats.misses <= len(paths)
    assert len(server.requests) == stats.revalidated_304 + stats.misses
    assert stats.revalidated_304 > 0 and stats.hits > 0


def _at_once(count: int, fetch: Callable[[int], Any]) -> list[Any]:
    """`fetch(n)` on `count` threads released together; each result, or the exception raised."""
    start = threading.Barrier(count)

    def run(n: int) -> Any:
        start.wait()
        try:
            return fetch(n)
        except FetchError as exc:
            return exc

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_fetches_of_one_document_under_way_share_one_request(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    # not storable, so without sharing every thread would send its own request
    server.route("/badge", body=b'{"n": 1}', headers={"cache-control": "no-store"}, delay=1.5)
    fetcher = make_fetcher("127.0.0.1")

    responses = _at_once(6, lambda _: fetcher.fetch(server.url("/badge")))

    assert [r.content for r in responses] == [b'{"n": 1}'] * 6
    assert len(server.requests_to("/badge")) == 1


def test_a_revalidating_fetch_never_shares_a_plain_fetch_under_way(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    # A plain fetch may be answered from the cache; a revalidating one must reach the server.
    server.route("/list", body=b"{}", headers={"cache-control": "no-store"}, delay=1.5)
    fetcher = make_fetcher("127.0.0.1")

    _at_once(4, lambda n: fetcher.fetch(server.url("/list"), revalidate=n % 2 == 1))

    assert len(server.requests_to("/list")) == 2


def test_a_failed_fetch_under_way_fails_each_fetch_that_waited_for_it(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server.route("/slow", body=b"{}", delay=4)
    fetcher = make_fetcher("127.0.0.1", total_timeout=1.5)  # all four ask within it

    errors = _at_once(4, lambda _: fetcher.fetch(server.url("/slow")))

    assert all(isinstance(e, FetchError) for e in errors)
    assert {e.failure for e in errors} == {FetchFailure.TIMEOUT}
    assert len({id(e) for e in errors}) == 4  # each thread raises its own exception
    assert len(server.requests_to("/slow")) == 1


def test_after_a_shared_fetch_lands_the_next_fetch_sends_its_own_request(
    server: LoopbackServer, make_fetcher: Callable[..., SafeFetcher]
) -> None:
    server.route("/badge", body=b"{}", headers={"cache-control": "no-store"})
    fetcher = make_fetcher("127.0.0.1")

    fetcher.fetch(server.url("/badge"))
    fetcher.fetch(server.url("/badge"))

    assert len(server.requests_to("/badge")) == 2


# --- content sniffing --------------------------------------------------------------------
