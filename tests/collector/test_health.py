"""/healthz, /readyz and /metrics: the readiness rules (fake clock), the small HTTP
server on 127.0.0.1 (port 0), a store that cannot be reached, and an in-process daemon
whose /metrics counts the fetches, notices and alerts of a real pass."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from collector.config.files import Config, load_config
from collector.config.settings import load_settings
from collector.service.daemon import Daemon
from collector.service.health import Probe
from collector.service.metrics import Metrics
from collector.store.engine import make_engine
from collector.web.access import Access
from collector.web.app import Site, build_app
from collector.web.server import WebServer
from tests.support.clock import ManualClock
from tests.support.notices import CARD_LEAK_ARTICLE, serve_news_feed
from tests.support.site import LocalSite, local_site
from tests.support.slack_receiver import SlackReceiver
from tests.support.waiting import DEADLINE, until

pytestmark = pytest.mark.anyio

RULES = """
[[rule]]
name = "cards"
channels = ["slack"]
conditions = [{ field = "cards_affected", op = ">=", value = 1000 }]

[channels.slack]
kind = "slack"
"""


def _fine() -> None:
    """A store that answers."""


async def test_ready_only_when_leading_with_a_store_and_a_live_scheduler() -> None:
    clock = ManualClock()
    probe = Probe(ping_store=_fine, clock=clock, stale_after=15)
    assert await probe.ready() == (False, "starting")
    probe.role = "standby"
    assert await probe.ready() == (False, "standby")
    probe.role = "leader"
    ok, reason = await probe.ready()
    assert not ok and reason.startswith("scheduler stale: no job ever")
    probe.tick()
    clock.advance(14)
    assert await probe.ready() == (True, "ready")
    clock.advance(2)  # 16 s since the last job, the limit is 15 s
    assert await probe.ready() == (False, "scheduler stale: no job for 16s (limit 15s)")
    probe.tick()
    assert (await probe.ready())[0]
    probe.role = "stopping"
    assert await probe.ready() == (False, "stopping")


async def test_a_store_that_fails_or_hangs_is_not_ready() -> None:
    def broken() -> None:
        raise OSError("connection refused\n  on 127.0.0.1:1")

    probe = Probe(ping_store=broken, role="leader")
    probe.tick()
    assert await probe.ready() == (False, "store unreachable: connection refused on 127.0.0.1:1")

    answer = threading.Event()
    clock = ManualClock()
    probe = Probe(
        ping_store=lambda: answer.wait(DEADLINE), role="leader", store_timeout=0.1, clock=clock
    )
    probe.tick()
    asking = asyncio.create_task(probe.ready())
    await until(lambda: clock.sleeping == 1, "the probe waits for its deadline")
    clock.advance(0.1)
    assert await asking == (False, "store unreachable: no answer within 0.1s")
    answer.set()


async def test_a_postgresql_store_that_is_down_is_not_ready() -> None:
    """A real round trip: nothing listens on 127.0.0.1:1."""
    engine = make_engine("postgresql://owabi@127.0.0.1:1/owabi")

    def ping() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    probe = Probe(ping_store=ping, role="leader")
    probe.tick()
    ok, reason = await probe.ready()
    engine.dispose()
    assert not ok and reason.startswith("store unreachable:") and "127.0.0.1" in reason


async def exchange(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    await writer.wait_closed()
    return raw


async def get(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    raw = await exchange(port, request.encode())
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def _no_config() -> Config:
    raise AssertionError("the probes read no configuration")


@asynccontextmanager
async def serving(probe: Probe, metrics: Metrics) -> AsyncIterator[int]:
    site = Site(
        sessions=sessionmaker(),
        config=_no_config,
        ready=probe.ready,
        metrics=metrics,
        access=Access(token=None, loopback=True),
    )
    server = WebServer(build_app(site))
    port = await server.start("127.0.0.1", 0)
    try:
        yield port
    finally:
        await server.close()


async def test_http_endpoints() -> None:
    probe, metrics = Probe(ping_store=_fine, role="standby"), Metrics()
    async with serving(probe, metrics) as port:
        assert port > 0
        status, headers, body = await get(port, "/healthz")
        assert (status, body) == (200, b"ok\n")
        assert (await get(port, "/readyz"))[::2] == (503, b"standby\n")
        probe.role = "leader"
        probe.tick()
        assert (await get(port, "/readyz?verbose=1"))[::2] == (200, b"ready\n")
        status, headers, body = await get(port, "/metrics")
        assert status == 200 and headers["content-type"].startswith("text/plain; version=0.0.4")
        names = {f.name for f in text_string_to_metric_families(body.decode())}
        assert {"owabi_fetches", "owabi_alerts_sent", "owabi_outbox_depth"} <= names
        assert (await get(port, "/nope"))[0] == 404
        assert (await get(port, "/healthz", "POST"))[0] == 405
        status, headers, body = await get(port, "/healthz", "HEAD")
        assert (status, headers["content-length"], body) == (200, "3", b"")
        # garbage gets a 400 and a client that hangs up nothing; the server keeps serving
        assert (await exchange(port, b"nonsense\r\n\r\n")).startswith(b"HTTP/1.1 400 ")
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()
        await writer.wait_closed()
        assert (await get(port, "/healthz"))[0] == 200


# --- an in-process daemon ---------------------------------------------------------------


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with local_site() as s:
        serve_news_feed(s)
        yield s


def _metrics(body: bytes) -> dict[str, float]:
    """`name{labels}` → value for every sample."""
    found = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            found[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return found


async def test_daemon_serves_ready_and_counts_fetches_notices_and_alerts(
    tmp_path: Path, site: LocalSite, database_url: str
) -> None:
    (tmp_path / "sources.toml").write_text(
        f'[[source]]\nid = "news"\nurl = "{site.url("/feed.xml")}"\nkind = "feed"\n'
        'interval = "0.2"\n',
        encoding="utf-8",
    )
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    with SlackReceiver() as slack:
        settings = load_settings(
            None,
            database_url=database_url,
            sources_file=tmp_path / "sources.toml",
            rules_file=tmp_path / "rules.toml",
            politeness_delay=0,
            slack_webhook_url=slack.url(),
            http_host="127.0.0.1",
            http_port=0,
            delivery_interval=0.2,
            min_interval=0,
        )
        daemon = Daemon(settings, load_config(settings), node_id="test")
        task = asyncio.create_task(daemon.run(handle_signals=False))
        try:
            await until(daemon.started.is_set, "the daemon started")
            assert daemon.port is not None
            runs = daemon.metrics.registry.get_sample_value
            await until(
                lambda: (
                    slack.requests and runs("owabi_source_runs_total", {"outcome": "unchanged"})
                ),
                "an alert sent and an unchanged poll",
            )
            assert (await get(daemon.port, "/readyz"))[::2] == (200, b"ready\n")
            assert (await get(daemon.port, "/healthz"))[0] == 200
            status, _, body = await get(daemon.port, "/metrics")
        finally:
            daemon.stop()
            await task
        assert len(slack.requests) == 1
    assert status == 200
    m = _metrics(body)
    assert m["owabi_fetches_total"] >= 3  # robots.txt, the feed, the article
    assert m["owabi_fetched_bytes_total"] > len(CARD_LEAK_ARTICLE.encode())
    assert m["owabi_notices_total"] == 1  # the product news is skipped by the keywords
    assert m["owabi_incident_events_total{event=new}"] == 1
    assert m["owabi_alerts_sent_total"] == 1
    assert m["owabi_alerts_failed_total"] == 0
    assert m["owabi_outbox_depth"] == 0
    assert m["owabi_source_runs_total{outcome=ok}"] == 1
    assert m["owabi_source_runs_total{outcome=unchanged}"] >= 1  # the 304 that followed
    assert m["owabi_source_last_success_timestamp_seconds{source=news}"] > 1.7e9
    assert m["owabi_leader"] == 1
