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


# NAT64 prefixes (RFC 6052 well-known, RFC 8215 local-use): the last 32 bits are the
# IPv4 address a translator on the path connects to.
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


def embedded_ipv4(ip: IPAddress) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address an IPv6 address carries to, and by which mechanism, or None.

    IPv4-mapped, 6to4, Teredo and NAT64 addresses all end at an IPv4 host; judging the
    IPv6 form alone would let `[2002:7f00:1::]` (6to4 of 127.0.0.1) through.
    """
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped", ip.ipv4_mapped
    if ip.sixtofour is not None:
        return "6to4", ip.sixtofour
    if ip.teredo is not None:
        return "Teredo", ip.teredo[1]
    if any(ip in net for net in _NAT64):
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_kind(ip: IPAddress) -> str | None:
    """Name why `ip` must not be contacted from untrusted input, or None if it is public.

    An IPv6 address that carries an IPv4 one (mapped, 6to4, Teredo, NAT64) is judged as
    that IPv4 address, since that is where the connection actually goes.
    """
    carried = embedded_ipv4(ip)
    if carried is not None:
        mechanism, v4 = carried
        kind = address_kind(v4)
        return None if kind is None else f"{kind} ({mechanism} of {v4})"
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        # Deprecated fec0::/10 (RFC 3879) still routes inside some networks.
        ("site-local", isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),
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
