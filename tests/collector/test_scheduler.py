"""The daemon's schedule: backoff arithmetic, the plan stored with each run (fake clock),
`owabi sources status`, and real APScheduler jobs against a loopback site (one job per
source, jittered, never two runs of one source at once, reloads add and drop jobs)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest

from collector.clock import SYSTEM, Clock, utc
from collector.config.files import Config, load_config
from collector.config.settings import load_settings
from collector.fetch import Fetcher
from collector.pipeline import Collector
from collector.runtime import build_runtime, fetch_settings
from collector.service.health import Probe
from collector.service.metrics import Metrics
from collector.service.scheduler import Policy, Schedule, run_delay
from collector.sources import SourceConfig
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import SourceState
from tests.support.cli import run_cli
from tests.support.clock import FakeClock, ManualClock
from tests.support.notices import rss
from tests.support.parsing import shared_pool
from tests.support.site import LocalSite, Page, local_site
from tests.support.waiting import DEADLINE, until

HOUR = 3600.0
T0 = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
EMPTY_RULES = '[channels.console]\nkind = "console"\n'


# --- arithmetic -----------------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap() -> None:
    delays = [run_delay(900, n, cap=6 * HOUR, jitter=0.1, rand=0.0) for n in range(8)]
    assert delays == [900, 1800, 3600, 7200, 14400, 21600, 21600, 21600]
    # absurd failure counts neither overflow nor exceed the cap
    assert run_delay(900, 10_000, cap=6 * HOUR, jitter=0.0, rand=0.0) == 6 * HOUR


def test_jitter_only_shortens_and_an_interval_above_the_cap_is_kept() -> None:
    assert run_delay(900, 0, cap=HOUR, jitter=0.1, rand=0.999) == pytest.approx(810.09)
    assert run_delay(6 * HOUR, 5, cap=6 * HOUR, jitter=0.1, rand=0.5) == pytest.approx(20520)
    # a source polled daily is never polled more often because of a 6 h backoff cap
    assert run_delay(86400, 3, cap=6 * HOUR, jitter=0.0, rand=0.0) == 86400


def test_first_run_resumes_a_stored_plan_or_spreads_the_start() -> None:
    source = SourceConfig(id="a", url="https://a.example/", kind="feed", interval=600)
    policy = Policy(900, 6 * HOUR, 0.1, rand=lambda: 0.5)
    ahead = T0 + dt.timedelta(minutes=7)
    assert policy.first_run(source, ahead, T0) == ahead  # restart or handover: resume
    assert policy.first_run(source, ahead.replace(tzinfo=None), T0) == ahead  # SQLite: naive
    past = T0 - dt.timedelta(hours=2)
    assert policy.first_run(source, past, T0) == T0 + dt.timedelta(seconds=30)  # 600×0.1×0.5
    assert policy.first_run(source, None, T0) == T0 + dt.timedelta(seconds=30)


# --- the plan stored with each run ------------------------------------------------------


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with local_site() as s:
        yield s


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _config(tmp_path: Path, db: str, sources: str, **settings: object) -> Config:
    values = {
        "database_url": db,
        "sources_file": _write(tmp_path / "sources.toml", sources),
        "rules_file": _write(tmp_path / "rules.toml", EMPTY_RULES),
        "politeness_delay": 0,
        "fetch_retries": 0,
        "schedule_jitter": 0,
        "http_host": "127.0.0.1",
        "http_port": 0,
        "min_interval": 0,
        **settings,
    }
    return load_config(load_settings(None, **values))


def _source(sid: str, url: str, interval: str = "10m") -> str:
    return f'[[source]]\nid = "{sid}"\nurl = "{url}"\nkind = "feed"\ninterval = "{interval}"\n'


@pytest.mark.anyio
async def test_backoff_with_a_fake_clock_and_reset_after_success(
    tmp_path: Path, site: LocalSite, database_url: str
) -> None:
    """Each failed run stores next_run_at = now + 10m × 2^failures up to the 1 h cap; a
    success resets the failures and the plan returns to the interval."""
    site.pages["/feed.xml"] = Page(b"gone", "text/plain", status=404)
    config = _config(tmp_path, database_url, _source("a", site.url("/feed.xml")), max_backoff="1h")
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    clock = FakeClock(T0)
    source = config.sources.sources[0]
    async with Fetcher(fetch_settings(config.settings)) as fetcher:
        collector = Collector(
            sessions=sessions,
            fetcher=fetcher,
            parser=shared_pool(),
            rules=config.rules,
            keywords=config.sources.keywords,
            clock=clock,
            plan=Policy.from_settings(config.settings).plan,
        )
        waits = []
        for _ in range(5):
            report = await collector.run_source(source)
            assert not report.ok and report.next_run_at is not None
            waits.append((report.next_run_at - clock.t).total_seconds())
            clock.advance(waits[-1])
        assert waits == [1200, 2400, 3600, 3600, 3600]
        assert report.failures == 5
        with sessions() as s:
            state = s.get(SourceState, "a")
            assert state is not None and state.consecutive_failures == 5
            assert utc(state.next_run_at) == clock.t  # type: ignore[arg-type]  # advanced to it

        site.pages["/feed.xml"] = Page(rss([]), "application/rss+xml")
        report = await collector.run_source(source)
        assert report.ok and report.failures == 0
        assert report.next_run_at == clock.t + dt.timedelta(minutes=10)
        with sessions() as s:
            state = s.get(SourceState, "a")
            assert state is not None and state.consecutive_failures == 0
            assert utc(state.next_run_at) == clock.t + dt.timedelta(minutes=10)  # type: ignore[arg-type]
    engine.dispose()


def test_sources_status_shows_failures_and_the_next_run(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(
        tmp_path,
        sqlite_url,
        _source("good", "https://good.example/feed")
        + _source("bad", "https://bad.example/feed")
        + _source("fresh", "https://fresh.example/feed")
        + _source("planned", "https://planned.example/feed")
        + '[[source]]\nid = "off"\nurl = "https://off.example/"\nkind = "feed"\nenabled = false\n',
    )
    engine = make_engine(sqlite_url)
    upgrade(engine)
    now = dt.datetime.now(dt.UTC)
    with session_factory(engine).begin() as s:
        s.add(
            SourceState(
                source_id="good",
                url="https://good.example/feed",
                last_run_at=now - dt.timedelta(minutes=3),
                last_success_at=now - dt.timedelta(minutes=3),
                consecutive_failures=0,
                next_run_at=now + dt.timedelta(minutes=7, seconds=5),
            )
        )
        s.add(
            SourceState(
                source_id="bad",
                url="https://bad.example/feed",
                last_run_at=now - dt.timedelta(minutes=1),
                last_error_at=now - dt.timedelta(minutes=1),
                last_error="HTTP 503 for https://bad.example/feed",
                consecutive_failures=3,
                next_run_at=now + dt.timedelta(minutes=79, seconds=5),
            )
        )
        s.add(  # scheduled by the daemon, not polled yet
            SourceState(
                source_id="planned",
                url="https://planned.example/feed",
                consecutive_failures=0,
                next_run_at=now + dt.timedelta(seconds=30.4),
            )
        )
    engine.dispose()
    for name in ("database_url", "sources_file", "rules_file"):
        monkeypatch.setenv(f"OWABI_{name.upper()}", str(getattr(config.settings, name)))
    monkeypatch.setenv("OWABI_DATABASE_URL", sqlite_url)
    code, out, _ = run_cli("--env-file", "/dev/null", "sources", "status")
    assert code == 0
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 5}
    assert "ok" in rows["good"] and "(3m ago)" in rows["good"] and "(in 7m)" in rows["good"]
    assert "failing" in rows["bad"] and " 3 " in rows["bad"] and "HTTP 503" in rows["bad"]
    assert "(in 79m)" in rows["bad"] or "(in 1h)" in rows["bad"]
    assert "new" in rows["fresh"] and rows["fresh"].rstrip(" │").endswith("–")
    assert "new" in rows["planned"] and "(in 30" in rows["planned"]
    assert "disabled" in rows["off"]


# --- real jobs ------------------------------------------------------------------------


class Concurrency:
    """A handler that holds each request of an empty feed until the test lets one go,
    and records how many requests overlap."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.gate = threading.Semaphore(0)
        self.current = 0
        self.peak = 0
        self.served = 0

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.current += 1
            self.peak = max(self.peak, self.current)
        self.gate.acquire(timeout=DEADLINE)
        body = rss([])
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        with self.lock:
            self.current -= 1
            self.served += 1


