"""`owabi run`: the long-running service and its lifecycle.

1. Leadership is settled first (a second scheduler on one SQLite file is refused here,
   before anything else starts), then the HTTP endpoint starts: /healthz answers in
   standby too, /readyz says "standby" until this process leads.
2. Once leading: the store is migrated (only the leader migrates, so replicas never race
   on DDL) and the schedule starts. Losing leadership stops the schedule and waits again.
3. Config files are re-read on SIGHUP and when their mtime changes; a bad edit is
   rejected with one log line and the running configuration stays.
4. SIGTERM/SIGINT: no new work; runs in flight get OWABI_SHUTDOWN_TIMEOUT to finish and
   are abandoned after it (every write is a transaction; an abandoned run is due again on
   the next start); leadership is released so a standby takes over at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from collections.abc import Awaitable
from pathlib import Path

import httpx
import structlog
from sqlalchemy import Engine

from collector.clock import SYSTEM, Clock
from collector.config.files import Config, check_reload, load_config
from collector.config.settings import Settings
from collector.errors import ConfigError
from collector.runtime import Runtime, build_runtime, fetch_settings, open_parser
from collector.service.health import Probe
from collector.service.leader import Leadership, make_leadership
from collector.service.metrics import MeteredFetcher, Metrics
from collector.service.scheduler import Policy, Schedule
from collector.store.engine import make_engine, ping, session_factory
from collector.store.migrate import upgrade
from collector.web.access import access_of
from collector.web.app import Site, build_app
from collector.web.server import WebServer

log = structlog.get_logger("owabi.daemon")


def node_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class ConfigWatch:
    """The config files' (mtime, size); `changed()` compares with the last call."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self._seen = self._stamp()

    def _stamp(self) -> tuple[tuple[int, int] | None, ...]:
        stamps: list[tuple[int, int] | None] = []
        for path in self.paths:
            try:
                st = path.stat()
            except OSError:
                stamps.append(None)  # a missing file is a change too, and load says why
            else:
                stamps.append((st.st_mtime_ns, st.st_size))
        return tuple(stamps)

    def changed(self) -> bool:
        stamp = self._stamp()
        changed, self._seen = stamp != self._seen, stamp
        return changed


