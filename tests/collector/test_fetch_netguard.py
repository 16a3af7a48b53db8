"""The SSRF guard's address classification and resolution rules, without any network."""

from __future__ import annotations

import ipaddress

import pytest

from collector.fetch.addresses import address_kind, blocked_reason, system_resolver

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.254", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-global"),  # carrier-grade NAT
        # IPv6 forms that carry an IPv4 address are judged as the IPv4 address.
        ("::ffff:10.0.0.1", "private (IPv4-mapped of 10.0.0.1)"),
        ("::ffff:127.0.0.1", "loopback (IPv4-mapped of 127.0.0.1)"),
        ("2002:7f00:1::", "loopback (6to4 of 127.0.0.1)"),
        ("2002:a9fe:a9fe::1", "link-local (6to4 of 169.254.169.254)"),
        ("2002:c0a8:0101::", "private (6to4 of 192.168.1.1)"),
        # Teredo: server 65.54.227.120, client 127.0.0.1 stored inverted (0x80ff:fffe).
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback (Teredo of 127.0.0.1)"),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "private (Teredo of 10.0.0.1)"),
        ("64:ff9b::7f00:1", "loopback (NAT64 of 127.0.0.1)"),
        ("64:ff9b::a9fe:a9fe", "link-local (NAT64 of 169.254.169.254)"),
        ("64:ff9b:1::c0a8:101", "private (NAT64 of 192.168.1.1)"),
        ("fec0::1", "site-local"),
        ("feff:ffff::1", "site-local"),
    ],
)
def test_non_public_addresses_are_named(address, kind):
    assert address_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "172.32.0.1",
        "2606:2800:220:1::1",
        "2002:5db8:d822::1",  # 6to4 of 93.184.216.34
        "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34
    ],
)
def test_public_addresses_pass(address):
    assert address_kind(ipaddress.ip_address(address)) is None


async def test_literal_addresses_are_not_resolved():
    async def must_not_resolve(host: str, port: int) -> list[str]:
        raise AssertionError("resolver called for an IP literal")

    assert await blocked_reason("127.0.0.1", 80, must_not_resolve) == "127.0.0.1 is loopback"
    assert await blocked_reason("[::1]", 80, must_not_resolve) == "::1 is loopback"
    assert await blocked_reason("93.184.216.34", 443, must_not_resolve) is None
    assert await blocked_reason("[2002:7f00:1::]", 80, must_not_resolve) == (
        "2002:7f00:1:: is loopback (6to4 of 127.0.0.1)"
    )
    assert await blocked_reason("[fec0::1]", 80, must_not_resolve) == "fec0::1 is site-local"


async def test_any_private_answer_blocks_the_name():
    async def mixed(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.9.8.7"]

    assert await blocked_reason("mixed.example", 443, mixed) == (
        "mixed.example resolves to 10.9.8.7 is private"
    )


async def test_empty_resolution_is_an_error():
    async def nothing(host: str, port: int) -> list[str]:
        return []

    with pytest.raises(OSError):
        await blocked_reason("void.example", 443, nothing)


async def test_system_resolver_handles_numeric_hosts():
    # Numeric hosts go through getaddrinfo without any DNS query.
    assert "127.0.0.1" in await system_resolver("127.0.0.1", 80)
