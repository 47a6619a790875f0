"""The address policy behind the SSRF guard."""

from __future__ import annotations

import ipaddress

import pytest

from framecast.media.addresses import AddressClass, AddressPolicy, classify, resolve


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("8.8.8.8", AddressClass.PUBLIC),
        ("93.184.216.34", AddressClass.PUBLIC),
        ("2606:4700:4700::1111", AddressClass.PUBLIC),
        ("127.0.0.1", AddressClass.LOOPBACK),
        ("127.255.0.9", AddressClass.LOOPBACK),
        ("::1", AddressClass.LOOPBACK),
        ("0.0.0.0", AddressClass.LOOPBACK),
        ("::", AddressClass.LOOPBACK),
        ("::ffff:127.0.0.1", AddressClass.LOOPBACK),
        ("64:ff9b::7f00:1", AddressClass.LOOPBACK),  # NAT64 spelling of 127.0.0.1
        ("10.0.0.1", AddressClass.PRIVATE),
        ("172.31.255.255", AddressClass.PRIVATE),
        ("192.168.0.1", AddressClass.PRIVATE),
        ("169.254.169.254", AddressClass.PRIVATE),
        ("100.64.0.1", AddressClass.PRIVATE),
        ("100.127.255.254", AddressClass.PRIVATE),
        ("224.0.0.251", AddressClass.PRIVATE),
        ("239.255.255.250", AddressClass.PRIVATE),
        ("240.0.0.1", AddressClass.PRIVATE),
        ("255.255.255.255", AddressClass.PRIVATE),
        ("192.0.2.1", AddressClass.PRIVATE),
        ("fc00::1", AddressClass.PRIVATE),
        ("fd12:3456::1", AddressClass.PRIVATE),
        ("fe80::1", AddressClass.PRIVATE),
        ("ff02::1", AddressClass.PRIVATE),
        ("::ffff:10.0.0.1", AddressClass.PRIVATE),
        ("::ffff:169.254.169.254", AddressClass.PRIVATE),
        ("64:ff9b::a00:1", AddressClass.PRIVATE),  # NAT64 spelling of 10.0.0.1
        ("::ffff:8.8.8.8", AddressClass.PUBLIC),
    ],
)
def test_classify(address: str, kind: AddressClass) -> None:
    assert classify(ipaddress.ip_address(address)) is kind


def test_each_setting_opens_only_its_own_class() -> None:
    loopback, private, public = (ipaddress.ip_address(a) for a in ("::1", "10.0.0.1", "8.8.8.8"))
    closed = AddressPolicy()
    assert closed.refusal(public) is None
    assert closed.refusal(loopback) is not None and closed.refusal(private) is not None

    only_loopback = AddressPolicy(allow_loopback=True)
    assert only_loopback.refusal(loopback) is None
    assert "FRAMECAST_ALLOW_PRIVATE_URLS" in (only_loopback.refusal(private) or "")

    only_private = AddressPolicy(allow_private=True)
    assert only_private.refusal(private) is None
    assert "FRAMECAST_ALLOW_LOOPBACK_URLS" in (only_private.refusal(loopback) or "")


def test_resolve_literals_without_dns() -> None:
    assert resolve("10.1.2.3", 80) == [ipaddress.ip_address("10.1.2.3")]
    assert resolve("::1", 80) == [ipaddress.ip_address("::1")]


def test_resolve_localhost_gives_loopback_only() -> None:
    addresses = resolve("localhost", 80)
    assert addresses and all(classify(ip) is AddressClass.LOOPBACK for ip in addresses)
    assert len(addresses) == len(set(addresses))
