"""Building the runtime from settings: store, fetcher, rules and channels.

Kept out of the CLI so that the one-shot `fetch` and the daemon build the same things."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import structlog
from sqlalchemy.orm import Session, sessionmaker

from alerts.channels.base import Channel
from alerts.channels.console import ConsoleChannel
from alerts.channels.email import EmailChannel
from alerts.channels.slack import SlackChannel
from alerts.channels.webhook import WebhookChannel
from alerts.digest import DigestItem, Period
from alerts.message import Alert
from alerts.rules import ChannelSpec, ConsoleSpec, EmailSpec, RulesConfig, SlackSpec
from collector.configfiles import load_rules, load_sources
from collector.fetch import FetchSettings
from collector.settings import ENV_PREFIX, Settings
from collector.sourceconfig import SourcesFile
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade

log = structlog.get_logger("owabi.app")


@dataclass
class Config:
    """Everything the operator configured, validated."""

    settings: Settings
    sources: SourcesFile
    rules: RulesConfig


def load_config(settings: Settings) -> Config:
    return Config(
        settings=settings,
        sources=load_sources(Path(settings.sources_file)),
        rules=load_rules(Path(settings.rules_file)),
    )


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


def _setting(settings: Settings, env_name: str) -> str | None:
    """A secret named by its variable: a Settings field when it is one, else the environment."""
    field = env_name.removeprefix(ENV_PREFIX).lower()
    if env_name.startswith(ENV_PREFIX) and field in type(settings).model_fields:
        value = getattr(settings, field)
        return value.get_secret_value() if hasattr(value, "get_secret_value") else value
    return os.environ.get(env_name) or None


class FallbackConsole:
    """Stands in for every unconfigured channel: prints each alert once, however many
    unconfigured channels a rule names, so a newcomer sees one alert, not one per channel."""

    kind = "console"

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


def _build(
    name: str,
    spec: ChannelSpec,
    settings: Settings,
    client: httpx.AsyncClient,
    fallback: FallbackConsole,
) -> Channel:
    if isinstance(spec, ConsoleSpec):
        return ConsoleChannel(name)
    if isinstance(spec, SlackSpec):
        url = _setting(settings, spec.webhook_url_env)
        if not url:
            log.warning(
                "channel not configured, using console", channel=name, needs=spec.webhook_url_env
            )
            return fallback
        return SlackChannel(name, url, client=client)
    if isinstance(spec, EmailSpec):
        to = spec.to or settings.smtp_to
        if not settings.smtp_host or not to:
            log.warning(
                "channel not configured, using console",
                channel=name,
                needs="OWABI_SMTP_HOST and OWABI_SMTP_TO",
            )
            return fallback
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return EmailChannel(
            name,
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=password,
            use_tls=settings.smtp_tls,
            starttls=settings.smtp_starttls,
            sender=settings.smtp_from,
            to=list(to),
            timeout=settings.smtp_timeout,
        )
    url = _setting(settings, spec.url_env)
    if not url:
        log.warning("channel not configured, using console", channel=name, needs=spec.url_env)
        return fallback
    return WebhookChannel(name, url, client=client)


def build_channels(
    rules: RulesConfig, settings: Settings, client: httpx.AsyncClient
) -> dict[str, Channel]:
    """One channel per name the rules use; an unconfigured one falls back to the console."""
    fallback = FallbackConsole()
    return {
        name: _build(name, spec, settings, client, fallback)
        for name, spec in rules.channels.items()
    }


def pacing(rules: RulesConfig, channels: Mapping[str, Channel]) -> dict[str, float]:
    """Each channel's `min_interval`; the console standing in for an unconfigured channel
    talks to no server, so it is not paced."""
    return {
        name: spec.min_interval
        for name, spec in rules.channels.items()
        if not isinstance(channels.get(name), FallbackConsole)
    }


def send_timeout(settings: Settings) -> float:
    """The most one send may take before it counts as timed out: a channel's own timeout
    bounds each step (connect, then read), so twice the larger one. The claim's lease is
    derived from it (collector.delivery.lease_for)."""
    return 2 * max(settings.http_timeout, settings.smtp_timeout)


def source_tags(config: Config) -> dict[str, tuple[str, ...]]:
    """Every configured source's tags, for rules restricted to source tags."""
    return {source.id: source.tags for source in config.sources.sources}


def secret_values(settings: Settings) -> list[str]:
    """Every secret value, for the log masker."""
    values = [
        s.get_secret_value()
        for s in (settings.slack_webhook_url, settings.webhook_url, settings.smtp_password)
        if s is not None
    ]
    db = settings.database_url_plain
    if "@" in db and ":" in db.split("@", 1)[0].split("://", 1)[-1]:
        values.append(db.split("://", 1)[-1].split("@", 1)[0].split(":", 1)[1])
    return values
