"""Building owabi from its configuration: the store, the fetcher, the channels and the
collector that `owabi fetch`, `owabi run` and the alert commands use.

One module builds them so that the one-shot pass, the daemon and `owabi alerts retry`
cannot drift apart in how they are configured. `open_runtime` opens every resource for a
command; the daemon opens its own (a metered fetcher, a store it migrates once it leads)
and calls `build_runtime` again on each configuration reload.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import httpx
import structlog
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from alerts.channels import CHANNEL_KINDS, Channel, ConsoleChannel, Unconfigured
from alerts.digest import DigestItem, Period
from alerts.message import Alert
from alerts.rules import RulesConfig
from collector.clock import SYSTEM, Clock
from collector.config.files import Config
from collector.config.settings import Settings
from collector.delivery.digests import DigestResult, send_due_digests
from collector.delivery.outbox import DeliveryStats, Pacer, deliver_due
from collector.fetch import Fetcher, FetchSettings
from collector.logsetup import mask
from collector.pipeline import Collector, Plan, SourceReport
from collector.sources import SourceConfig
from collector.sources.parse_pool import ParseLimits, ParsePool
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade

log = structlog.get_logger("owabi.runtime")

M = TypeVar("M", bound=BaseModel)


@contextmanager
def open_store(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """A migrated store for the duration of the block; connections closed after it."""
    engine = make_engine(settings.database_url_plain)
    try:
        upgrade(engine)
        yield session_factory(engine)
    finally:
        engine.dispose()


def fetch_settings(settings: Settings) -> FetchSettings:
    return FetchSettings(
        timeout=settings.http_timeout,
        max_bytes=settings.max_body_bytes,
        max_redirects=settings.max_redirects,
        per_host_concurrency=settings.per_host_concurrency,
        politeness_delay=settings.politeness_delay,
        retries=settings.fetch_retries,
        respect_robots=settings.respect_robots,
        allow_private_addresses=settings.allow_private_addresses,
    )


def open_parser(settings: Settings) -> ParsePool:
    """The parse workers with the configured limits (use as `with`)."""
    return ParsePool(
        ParseLimits(
            deadline=settings.parse_deadline,
            memory_mb=settings.parse_memory_mb,
            workers=settings.parse_workers,
        )
    )


def open_fetcher(settings: Settings, clock: Clock = SYSTEM) -> Fetcher:
    """The fetcher with the configured limits (use as `async with`)."""
    return Fetcher(fetch_settings(settings), clock=clock)


# --- Channels ---------------------------------------------------------------------------


class ChannelContext:
    """What a channel kind reads while it is built (alerts.channels.base.ChannelEnv):
    its settings model from the process settings, variables its spec names, the shared
    HTTP client. A variable's value is masked in the logs as soon as it is read."""

    def __init__(self, settings: Settings, client: httpx.AsyncClient | None) -> None:
        self._settings = settings
        self._client = client

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("channels built for a preview have no HTTP client")
        return self._client

    def settings(self, model: type[M]) -> M:
        return model.model_validate(self._settings, from_attributes=True)

    def variable(self, name: str) -> str | None:
        value = self._settings.variable(name)
        if value:
            mask(value)
        return value


class FallbackConsole:
    """Stands in for every unconfigured channel: prints each alert once, however many
    unconfigured channels a rule names, so a newcomer sees one alert, not one per channel."""

    kind = "console"
    timeout = 0.0

    def __init__(self) -> None:
        self.name = "console"
        self._console = ConsoleChannel("console")
        self._printed: set[tuple[int, str, str]] = set()
        self._digests: set[tuple[str, tuple[int, ...]]] = set()

    async def send(self, alert: Alert) -> None:
        once = (alert.incident_id, alert.rule, alert.event)
        if once not in self._printed:
            await self._console.send(alert)
            self._printed.add(once)

    async def send_digest(self, items: Sequence[DigestItem], period: Period) -> None:
        once = (period.label, tuple(item.incident_id for item in items))
        if once not in self._digests:
            await self._console.send_digest(items, period)
            self._digests.add(once)


def build_channels(
    rules: RulesConfig, settings: Settings, client: httpx.AsyncClient
) -> dict[str, Channel]:
    """One channel per name the rules use, built by its kind (alerts.channels); an
    unconfigured one falls back to the console."""
    env = ChannelContext(settings, client)
    fallback = FallbackConsole()
    channels: dict[str, Channel] = {}
    for name, spec in rules.channels.items():
        try:
            channels[name] = CHANNEL_KINDS[spec.kind].build(name, spec, env)
        except Unconfigured as missing:
            log.warning("channel not configured, using console", channel=name, needs=missing.needs)
            channels[name] = fallback
    return channels


