"""Serving the web application inside owabi's own event loop (the daemon's, or `owabi
serve`'s), with uvicorn.

uvicorn's `Server.serve` installs its own SIGINT/SIGTERM handlers while it runs; inside
the daemon those would take the signals that stop the scheduler and the outbox in order.
So the server is driven by its steps (startup, main loop, shutdown) on a socket bound
here, and the caller owns signals and stops it with `close`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket

import structlog
import uvicorn
from starlette.types import ASGIApp

from collector.errors import ConfigError

log = structlog.get_logger("owabi.http")


class WebServer:
    """`start` binds and returns the bound port (port 0 picks one); `close` stops it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, host: str, port: int) -> int:
        """Bind, or ConfigError when the address cannot be had (a port in use is an
        operator's setting to change, not a crash)."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(128)
            sock.setblocking(False)
        except OSError as exc:
            sock.close()
            raise ConfigError(
                f"cannot listen on {host}:{port}: {os.strerror(exc.errno) if exc.errno else exc}"
                " (set OWABI_HTTP_HOST / OWABI_HTTP_PORT)",
                key="http_port",
            ) from exc
        config = uvicorn.Config(
            self.app,
            log_config=None,
            access_log=False,
            lifespan="off",
            server_header=False,
            timeout_graceful_shutdown=5,
        )
        config.load()
        server = self._server = uvicorn.Server(config)
        server.lifespan = config.lifespan_class(config)
        await server.startup(sockets=[sock])
        self._task = asyncio.create_task(self._serve(server, sock), name="owabi-http")
        bound = int(sock.getsockname()[1])
        log.info("http listening", host=host, port=bound)
        return bound

    @staticmethod
    async def _serve(server: uvicorn.Server, sock: socket.socket) -> None:
        await server.main_loop()
        await server.shutdown(sockets=[sock])

    async def close(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._server = self._task = None
