"""The daemon under a leadership it does not control (a stand-in for collector.service.leader):
standby serves /healthz but not /readyz, leading starts the schedule, losing leadership
stops it and waits to lead again, and a stop while waiting ends the process cleanly."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from collector.config.files import load_config
from collector.config.settings import load_settings
from collector.service.daemon import Daemon
from tests.collector.test_health import get
from tests.support.notices import rss
from tests.support.site import LocalSite, Page, local_site
from tests.support.waiting import until

pytestmark = pytest.mark.anyio


class Granted:
    """Leads when the test says so; `lost` is set by the test too."""

    def __init__(self) -> None:
        self.lost = asyncio.Event()
        self.grant = asyncio.Event()
        self.released = False
        self._leading = False

    @property
    def is_leader(self) -> bool:
        return self._leading

    async def wait_until_leader(self) -> None:
        await self.grant.wait()
        self.grant.clear()
        self.lost.clear()
        self._leading = True

    async def release(self) -> None:
        self.released = True
        self._leading = False

    def lose(self) -> None:
        self._leading = False
        self.lost.set()


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with local_site() as s:
        s.pages["/a.xml"] = Page(rss([]), "application/rss+xml")
        yield s


def _daemon(tmp_path: Path, site: LocalSite, leadership: Granted) -> Daemon:
    (tmp_path / "sources.toml").write_text(
        f'[[source]]\nid = "a"\nurl = "{site.url("/a.xml")}"\nkind = "feed"\ninterval = "0.1"\n',
        encoding="utf-8",
    )
    (tmp_path / "rules.toml").write_text('[channels.console]\nkind = "console"\n', "utf-8")
    settings = load_settings(
        None,
        database_url=f"sqlite:///{tmp_path}/owabi.db",
        sources_file=tmp_path / "sources.toml",
        rules_file=tmp_path / "rules.toml",
        politeness_delay=0,
        http_host="127.0.0.1",
        http_port=0,
        schedule_jitter=0,
        min_interval=0,
    )
    return Daemon(settings, load_config(settings), node_id="t", leadership=leadership)


async def test_standby_lead_lose_and_lead_again(tmp_path: Path, site: LocalSite) -> None:
    leadership = Granted()
    daemon = _daemon(tmp_path, site, leadership)
    task = asyncio.create_task(daemon.run(handle_signals=False))
    try:
        await until(daemon.started.is_set, "the daemon started")
        port = daemon.port
        assert port is not None
        assert (await get(port, "/healthz"))[0] == 200
        assert (await get(port, "/readyz"))[::2] == (503, b"standby\n")
        assert daemon.schedule is None  # a standby has no schedule at all
        assert site.hits("/a.xml") == 0  # so it polls nothing

        leadership.grant.set()
        await until(lambda: site.hits("/a.xml") >= 2)
        assert (await get(port, "/readyz"))[::2] == (200, b"ready\n")

        leadership.lose()
        await until(lambda: daemon.schedule is None)
        assert (await get(port, "/readyz"))[::2] == (503, b"standby\n")
        hits = site.hits("/a.xml")
        for _ in range(10):
            await asyncio.sleep(0)  # whatever was scheduled on the loop gets its turn
        assert site.hits("/a.xml") == hits  # scheduling stopped with the leadership

        leadership.grant.set()
        await until(lambda: site.hits("/a.xml") >= hits + 2)
    finally:
        daemon.stop()
        await task
    assert leadership.released


async def test_stop_while_waiting_to_lead(tmp_path: Path, site: LocalSite) -> None:
    leadership = Granted()
    daemon = _daemon(tmp_path, site, leadership)
    task = asyncio.create_task(daemon.run(handle_signals=False))
    await until(daemon.started.is_set, "the daemon started")
    daemon.stop()
    await task
    assert leadership.released and site.hits("/a.xml") == 0