def preview(config: Config, channel: str, alert: Alert) -> str:
    """The message exactly as `channel` would send `alert` (`owabi alerts test`)."""
    spec = config.rules.channels[channel]
    env = ChannelContext(config.settings, client=None)
    return CHANNEL_KINDS[spec.kind].preview(spec, alert, env)


def pacing(rules: RulesConfig, channels: Mapping[str, Channel]) -> dict[str, float]:
    """Each channel's `min_interval`; the console standing in for an unconfigured channel
    talks to no server, so it is not paced."""
    return {
        name: spec.min_interval
        for name, spec in rules.channels.items()
        if not isinstance(channels.get(name), FallbackConsole)
    }


def send_timeout(settings: Settings, channels: Mapping[str, Channel]) -> float:
    """The most one send may take before it counts as timed out: a channel's own timeout
    bounds each step (connect, then read), so twice the longest. The claim's lease is
    derived from it (collector.delivery.outbox.lease_for)."""
    return 2 * max([settings.http_timeout, *(c.timeout for c in channels.values())])


# --- The runtime ------------------------------------------------------------------------


@dataclass
class PassResult:
    """One `owabi fetch` pass: each source's report, then what delivery and digests did."""

    reports: list[SourceReport]
    delivery: DeliveryStats
    digests: list[DigestResult] = field(default_factory=list)


@dataclass
class Runtime:
    """What one configuration builds over open resources; a reload builds a new one."""

    config: Config
    sessions: sessionmaker[Session]
    collector: Collector
    channels: dict[str, Channel]
    pacer: Pacer
    clock: Clock = SYSTEM

    @cached_property
    def sources(self) -> dict[str, SourceConfig]:
        """The enabled sources by id."""
        return {s.id: s for s in self.config.sources.sources if s.enabled}

    @property
    def send_timeout(self) -> float:
        return send_timeout(self.config.settings, self.channels)

    async def deliver(self) -> DeliveryStats:
        """One pass over the due outbox rows with the configured limits."""
        settings = self.config.settings
        return await deliver_due(
            self.sessions,
            self.channels,
            clock=self.clock,
            max_attempts=settings.delivery_max_attempts,
            rules=self.config.rules,
            pacer=self.pacer,
            send_timeout=self.send_timeout,
        )

    async def send_digests(
        self, *, now: dt.datetime | None = None, only: str | None = None, create: bool = True
    ) -> list[DigestResult]:
        """Each digest channel's last completed period (at `now`, default the clock's)."""
        settings = self.config.settings
        return await send_due_digests(
            self.sessions,
            self.channels,
            self.config.rules,
            now or self.clock.now(),
            only=only,
            create=create,
            source_tags=self.config.source_tags(),
            max_attempts=settings.delivery_max_attempts,
            send_timeout=self.send_timeout,
        )

    async def fetch_pass(
        self,
        sources: Sequence[SourceConfig],
        on_done: Callable[[SourceReport], None] | None = None,
    ) -> PassResult:
        """`owabi fetch`: every source once, then the outbox; a cron-driven fetch also
        sends each digest once its period is over."""
        reports = await self.collector.run(sources, on_done)
        delivery = await self.deliver()
        digests = await self.send_digests()
        return PassResult(reports, delivery, digests)


def build_runtime(
    config: Config,
    *,
    sessions: sessionmaker[Session],
    fetcher: Fetcher,
    parser: ParsePool,
    client: httpx.AsyncClient,
    clock: Clock = SYSTEM,
    plan: Plan | None = None,
    halt: asyncio.Event | None = None,
) -> Runtime:
    """The collector and channels of `config` over resources opened by the caller."""
    settings = config.settings
    channels = build_channels(config.rules, settings, client)
    collector = Collector(
        sessions=sessions,
        fetcher=fetcher,
        parser=parser,
        rules=config.rules,
        keywords=config.sources.keywords,
        max_leads=settings.max_articles_per_source,
        recent_days=settings.first_pass_days,
        primary_links=settings.primary_links,
        concurrency=settings.concurrency,
        source_tags=config.source_tags(),
        plan=plan,
        clock=clock,
        halt=halt,
    )
    pacer = Pacer(pacing(config.rules, channels), clock=clock)
    return Runtime(config, sessions, collector, channels, pacer, clock)


@asynccontextmanager
async def open_runtime(config: Config, *, clock: Clock = SYSTEM) -> AsyncIterator[Runtime]:
    """Store, fetcher and channels for one command, closed after the block."""
    settings = config.settings
    with open_store(settings) as sessions, open_parser(settings) as parser:
        async with (
            open_fetcher(settings, clock) as fetcher,
            httpx.AsyncClient(timeout=settings.http_timeout, verify=fetcher.tls) as client,
        ):
            yield build_runtime(
                config,
                sessions=sessions,
                fetcher=fetcher,
                parser=parser,
                client=client,
                clock=clock,
            )