@asynccontextmanager
async def scheduled(
    config: Config, clock: Clock = SYSTEM
) -> AsyncIterator[tuple[Schedule, Probe, Fetcher]]:
    """A started Schedule on a real AsyncIOScheduler; stopped (5 s deadline) afterwards."""
    engine = make_engine(config.settings.database_url_plain)
    upgrade(engine)
    sessions = session_factory(engine)
    policy = Policy.from_settings(config.settings)
    async with Fetcher(fetch_settings(config.settings)) as fetcher, httpx.AsyncClient() as client:
        runtime = build_runtime(
            config,
            sessions=sessions,
            fetcher=fetcher,
            parser=shared_pool(),
            client=client,
            plan=policy.plan,
        )
        probe = Probe(ping_store=lambda: None)
        schedule = Schedule(
            runtime, sessions, config.settings, policy, Metrics(), probe, clock=clock
        )
        schedule.start()
        try:
            yield schedule, probe, fetcher
        finally:
            if schedule._scheduler is not None:
                await schedule.stop(5)
    engine.dispose()


@pytest.mark.anyio
async def test_one_job_per_source_jittered_and_never_two_runs_at_once(
    tmp_path: Path, site: LocalSite, sqlite_url: str
) -> None:
    """Each run is held until a further run came due (interval 0.05 s) and was skipped:
    each source still runs one at a time."""
    slow_a, slow_b = Concurrency(), Concurrency()
    site.pages["/a.xml"], site.pages["/b.xml"] = slow_a, slow_b
    config = _config(
        tmp_path,
        sqlite_url,
        _source("a", site.url("/a.xml"), "0.05") + _source("b", site.url("/b.xml"), "0.05"),
        schedule_jitter=0.5,
        delivery_interval=0.2,
    )
    async with scheduled(config) as (schedule, probe, _):
        jobs = {j.id: j for j in schedule._scheduler.get_jobs()}  # type: ignore[union-attr]
        assert set(jobs) == {"source:a", "source:b", "deliver", "digests", "heartbeat"}
        assert all(j.max_instances == 1 and j.coalesce for j in jobs.values())
        for done in range(3):
            for job, slow in (("source:a", slow_a), ("source:b", slow_b)):
                await until(lambda s=slow: s.current == 1, f"{job} run {done + 1} in flight")
                await until(lambda j=job, n=done: schedule.skipped[j] > n, f"{job} skipped")
                slow.gate.release()
                await until(lambda s=slow, n=done: s.served > n, f"{job} run {done + 1} done")
        for slow in (slow_a, slow_b):
            slow.gate.release(100)  # the runs still to come go through
    assert slow_a.peak == 1 and slow_b.peak == 1
    assert slow_a.served >= 3 and slow_b.served >= 3
    assert probe.stale_after == pytest.approx(0.6)  # 3 × the 0.2 s heartbeat


