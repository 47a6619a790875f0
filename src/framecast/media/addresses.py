"""Which network addresses an input URL may reach (the SSRF guard's policy).

Only globally routable unicast addresses are fetched by default. Loopback and private ranges each
have their own setting because a single-machine deployment often needs the first but not the second.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from enum import Enum

__all__ = ["AddressClass", "AddressPolicy", "IPAddress", "classify", "resolve"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Not in every Python's is_private/is_global tables, so listed explicitly.
_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressClass(Enum):
    PUBLIC = "public"
    LOOPBACK = "loopback"
    PRIVATE = "private"  # private, link-local, shared, multicast, reserved and documentation ranges


def _unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address a v6 address stands for, where the kernel or a NAT64 gateway would use it."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def classify(ip: IPAddress) -> AddressClass:
    ip = _unwrap(ip)
    # 0.0.0.0 and :: reach the local host on Linux, so they are as sensitive as loopback.
    if ip.is_loopback or ip.is_unspecified:
        return AddressClass.LOOPBACK
    if (
        ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or not ip.is_global
        or (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED_ADDRESS_SPACE)
    ):
        return AddressClass.PRIVATE
    return AddressClass.PUBLIC


@dataclass(frozen=True)
class AddressPolicy:
    allow_private: bool = False
    allow_loopback: bool = False

    def refusal(self, ip: IPAddress) -> str | None:
        """Why ``ip`` may not be fetched, naming the setting that would allow it; None when allowed."""
        kind = classify(ip)
        if kind is AddressClass.LOOPBACK and not self.allow_loopback:
            return f"{ip} is a loopback address, which is not allowed (FRAMECAST_ALLOW_LOOPBACK_URLS allows it)"
        if kind is AddressClass.PRIVATE and not self.allow_private:
            return (
                f"{ip} is a private, link-local or reserved address, which is not allowed "
                "(FRAMECAST_ALLOW_PRIVATE_URLS allows it)"
            )
        return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, in the resolver's order, without duplicates."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[IPAddress, None] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        # Strip an IPv6 zone ("fe80::1%eth0"); the address alone decides the policy.
        seen.setdefault(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]), None)
    return list(seen)
