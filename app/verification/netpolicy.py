"""Which network addresses Skillproof may contact: public ones, plus an explicit allowlist."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _nets(*cidrs: str) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(cidr) for cidr in cidrs)


# Checked in order, before `is_global`, so the refusal names the kind of address in plain words
# and does not depend on how complete this Python's `ipaddress` tables are.
_IPV4_REFUSED: tuple[tuple[tuple[IPNetwork, ...], str], ...] = (
    (_nets("0.0.0.0/8"), "an unspecified 'this network' address"),
    (_nets("127.0.0.0/8"), "a loopback address (this machine)"),
    (_nets("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"), "a private network address"),
    (_nets("169.254.0.0/16"), "a link-local address (such as a cloud metadata service)"),
    (_nets("100.64.0.0/10"), "a carrier-grade NAT (shared) address"),
    (_nets("198.18.0.0/15"), "a benchmarking network address"),
    (_nets("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"), "a documentation example"),
    (_nets("224.0.0.0/4"), "a multicast address"),
    (_nets("255.255.255.255/32"), "the broadcast address"),
    (_nets("240.0.0.0/4"), "a reserved address"),
    (_nets("192.0.0.0/24", "192.88.99.0/24"), "a special-purpose address"),
)

_IPV6_REFUSED: tuple[tuple[tuple[IPNetwork, ...], str], ...] = (
    (_nets("::/128"), "the unspecified address"),
    (_nets("::1/128"), "a loopback address (this machine)"),
    (_nets("::/96"), "a deprecated IPv4-compatible address"),
    (_nets("64:ff9b:1::/48"), "a local-use NAT64 address"),
    (_nets("fc00::/7"), "a private network address"),
    (_nets("fe80::/10"), "a link-local address"),
    (_nets("fec0::/10"), "a site-local address"),
    (_nets("ff00::/8"), "a multicast address"),
    (_nets("2001:db8::/32", "3fff::/20"), "a documentation example"),
    (_nets("100::/64"), "a discard-only address"),
    (_nets("2001::/23", "5f00::/16"), "a special-purpose address"),
)

_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

_HOST_CHARS = re.compile(r"^[a-z0-9._-]+$")
_NUMERIC_LABEL = re.compile(r"^(?:[0-9]+|0x[0-9a-f]*)$")


@dataclass(frozen=True, slots=True)
class AllowRule:
    """One allowlist entry: a network, and optionally the only port allowed on it."""

    network: IPNetwork
    port: int | None = None

    def matches(self, address: IPAddress, port: int) -> bool:
        in_network = address.version == self.network.version and address in self.network
        return in_network and (self.port is None or self.port == port)


@dataclass(frozen=True, slots=True)
class Allowlist:
    """Non-public addresses an operator lets Skillproof reach (tests, on-premises issuers)."""

    rules: tuple[AllowRule, ...] = ()

    def allows(self, address: IPAddress, port: int) -> bool:
        # The kernel routes an IPv4-mapped address to the IPv4 host itself; other wrappers don't.
        mapped = getattr(address, "ipv4_mapped", None)
        candidates = [address] if mapped is None else [address, mapped]
        return any(rule.matches(ip, port) for rule in self.rules for ip in candidates)

    def __bool__(self) -> bool:
        return bool(self.rules)


NO_PRIVATE_HOSTS = Allowlist()


def parse_allowlist(text: str) -> Allowlist:
    """Parse 'IP, CIDR, ip:port, [v6]:port, ...'; raise ValueError naming a bad entry."""
    entries = [entry.strip() for entry in text.split(",")]
    return Allowlist(tuple(_parse_rule(entry) for entry in entries if entry))


def _parse_rule(entry: str) -> AllowRule:
    host, port = _split_port(entry)
    try:
        return AllowRule(ipaddress.ip_network(host, strict=False), port)
    except ValueError:
        raise ValueError(f"allowlist entry {entry!r} is not an IP address or network") from None


def _split_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):
        host, bracket, rest = entry[1:].partition("]")
        if not bracket:
            raise ValueError(f"allowlist entry {entry!r} has no closing bracket")
        return host, _parse_port(rest.removeprefix(":"), entry) if rest else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return host, _parse_port(port, entry)
    return entry, None


def _parse_port(text: str, entry: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"allowlist entry {entry!r} has an invalid port")
    return int(text)


def check_address(
    ip: str | IPAddress, port: int, allowlist: Allowlist = NO_PRIVATE_HOSTS
) -> str | None:
    """None when Skillproof may connect to `ip`:`port`, else the reason in plain words."""
    try:
        address = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    except ValueError:
        return f"{ip} is not an IP address"
    if allowlist.allows(address, port):
        return None
    reason = _refusal(address)
    return None if reason is None else f"{address} is {reason}"


def _refusal(address: IPAddress) -> str | None:
    if isinstance(address, ipaddress.IPv4Address):
        return _ipv4_refusal(address)
    for embedded in _embedded_ipv4(address):
        inner = _ipv4_refusal(embedded)
        if inner is not None:
            return f"{inner} in an IPv6 wrapper ({embedded})"
    return _ipv6_refusal(address)


def _ipv4_refusal(address: ipaddress.IPv4Address) -> str | None:
    for networks, reason in _IPV4_REFUSED:
        if any(address in network for network in networks):
            return reason
    return None if address.is_global else "not a public internet address"


def _ipv6_refusal(address: ipaddress.IPv6Address) -> str | None:
    if address.ipv4_mapped is not None or address in _NAT64:
        return None  # the embedded IPv4 address was public
    for networks, reason in _IPV6_REFUSED:
        if any(address in network for network in networks):
            return reason
    if address not in _GLOBAL_UNICAST_V6 or not address.is_global:
        return "not a public internet address"
    return None


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries: mapped, compatible, NAT64, 6to4, Teredo."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address in _NAT64 or (int(address) >> 32 == 0 and int(address) > 1):
        return [low32]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)
    return []


def literal_address(host: str) -> IPAddress | None:
    """The IP address a URL host names literally, or None for a host name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def check_host_syntax(host: str) -> str | None:
    """None for a plain DNS name or canonical IP literal, else why the host is refused.

    Numeric forms such as `2130706433`, `0x7f.1`, `0177.0.0.1` or `127.1` are refused outright:
    resolvers disagree about them, and they are a classic way to smuggle in a loopback address.
    """
    if not host:
        return "the web address has no host name"
    if ":" in host:
        return None if literal_address(host) is not None else "the IPv6 address is not valid"
    if not _HOST_CHARS.match(host) or ".." in host or len(host) > 253:
        return "the host name contains characters that are not allowed"
    last_label = host.rstrip(".").rsplit(".", 1)[-1]
    if _NUMERIC_LABEL.match(last_label) and not _is_canonical_ipv4(host):
        return "the host is written in an unusual numeric form"
    return None


def _is_canonical_ipv4(host: str) -> bool:
    try:
        return str(ipaddress.IPv4Address(host)) == host
    except ValueError:
        return False
