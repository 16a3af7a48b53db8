"""Connections are reused after responses whose body owabi does not use: a 304 closed
unread cost every unchanged source a new connection (over HTTPS a handshake)."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from collector.fetch import Fetcher, FetchSettings
from tests.support.site import Page, local_site

pytestmark = pytest.mark.anyio


async def test_304_redirects_and_errors_leave_the_connection_open() -> None:
    ports: list[int] = []
    with local_site() as site:
        page = Page("<html><body>お知らせ</body></html>".encode(), "text/html")

        def counted(handler: BaseHTTPRequestHandler) -> None:
            ports.append(handler.client_address[1])
            if handler.path == "/old":
                site_page = Page(b"moved", "text/plain", 301, {"Location": "/news"})
                handler._send(site_page)  # type: ignore[attr-defined]
            elif handler.path == "/missing":
                handler._send(Page(b"not here", "text/plain", 404))  # type: ignore[attr-defined]
            else:
                handler._send(page)  # type: ignore[attr-defined]

        for path in ("/news", "/old", "/missing", "/robots.txt"):
            site.pages[path] = counted
        settings = FetchSettings(politeness_delay=0, retries=0, per_host_concurrency=1)
        async with Fetcher(settings) as fetcher:
            first = await fetcher.fetch(site.url("/news"))
            for _ in range(5):
                again = await fetcher.fetch(site.url("/news"), etag=first.etag)
                assert again.not_modified
            await fetcher.fetch(site.url("/old"))
            with pytest.raises(Exception, match="404"):
                await fetcher.fetch(site.url("/missing"))
            await fetcher.fetch(site.url("/news"), etag=first.etag)
    assert len(ports) >= 10 and len(set(ports)) == 1  # one connection for every request
