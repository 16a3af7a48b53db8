"""A synchronous client for an ASGI application in process (httpx's ASGITransport on a
loop of its own): route tests without a server, a port or threads of their own."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx


class AsgiClient:
    def __init__(self, app: Any, base_url: str = "http://127.0.0.1:8080") -> None:
        self._loop = asyncio.new_event_loop()
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self._loop.run_until_complete(self._client.get(path, headers=headers))

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()
