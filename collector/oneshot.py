"""`owabi fetch`: one pass over the sources, then delivery of what the outbox holds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from collector.app import (
    Config,
    build_channels,
    fetch_settings,
    open_store,
    send_timeout,
    source_tags,
)
from collector.delivery import DeliveryStats
from collector.digests import DigestResult, send_due_digests
from collector.errors import ConfigError
from collector.fetch import Fetcher
from collector.pipeline import SourceReport, utcnow
from collector.sourceconfig import SourceConfig
from collector.wiring import build_collector, channel_pacer, deliver_outbox


@dataclass
class PassResult:
    reports: list[SourceReport]
    delivery: DeliveryStats
    digests: list[DigestResult] = field(default_factory=list)


def select_sources(config: Config, ids: Sequence[str]) -> list[SourceConfig]:
    """The sources named by `--source`, or every enabled one."""
    known = config.sources.by_id()
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ConfigError(
            f"{config.settings.sources_file}: no source with id {', '.join(map(repr, unknown))}"
            f" (known: {', '.join(sorted(known)) or 'none'})",
            path=str(config.settings.sources_file),
            key="id",
        )
    if ids:
        return [known[i] for i in ids]
    return [s for s in config.sources.sources if s.enabled]


async def fetch_once(
    config: Config,
    sources: Sequence[SourceConfig],
    on_done: Callable[[SourceReport], None] | None = None,
) -> PassResult:
    settings = config.settings
    with open_store(settings) as sessions:
        async with (
            Fetcher(fetch_settings(settings)) as fetcher,
            httpx.AsyncClient(timeout=settings.http_timeout) as client,
        ):
            channels = build_channels(config.rules, settings, client)
            collector = build_collector(config, sessions=sessions, fetcher=fetcher)
            reports = await collector.run(sources, on_done)
            delivery = await deliver_outbox(
                config, sessions, channels, channel_pacer(config, channels)
            )
            # A cron-driven `fetch` also sends each digest once its period is over.
            digests = await send_due_digests(
                sessions,
                channels,
                config.rules,
                utcnow(),
                source_tags=source_tags(config),
                max_attempts=settings.delivery_max_attempts,
                send_timeout=send_timeout(settings),
            )
    return PassResult(reports, delivery, digests)
