"""The address policy: which resolved addresses Skillproof may connect to."""

from __future__ import annotations

import pytest

from app.verification.netpolicy import (
    Allowlist,
    check_address,
    check_host_syntax,
    parse_allowlist,
)


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("127.0.0.1", id="loopback"),
        pytest.param("127.255.255.254", id="loopback-range"),
        pytest.param("10.0.0.1", id="private-10"),
        pytest.param("172.16.5.4", id="private-172"),
        pytest.param("192.168.0.1", id="private-192"),
        pytest.param("169.254.169.254", id="cloud-metadata"),
        pytest.param("100.64.0.1", id="carrier-grade-nat"),
        pytest.param("198.18.0.1", id="benchmarking"),
        pytest.param("192.0.2.10", id="documentation-v4"),
        pytest.param("203.0.113.7", id="documentation-v4-3"),
        pytest.param("0.0.0.0", id="unspecified-v4"),
        pytest.param("0.1.2.3", id="this-network"),
        pytest.param("224.0.0.251", id="multicast-v4"),
        pytest.param("240.0.0.1", id="reserved-v4"),
        pytest.param("255.255.255.255", id="broadcast"),
        pytest.param("192.0.0.8", id="ietf-protocol-assignments"),
        pytest.param("::1", id="loopback-v6"),
        pytest.param("::", id="unspecified-v6"),
        pytest.param("fe80::1", id="link-local-v6"),
        pytest.param("fc00::1", id="unique-local-v6"),
        pytest.param("fd12:3456::1", id="unique-local-fd"),
        pytest.param("fec0::1", id="site-local-v6"),
        pytest.param("ff02::1", id="multicast-v6"),
        pytest.param("2001:db8::1", id="documentation-v6"),
        pytest.param("100::1", id="discard-v6"),
        pytest.param("::ffff:127.0.0.1", id="mapped-loopback"),
        pytest.param("::ffff:7f00:1", id="mapped-loopback-hex"),
        pytest.param("::ffff:169.254.169.254", id="mapped-metadata"),
        pytest.param("::127.0.0.1", id="compatible-loopback"),
        pytest.param("::8.8.8.8", id="compatible-public-is-still-deprecated"),
        pytest.param("64:ff9b::7f00:1", id="nat64-loopback"),
        pytest.param("64:ff9b::a00:1", id="nat64-private"),
        pytest.param("64:ff9b:1::a00:1", id="nat64-local-use"),
        pytest.param("2002:7f00:1::", id="6to4-loopback"),
        pytest.param("2002:a00:1::1", id="6to4-private"),
        pytest.param("2001:0:808:808:0:ffff:80ff:fffe", id="teredo-loopback-client"),
        pytest.param("4000::1", id="unallocated-v6"),
        pytest.param("not-an-ip", id="garbage"),
    ],
)
def test_non_public_addresses_are_refused_with_a_reason(address: str) -> None:
    reason = check_address(address, 443, Allowlist())
    assert reason is not None
    assert " is " in reason


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("8.8.8.8", id="public-v4"),
        pytest.param("93.184.215.14", id="public-v4-2"),
        pytest.param("2606:4700::1111", id="public-v6"),
        pytest.param("::ffff:8.8.8.8", id="mapped-public"),
        pytest.param("64:ff9b::808:808", id="nat64-public"),
        pytest.param("2002:808:808::1", id="6to4-public"),
    ],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert check_address(address, 443, Allowlist()) is None


def test_the_refusal_names_the_kind_of_address() -> None:
    assert check_address("169.254.169.254", 80) == (
        "169.254.169.254 is a link-local address (such as a cloud metadata service)"
    )
    reason = check_address("64:ff9b::7f00:1", 80)
    assert reason is not None and "loopback" in reason and "127.0.0.1" in reason


@pytest.mark.parametrize(
    ("allow", "address", "port", "allowed"),
    [
        pytest.param("127.0.0.1", "127.0.0.1", 8080, True, id="ip-any-port"),
        pytest.param("127.0.0.1", "127.0.0.2", 8080, False, id="other-ip"),
        pytest.param("127.0.0.1:8080", "127.0.0.1", 8080, True, id="ip-and-port"),
        pytest.param("127.0.0.1:8080", "127.0.0.1", 8081, False, id="ip-other-port"),
        pytest.param("10.0.0.0/8", "10.20.30.40", 443, True, id="cidr"),
        pytest.param("10.0.0.0/8", "11.0.0.1", 443, True, id="outside-cidr-but-public"),
        pytest.param("10.0.0.0/8", "172.16.0.1", 443, False, id="outside-cidr-private"),
        pytest.param("[::1]:8443", "::1", 8443, True, id="v6-with-port"),
        pytest.param("[::1]:8443", "::1", 443, False, id="v6-other-port"),
        pytest.param("::1", "::1", 443, True, id="v6-bare"),
        pytest.param("fd00::/8", "fd00::5", 443, True, id="v6-cidr"),
        pytest.param("127.0.0.1", "::ffff:127.0.0.1", 80, True, id="mapped-matches-v4-rule"),
        pytest.param("127.0.0.1", "64:ff9b::7f00:1", 80, False, id="nat64-does-not-match"),
        pytest.param("", "127.0.0.1", 80, False, id="empty"),
        pytest.param(" 10.0.0.1 , 127.0.0.1:5000 ", "127.0.0.1", 5000, True, id="spaces"),
    ],
)
def test_the_allowlist_matches_the_resolved_address_and_port(
    allow: str, address: str, port: int, allowed: bool
) -> None:
    assert (check_address(address, port, parse_allowlist(allow)) is None) is allowed


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("localhost", id="a-name"),
        pytest.param("127.0.0.1:0", id="port-zero"),
        pytest.param("127.0.0.1:99999", id="port-too-big"),
        pytest.param("127.0.0.1:http", id="port-not-a-number"),
        pytest.param("10.0.0.0/33", id="bad-prefix"),
        pytest.param("[::1", id="unclosed-bracket"),
    ],
)
def test_a_bad_allowlist_entry_is_named_in_the_error(text: str) -> None:
    with pytest.raises(ValueError, match="allowlist entry"):
        parse_allowlist(text)


def test_an_empty_allowlist_is_falsy_and_a_filled_one_is_not() -> None:
    assert not parse_allowlist(" , ")
    assert parse_allowlist("127.0.0.1")


@pytest.mark.parametrize(
    ("host", "refused"),
    [
        pytest.param("example.com", False, id="name"),
        pytest.param("xn--bcher-kva.de", False, id="punycode"),
        pytest.param("93.184.215.14", False, id="dotted-quad"),
        pytest.param("::1", False, id="ipv6-literal-left-to-address-check"),
        pytest.param("2130706433", True, id="decimal"),
        pytest.param("017700000001", True, id="octal-whole"),
        pytest.param("0x7f000001", True, id="hex-whole"),
        pytest.param("0x7f.1", True, id="hex-short"),
        pytest.param("127.1", True, id="short"),
        pytest.param("0177.0.0.1", True, id="octal-dotted"),
        pytest.param("127.0.0.1.", True, id="trailing-dot"),
        pytest.param("foo.123", True, id="ends-in-number"),
        pytest.param("%31%32%37.0.0.1", True, id="percent-encoded"),
        pytest.param("a..b", True, id="empty-label"),
        pytest.param("", True, id="empty"),
        pytest.param("fe80::1%25eth0", False, id="scoped-v6-parses-then-address-check-refuses"),
    ],
)
def test_host_syntax_refuses_odd_numeric_forms(host: str, refused: bool) -> None:
    assert (check_host_syntax(host) is not None) is refused