@pytest.mark.anyio
async def test_jitter_spreads_sources_apart(tmp_path: Path, sqlite_url: str) -> None:
    body = "".join(_source(f"s{i}", f"https://s{i}.example/feed", "1h") for i in range(20))
    config = _config(tmp_path, sqlite_url, body, schedule_jitter=0.1)
    async with scheduled(config) as (schedule, _, _):
        schedule._scheduler.pause()  # type: ignore[union-attr]  # plans only, no fetches
        runs = sorted(schedule.next_runs().values())
    assert len(runs) == 20 and len(set(runs)) == 20
    spread = (runs[-1] - runs[0]).total_seconds()
    assert 0 < spread <= 360  # the first runs fall within 10 % of the hour


@pytest.mark.anyio
async def test_reload_adds_drops_and_replans_jobs(
    tmp_path: Path, site: LocalSite, sqlite_url: str
) -> None:
    site.pages["/a.xml"] = site.pages["/b.xml"] = Page(rss([]), "application/rss+xml")
    config = _config(
        tmp_path,
        sqlite_url,
        _source("a", site.url("/a.xml"), "0.1") + _source("gone", "https://gone.example/", "1h"),
    )
    async with scheduled(config) as (schedule, _, fetcher), httpx.AsyncClient() as client:
        await until(lambda: site.hits("/a.xml") >= 1, "a polled")
        assert site.hits("/b.xml") == 0
        _write(
            config.settings.sources_file,
            _source("a", site.url("/a.xml"), "1h") + _source("b", site.url("/b.xml"), "0.1"),
        )
        new = load_config(config.settings)
        schedule.apply(
            build_runtime(
                new,
                sessions=schedule.sessions,
                fetcher=fetcher,
                parser=shared_pool(),
                client=client,
                plan=schedule.policy.plan,
            )
        )
        assert set(schedule.next_runs()) == {"a", "b"}
        hourly = dt.timedelta(minutes=30)
        await until(
            lambda: (
                schedule.next_runs()["a"] > SYSTEM.now() + hourly
                and not schedule.running["source:a"]
            ),
            "a replanned, and its last run at the old interval done",
        )
        hits_a, hits_b = site.hits("/a.xml"), site.hits("/b.xml")
        await until(lambda: site.hits("/b.xml") >= max(hits_b, 1) + 2, "b polled twice more")
    assert site.hits("/b.xml") >= 2  # added: polled
    assert site.hits("/a.xml") == hits_a  # now hourly: not polled again
    with session_factory(make_engine(sqlite_url))() as s:
        gone = s.get(SourceState, "gone")
        assert gone is not None and gone.next_run_at is None  # dropped: no plan shown


