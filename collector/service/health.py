"""/healthz, /readyz and /metrics on a small asyncio HTTP server (no web framework).

- /healthz: 200 while the process serves requests at all (a container HEALTHCHECK).
- /readyz: 200 only when this process does its job: the store answers, it leads and its
  scheduler runs, and some job started or ended recently. 503 otherwise, with the reason
  ("standby", "store unreachable: …", "scheduler stale: …") as the body.
- /metrics: Prometheus text format.

The server answers one request per connection (Connection: close); probes and scrapers
need nothing more, and it keeps the server free of keep-alive bookkeeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog

from collector.clock import SYSTEM, Clock
from collector.errors import ConfigError
from collector.service.metrics import CONTENT_TYPE

log = structlog.get_logger("owabi.http")

STORE_TIMEOUT = 3.0
REQUEST_TIMEOUT = 5.0
MAX_HEADER_LINES = 100
REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


@dataclass
class Probe:
    """What /readyz judges, kept current by the daemon.

    `ping_store` runs in a thread (a blocking DB round trip) and raises when the store
    cannot answer. `stale_after` is a few times the shortest job interval: the scheduler
    is stale when no job has started or ended for that long.
    """

    ping_store: Callable[[], None]
    role: str = "starting"  # starting | standby | leader | stopping
    last_tick: float | None = None
    stale_after: float = float("inf")
    clock: Clock = SYSTEM
    store_timeout: float = STORE_TIMEOUT

    def tick(self) -> None:
        self.last_tick = self.clock.monotonic()

    async def ready(self) -> tuple[bool, str]:
        if self.role != "leader":
            return False, self.role
        try:
            answered = await self._ping_within(self.store_timeout)
        except Exception as exc:
            return False, "store unreachable: " + " ".join(str(exc).split())[:300]
        if not answered:
            return False, f"store unreachable: no answer within {self.store_timeout:g}s"
        since = self.clock.monotonic() - self.last_tick if self.last_tick is not None else None
        if since is None or since > self.stale_after:
            ago = "ever" if since is None else f"for {since:.0f}s"
            return False, f"scheduler stale: no job {ago} (limit {self.stale_after:g}s)"
        return True, "ready"

    async def _ping_within(self, timeout: float) -> bool:
        """Whether the store answered within `timeout` on the probe's clock; a ping that
        hangs is left to finish in its thread (a blocking driver call cannot be cancelled)."""
        ping = asyncio.ensure_future(asyncio.to_thread(self.ping_store))
        timer = asyncio.ensure_future(self.clock.sleep(timeout))
        try:
            await asyncio.wait({ping, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
        if not ping.done():
            ping.add_done_callback(lambda task: task.cancelled() or task.exception())
            return False
        ping.result()
        return True


@dataclass
class HealthServer:
    """Serves the three endpoints; `start` returns the bound port (port 0 picks one)."""

    probe: Probe
    metrics: Callable[[], bytes]
    _server: asyncio.Server | None = field(default=None, init=False)

    async def start(self, host: str, port: int) -> int:
        """Bind, or ConfigError when the address cannot be had (a port in use is an
        operator's setting to change, not a crash)."""
        try:
            self._server = await asyncio.start_server(self._handle, host, port)
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host}:{port}: {os.strerror(exc.errno) if exc.errno else exc}"
                " (set OWABI_HTTP_HOST / OWABI_HTTP_PORT)",
                key="http_port",
            ) from exc
        bound = int(self._server.sockets[0].getsockname()[1])
        log.info("http listening", host=host, port=bound)
        return bound

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                method, path = await _read_request(reader)
                status, ctype, body = await self._route(method, path)
                head = (
                    f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: {ctype}\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                )
                writer.write(head.encode() + (b"" if method == "HEAD" else body))
                await writer.drain()
        except (TimeoutError, ValueError, ConnectionError, asyncio.IncompleteReadError):
            pass  # a client that hung up or spoke garbage gets nothing
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, TimeoutError):
                await writer.wait_closed()

    async def _route(self, method: str, path: str) -> tuple[int, str, bytes]:
        text = "text/plain; charset=utf-8"
        if method not in ("GET", "HEAD"):
            return 405, text, b"GET only\n"
        route = path.split("?", 1)[0]
        if route == "/healthz":
            return 200, text, b"ok\n"
        if route == "/readyz":
            ok, reason = await self.probe.ready()
            return (200 if ok else 503), text, f"{reason}\n".encode()
        if route == "/metrics":
            return 200, CONTENT_TYPE, self.metrics()
        return 404, text, b"not found\n"


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str]:
    """The method and path of a request; its headers are read and ignored."""
    parts = (await reader.readline()).decode("latin-1").split()
    if len(parts) != 3:
        raise ValueError("bad request line")
    for _ in range(MAX_HEADER_LINES):
        if (await reader.readline()).strip() == b"":
            return parts[0], parts[1]
    raise ValueError("too many header lines")
