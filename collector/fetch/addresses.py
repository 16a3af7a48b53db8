"""SSRF guard: decide whether a host may be contacted when the URL came from untrusted input.

Links found inside feeds and pages are attacker-controlled; without this check a notice
page could make owabi fetch cloud metadata (169.254.169.254) or internal admin panels.
The guard only decides; the fetcher turns a refusal into FetchError("blocked_address").

Known limit: the fetcher's HTTP client resolves the name again when it connects, so a
DNS server that answers differently the second time (rebinding) is not caught here.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

Resolver = Callable[[str, int], Awaitable[Iterable[str]]]
"""async (host, port) -> IP address strings. Injectable so tests need no DNS."""


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve through the event loop's getaddrinfo (the same path the HTTP client takes)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def address_kind(ip: IPAddress) -> str | None:
    """Name why `ip` must not be contacted from untrusted input, or None if it is public.

    IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it wraps, since
    that is where the connection actually goes.
    """
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("unspecified", ip.is_unspecified),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        # Catches what the flags above miss, e.g. carrier-grade NAT 100.64.0.0/10.
        ("non-global", not ip.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def blocked_reason(host: str, port: int, resolver: Resolver) -> str | None:
    """Explain why `host` is refused (e.g. "127.0.0.1 is loopback"), or None if allowed.

    A host is refused when it is, or any of its resolved addresses is, non-public: one
    private answer is enough, because the client may connect to any of them.
    Resolution failures propagate as OSError for the caller to report as a network error.
    """
    literal = _literal_ip(host)
    addresses = [literal] if literal is not None else _parse_all(await resolver(host, port))
    if not addresses:
        raise OSError(f"{host} did not resolve to any address")
    for ip in addresses:
        kind = address_kind(ip)
        if kind is not None:
            via = "" if literal is not None else f"{host} resolves to "
            return f"{via}{ip} is {kind}"
    return None


def _parse_all(raw: Iterable[str]) -> list[IPAddress]:
    return [ipaddress.ip_address(addr) for addr in raw]