@pytest.mark.anyio
async def test_stop_cancels_a_source_run_at_once_and_it_stays_due(
    tmp_path: Path, site: LocalSite, sqlite_url: str
) -> None:
    """A source run in flight at the stop is cancelled at once, not given the shutdown
    deadline (no new document starts after SIGTERM); its plan was not advanced, so the
    next start polls the source at once."""
    slow = Concurrency()
    site.pages["/slow.xml"] = slow
    config = _config(tmp_path, sqlite_url, _source("slow", site.url("/slow.xml"), "1h"))
    clock = ManualClock(start=SYSTEM.now())
    async with scheduled(config, clock=clock) as (schedule, _, _):
        await until(lambda: slow.current == 1, "the run in flight")
        with session_factory(make_engine(sqlite_url))() as s:
            planned = s.get(SourceState, "slow")
            assert planned is not None and planned.last_run_at is None
        await schedule.stop(30)  # the clock never moves: nothing waits out the deadline
        assert clock.sleeping == 0
        assert schedule.abandoned == 1
        slow.gate.release(100)
    with session_factory(make_engine(sqlite_url))() as s:
        state = s.get(SourceState, "slow")
        assert state is not None and state.last_run_at is None  # nothing of the run stored
        assert utc(state.next_run_at) <= clock.now()  # type: ignore[arg-type]  # still due
