"""The few places that lean on a library's non-public behaviour, pinned to the reviewed versions.

httpx and httpcore are used through their public interfaces (netbackend.SocketStream and
PoolTransport replace httpcore's private SyncStream and httpx's `transport._pool`), except that
app/verification/__init__.py stands in for httpx's private `_main` module to skip loading its
command line. pyld offers
no public hook for a processed-context memo or a canonicalization work limit, and peewee none
for "this row is as read from the database"; those uses are checked here against the version in
the lock, so `make lock` moving one of them fails until someone reviews the code against it.
"""

from __future__ import annotations

import inspect
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpcore
import httpx
import pytest
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver

from app.verification.httpxclient import _as_httpx_errors
from app.verification.netbackend import SocketStream
from app.verification.ob3 import canon
from tests.support.ob3_builders import IssuerKit, build_credential

ROOT = Path(__file__).resolve().parents[2]
# Distribution -> the version its private uses were last reviewed against (see module docstring).
REVIEWED = {"pyld": "3.3.0", "peewee": "4.5.3", "httpx": "0.28.1"}
USES = {
    "pyld": "app/verification/ob3/canon.py",
    "peewee": "app/services/prepared.py",
    "httpx": "app/verification/__init__.py",
}


def _locked(name: str) -> str:
    text = (ROOT / "requirements" / "runtime.txt").read_text()
    match = re.search(rf"^{re.escape(name)}==(\S+)", text, re.MULTILINE)
    assert match, f"{name} is not in requirements/runtime.txt"
    return match[1]


@pytest.mark.parametrize("name", sorted(REVIEWED))
def test_the_lock_holds_the_reviewed_version_of_libraries_used_beyond_their_public_api(
    name: str,
) -> None:
    assert _locked(name) == REVIEWED[name], (
        f"the lock moved {name} to {_locked(name)}: review its private uses in {USES[name]}, "
        "then update REVIEWED"
    )


def test_httpx_still_imports_its_command_line_from_the_module_the_verifier_stands_in_for() -> None:
    assert "from ._main import main" in inspect.getsource(httpx)


def test_pyld_still_has_the_methods_canon_overrides_with_their_signatures() -> None:
    parameters = list(inspect.signature(jsonld.JsonLdProcessor._process_context).parameters)
    assert parameters == [
        "self",
        "active_ctx",
        "local_ctx",
        "options",
        "override_protected",
        "propagate",
        "validate_scoped",
        "cycles",
    ]
    assert list(inspect.signature(URDNA2015.create_hash_to_related).parameters) == [
        "self",
        "id_",
        "issuer",
    ]
    assert list(inspect.signature(URDNA2015.hash_n_degree_quads).parameters) == [
        "self",
        "id_",
        "issuer",
    ]
    assert list(inspect.signature(jsonld.JsonLdProcessor._expand).parameters)[:5] == [
        "self",
        "active_ctx",
        "active_property",
        "element",
        "options",
    ]
    assert list(inspect.signature(ContextResolver._cache_resolved_context).parameters) == [
        "self",
        "key",
        "resolved",
        "tag",
    ]


def test_every_context_pyld_caches_gets_a_thread_safe_cache() -> None:
    canon._RESOLVED_CONTEXTS.clear()
    canon._PROCESSED.clear()  # a memo hit would skip resolving the contexts
    canon.canonize(build_credential(IssuerKit.did_key(), email="ann@example.test"))
    cached = [
        context
        for tags in canon._RESOLVED_CONTEXTS.values()
        for resolved in tags.values()
        for context in (resolved if isinstance(resolved, list) else [resolved])
    ]
    assert cached
    assert all(isinstance(context.cache, canon._LockedLRU) for context in cached)


def test_the_processed_context_memo_is_used_by_pyld_active_contexts() -> None:
    canon._PROCESSED.clear()
    canon.canonize(build_credential(IssuerKit.did_key(), email="ann@example.test"))
    assert len(canon._PROCESSED) > 0, "pyld's active contexts no longer carry `_uuid`"


def test_peewee_rows_still_track_changed_fields_in_dirty() -> None:
    import peewee

    class Thing(peewee.Model):
        name = peewee.CharField()

    thing = Thing(name="x")
    assert thing._dirty == {"name"}
    thing._dirty.clear()
    assert thing.dirty_fields == []


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    left, right = socket.socketpair()
    yield left, right
    left.close()
    right.close()


def test_socket_stream_reads_and_writes_through_the_socket(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    left, right = pair
    stream = SocketStream(left)
    stream.write(b"ping", timeout=1.0)
    assert right.recv(4) == b"ping"
    right.sendall(b"pong")
    assert stream.read(4, timeout=1.0) == b"pong"
    assert stream.get_extra_info("socket") is left
    assert stream.get_extra_info("ssl_object") is None


def test_socket_stream_turns_a_silent_peer_into_httpcore_read_timeout(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    with pytest.raises(httpcore.ReadTimeout):
        SocketStream(pair[0]).read(1, timeout=0.001)


def test_socket_stream_turns_a_reset_into_httpcore_write_error(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    left, right = pair
    right.close()
    with pytest.raises(httpcore.WriteError):
        for _ in range(100):
            SocketStream(left).write(b"x" * 65536, timeout=1.0)


def test_an_idle_connection_is_readable_once_the_server_closes_it(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    left, right = pair
    stream = SocketStream(left)
    assert stream.get_extra_info("is_readable") is False
    right.close()
    assert stream.get_extra_info("is_readable") is True


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        pytest.param(httpcore.ConnectTimeout("t"), httpx.ConnectTimeout, id="connect-timeout"),
        pytest.param(httpcore.ReadTimeout("t"), httpx.ReadTimeout, id="read-timeout"),
        pytest.param(httpcore.ConnectError("c"), httpx.ConnectError, id="connect-error"),
        pytest.param(httpcore.ReadError("r"), httpx.ReadError, id="read-error"),
        pytest.param(httpcore.RemoteProtocolError("p"), httpx.RemoteProtocolError, id="protocol"),
        pytest.param(httpcore.UnsupportedProtocol("u"), httpx.UnsupportedProtocol, id="scheme"),
    ],
)
def test_the_transport_raises_httpcore_errors_as_their_httpx_equivalents(
    raised: Exception, expected: type[Exception]
) -> None:
    with pytest.raises(expected) as caught, _as_httpx_errors():
        raise raised
    assert caught.value.__cause__ is raised


def test_the_transport_lets_other_errors_through_unchanged() -> None:
    with pytest.raises(KeyError), _as_httpx_errors():
        raise KeyError("not a network error")
