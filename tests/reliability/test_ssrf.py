"""SSRF through the pipeline: a configured feed on 127.0.0.1 whose entries link to
loopback, private, link-local and metadata addresses (literal, and names a fake resolver
maps to them). None is fetched unless OWABI_ALLOW_PRIVATE_ADDRESSES; each lead fails as
`blocked`. Links to the configured source's own host are still read.

No packet may leave loopback whatever the guard decides: the fetcher's transport refuses
any host but 127.0.0.x before connecting, and only 127.0.0.2 is used to test allow-private.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from collector.config.files import load_rules, load_sources
from collector.fetch import Fetcher, FetchSettings
from collector.pipeline import Collector, SourceReport
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import SeenEntry
from tests.support.notices import CARD_LEAK_ARTICLE, rss
from tests.support.parsing import shared_pool
from tests.support.site import LocalSite, Page, local_site

FAKE_DNS = {
    "metadata.internal": ["169.254.169.254"],
    "intranet.example": ["10.1.2.3"],
    "sneaky.example": ["93.184.215.14", "192.168.0.7"],  # one private answer is enough
    "loopback.example": ["127.0.0.1"],
}
TITLE = "不正アクセスによるカード情報漏えいのお詫び"


class _Recorder(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Recorder

    def do_GET(self) -> None:
        self.server.seen.append(self.path)
        body = CARD_LEAK_ARTICLE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def listener(host: str) -> Iterator[_Recorder]:
    """An HTTP server on `host` (a loopback address) that records every request."""
    server_class = (
        type("S", (_Recorder,), {"address_family": socket.AF_INET6}) if ":" in host else _Recorder
    )
    server = server_class((host, 0), _Handler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class LoopbackOnly(httpx.AsyncBaseTransport):
    """The fetcher's transport: refuses, before connecting, any host but 127.0.0.x."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.hosts: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.hosts.append(host)
        if not host.startswith("127.0.0."):
            raise AssertionError(f"the fetcher tried to connect to {host}")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def fake_resolver(host: str, port: int) -> Iterable[str]:
    if host in FAKE_DNS:
        return FAKE_DNS[host]
    raise socket.gaierror(f"{host}: not in the test's hosts table")


async def _run(
    tmp_path: Path, feed_url: str, allow_private: bool, transport: LoopbackOnly
) -> SourceReport:
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nid = "feed"\nurl = "{feed_url}"\nkind = "feed"\n', "utf-8")
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nname = "all"\nchannels = ["console"]\n', "utf-8")
    engine = make_engine(f"sqlite:///{tmp_path}/owabi.db")
    upgrade(engine)
    try:
        settings = FetchSettings(
            politeness_delay=0, retries=0, timeout=5, allow_private_addresses=allow_private
        )
        async with Fetcher(settings, transport=transport, resolver=fake_resolver) as fetcher:
            config = load_sources(sources)
            collector = Collector(
                sessions=session_factory(engine),
                fetcher=fetcher,
                parser=shared_pool(),
                rules=load_rules(rules),
                keywords=config.keywords,
            )
            return await collector.run_source(config.sources[0])
    finally:
        engine.dispose()


def _stored_details(tmp_path: Path) -> list[str]:
    """Why each lead failed, as the store records it for `owabi sources` and the logs."""
    engine = make_engine(f"sqlite:///{tmp_path}/owabi.db")
    try:
        with session_factory(engine)() as s:
            return [d for d in s.scalars(select(SeenEntry.detail)) if d]
    finally:
        engine.dispose()


@pytest.fixture
def feed_site() -> Iterator[LocalSite]:
    with local_site() as s:
        s.pages["/robots.txt"] = Page(b"", "text/plain")
        s.pages["/own.html"] = Page(CARD_LEAK_ARTICLE.encode(), "text/html; charset=utf-8")
        yield s


def _feed(site: LocalSite, links: list[str]) -> None:
    items = [
        (f"{TITLE} {i}", link, "Fri, 10 May 2024 09:00:00 +0900", TITLE)
        for i, link in enumerate(links)
    ]
    site.pages["/feed.xml"] = Page(rss(items), "application/rss+xml")


@pytest.mark.anyio
async def test_links_to_private_addresses_are_never_fetched(
    tmp_path: Path, feed_site: LocalSite
) -> None:
    with listener("127.0.0.2") as other, listener("::1") as v6:
        hostile = [
            f"http://127.0.0.2:{other.server_address[1]}/admin",
            "http://10.0.0.1/internal",
            "http://169.254.169.254/latest/meta-data/",
            f"http://[::1]:{v6.server_address[1]}/admin",
            "http://metadata.internal/latest/meta-data/",
            "http://intranet.example/",
            "http://sneaky.example/",
            "http://loopback.example/",
        ]
        _feed(feed_site, [*hostile, feed_site.url("/own.html")])
        transport = LoopbackOnly()
        report = await _run(tmp_path, feed_site.url("/feed.xml"), False, transport)

        assert report.ok
        assert len(report.lead_errors) == len(hostile), report.lead_errors
        for url in hostile:
            [error] = [e for e in report.lead_errors if e.startswith(url)]
            assert "refusing" in error and (" is " in error), error
        details = _stored_details(tmp_path)
        assert sum(d.startswith("blocked_address: refusing") for d in details) == len(hostile)
        assert other.seen == [] and v6.seen == []
        assert set(transport.hosts) == {"127.0.0.1"}  # the feed and its own-host article
        # The configured source's own host is trusted: its article became an incident.
        assert [n.url for n in report.notices] == [feed_site.url("/own.html")]


@pytest.mark.anyio
async def test_allow_private_addresses_lets_loopback_links_through(
    tmp_path: Path, feed_site: LocalSite
) -> None:
    with listener("127.0.0.2") as other:
        link = f"http://127.0.0.2:{other.server_address[1]}/admin"
        _feed(feed_site, [link])
        report = await _run(tmp_path, feed_site.url("/feed.xml"), True, LoopbackOnly())
        assert report.lead_errors == [] and [n.url for n in report.notices] == [link]
        assert "/admin" in other.seen
