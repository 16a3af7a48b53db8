"""The collector and the outbox sender as every entry point builds them: one-shot `fetch`,
the daemon and `owabi alerts retry` must not drift apart in how they are configured."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from sqlalchemy.orm import Session, sessionmaker

from alerts.channels.base import Channel
from collector.app import Config, pacing, send_timeout, source_tags
from collector.delivery import DeliveryStats, Pacer, deliver_due
from collector.fetch import Fetcher
from collector.pipeline import Collector, utcnow
from collector.sourceconfig import SourceConfig


def build_collector(
    config: Config,
    *,
    sessions: sessionmaker[Session],
    fetcher: Fetcher,
    plan: Callable[[SourceConfig, int, dt.datetime], dt.datetime] | None = None,
) -> Collector:
    settings = config.settings
    return Collector(
        sessions=sessions,
        fetcher=fetcher,
        rules=config.rules,
        keywords=config.sources.keywords,
        max_leads=settings.max_articles_per_source,
        concurrency=settings.concurrency,
        source_tags=source_tags(config),
        plan=plan,
    )


def channel_pacer(config: Config, channels: Mapping[str, Channel]) -> Pacer:
    return Pacer(pacing(config.rules, channels))


async def deliver_outbox(
    config: Config,
    sessions: sessionmaker[Session],
    channels: Mapping[str, Channel],
    pacer: Pacer,
) -> DeliveryStats:
    """One pass over the due outbox rows with the configured limits."""
    settings = config.settings
    return await deliver_due(
        sessions,
        channels,
        now=utcnow,
        max_attempts=settings.delivery_max_attempts,
        rules=config.rules,
        pacer=pacer,
        send_timeout=send_timeout(settings),
    )