class Daemon:
    """One `owabi run` process. `port` is the bound HTTP port once `started` is set."""

    def __init__(
        self,
        settings: Settings,
        config: Config,
        *,
        node_id: str | None = None,
        leadership: Leadership | None = None,
        clock: Clock = SYSTEM,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.config = config
        self.node_id = node_id or node_name()
        self._leadership = leadership
        self.metrics = Metrics()
        self.engine: Engine = make_engine(settings.database_url_plain)
        self.sessions = session_factory(self.engine)
        self._fetcher: MeteredFetcher | None = None
        self._client: httpx.AsyncClient | None = None
        self.parser = open_parser(settings)
        self.probe = Probe(ping_store=self._ping, clock=clock)
        self.http = WebServer(
            build_app(
                Site(
                    sessions=self.sessions,
                    config=lambda: self.config,
                    ready=self.probe.ready,
                    metrics=self.metrics,
                    access=access_of(settings),
                    misp_feed=settings.web_misp_feed,
                    clock=clock,
                )
            )
        )
        self.policy = Policy.from_settings(settings)
        self.schedule: Schedule | None = None
        self.port: int | None = None
        self.started = asyncio.Event()
        self._stop = asyncio.Event()
        self._reload = asyncio.Event()
        self.last_reload_error: ConfigError | None = None  # why the last edit was rejected

    def stop(self) -> None:
        if self._stop.is_set():
            log.info("already stopping")
        else:
            log.info("stopping", timeout_s=self.settings.shutdown_timeout)
        self._stop.set()

    def reload(self) -> None:
        self._reload.set()

    async def run(self, *, handle_signals: bool = True) -> None:
        """Serve until stopped; ConfigError when another scheduler holds the SQLite lock."""
        leadership = self._leadership or make_leadership(
            self.settings, node_id=self.node_id, clock=self.clock
        )
        try:
            async with (
                MeteredFetcher(
                    fetch_settings(self.settings), metrics=self.metrics, clock=self.clock
                ) as fetcher,
                httpx.AsyncClient(timeout=self.settings.http_timeout, verify=fetcher.tls) as client,
            ):
                self._fetcher, self._client = fetcher, client
                self.port = await self.http.start(self.settings.http_host, self.settings.http_port)
                if handle_signals:
                    self._install_signals()
                watcher = asyncio.create_task(self._watch_config(), name="owabi-config-watch")
                self.started.set()
                log.info("owabi run started", node=self.node_id, sources=self._enabled())
                try:
                    await self._terms(leadership)
                finally:
                    watcher.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await watcher
                    if handle_signals:
                        self._remove_signals()
        finally:
            self.probe.role = "stopping"
            self.parser.close()
            await leadership.release()
            await self.http.close()
            self.engine.dispose()
            log.info("owabi run stopped", node=self.node_id)

    def _runtime(self) -> Runtime:
        assert self._fetcher is not None and self._client is not None
        return build_runtime(
            self.config,
            sessions=self.sessions,
            fetcher=self._fetcher,
            parser=self.parser,
            client=self._client,
            clock=self.clock,
            plan=self.policy.plan,
            halt=self._stop,
        )

    async def _terms(self, leadership: Leadership) -> None:
        """Lead while leadership lasts; wait for it again after losing it."""
        while not self._stop.is_set():
            self.probe.role = "standby"
            self.metrics.leader.set(0)
            if not await self._unless_stopped(leadership.wait_until_leader()):
                return
            await asyncio.to_thread(upgrade, self.engine)
            self.schedule = Schedule(
                self._runtime(),
                self.sessions,
                self.settings,
                self.policy,
                self.metrics,
                self.probe,
                clock=self.clock,
            )
            self.schedule.start()
            self.probe.role = "leader"
            self.metrics.leader.set(1)
            lost = await self._unless_stopped(leadership.lost.wait())
            self.probe.role = "standby" if lost else "stopping"
            self.metrics.leader.set(0)
            await self.schedule.stop(self.settings.shutdown_timeout)
            self.schedule = None
            if lost:
                log.warning("leadership lost: schedule stopped, waiting to lead again")

    async def _unless_stopped(self, work: Awaitable[object]) -> bool:
        """Await `work` unless a stop comes first (then cancel it); True if it finished."""
        task = asyncio.ensure_future(work)
        stop = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if task.done():
            task.result()
            return True
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return False

    # --- configuration reload ---

    async def _watch_config(self) -> None:
        settings = self.settings
        watch = ConfigWatch([Path(settings.sources_file), Path(settings.rules_file)])
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(settings.config_poll):
                    await self._reload.wait()
            requested = self._reload.is_set()
            self._reload.clear()
            if watch.changed() or requested:
                try:
                    self._apply_reload("SIGHUP" if requested else "file change")
                except Exception:  # a bug here must not end reloads for the process's life
                    log.exception("config reload failed, keeping the running configuration")

    def _apply_reload(self, why: str) -> None:
        try:
            config = load_config(self.settings)
            check_reload(self.config, config)
        except ConfigError as exc:
            self.last_reload_error = exc
            self.metrics.reloads.labels("rejected").inc()
            log.error(
                "config rejected, keeping the running configuration",
                trigger=why,
                error=" ".join(str(exc).split()),
            )
            return
        self.config = config
        if self.schedule is not None:
            self.schedule.apply(self._runtime())
        self.metrics.reloads.labels("ok").inc()
        log.info("config reloaded", trigger=why, sources=self._enabled())

    def _enabled(self) -> int:
        return sum(1 for s in self.config.sources.sources if s.enabled)

    # --- signals and probes ---

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        loop.add_signal_handler(signal.SIGHUP, self.reload)

    def _remove_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.remove_signal_handler(sig)

    def _ping(self) -> None:
        ping(self.engine)


async def run_daemon(settings: Settings, config: Config) -> None:
    """The `owabi run` entry point: serve until SIGTERM/SIGINT."""
    await Daemon(settings, config).run()
