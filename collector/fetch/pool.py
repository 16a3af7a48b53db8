"""The fetcher's transport: httpx's, with a staleness check that costs one poll.

Before every request and after every response, httpcore's pool asks each of its idle
connections whether the server closed it (`get_extra_info("is_readable")`). Through its
anyio streams each answer rebuilds the socket's attribute table (a `getpeername` call)
and registers a fresh `select.poll`: with a pool of keep-alive connections that was a
tenth of an unchanged poll pass. Here each connection registers its socket once, at
connect, and the check is a single `poll(0)`. Upstream knows the cost (encode/httpcore
pull request 928); this wrapper goes once httpcore checks cheaply itself.
"""

from __future__ import annotations

import select
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

# httpx's own defaults, kept when the pool is rebuilt around the polling backend.
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)


class _PolledStream(httpcore.AsyncNetworkStream):
    """A connection whose readability check polls a socket registered once."""

    def __init__(self, stream: httpcore.AsyncNetworkStream, poller: select.poll | None) -> None:
        self._stream = stream
        self._poller = poller

    @classmethod
    def around(cls, stream: httpcore.AsyncNetworkStream) -> _PolledStream:
        sock = stream.get_extra_info("socket")
        poller = None
        if sock is not None and hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock.fileno(), select.POLLIN)
        return cls(stream, poller)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        self._poller = None
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # TLS runs over the same socket, so the registration carries over.
        tls = await self._stream.start_tls(ssl_context, server_hostname, timeout)
        return _PolledStream(tls, self._poller)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._poller is not None:
            # Readable while idle means the server closed it (or sent garbage): retire it.
            return bool(self._poller.poll(0))
        return self._stream.get_extra_info(info)


class PolledBackend(httpcore.AsyncNetworkBackend):
    """httpcore's asyncio backend, handing out `_PolledStream`s."""

    def __init__(self) -> None:
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _PolledStream.around(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return _PolledStream.around(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def polled_transport(tls: ssl.SSLContext) -> httpx.AsyncHTTPTransport:
    """httpx's HTTP/1.1 transport over a pool built on `PolledBackend`.

    httpx takes no network backend, so the pool it built is replaced by an equal one; the
    check below turns an httpx that stops keeping its pool there into a loud error in the
    tests rather than a silently slower fetcher.
    """
    transport = httpx.AsyncHTTPTransport(verify=tls, http2=False, limits=LIMITS)
    if not isinstance(getattr(transport, "_pool", None), httpcore.AsyncConnectionPool):
        raise RuntimeError("httpx.AsyncHTTPTransport no longer keeps its pool in `_pool`")
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=tls,
        max_connections=LIMITS.max_connections,
        max_keepalive_connections=LIMITS.max_keepalive_connections,
        keepalive_expiry=LIMITS.keepalive_expiry,
        http1=True,
        http2=False,
        network_backend=PolledBackend(),
    )
    return transport
