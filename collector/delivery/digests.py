"""Digests: each channel's summary of a completed period, sent once per period with the
same claim / lease / mark cycle as single alerts (collector/delivery.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import structlog
from sqlalchemy.orm import Session, sessionmaker

from alerts.channels.base import Channel
from alerts.digest import DigestItem, Period, due_period
from alerts.errors import DeliveryError
from alerts.rules import RulesConfig, matches
from collector.clock import utc
from collector.delivery.outbox import (
    SEND_TIMEOUT,
    attempt,
    lease_for,
    missing_channel,
    new_worker_id,
    settle,
)
from collector.incidents import incident_text, tags_of
from collector.store import queries
from collector.store.models import DigestRun
from parsers.schema import Incident

log = structlog.get_logger("owabi.digests")


@dataclass(frozen=True)
class DigestResult:
    """What became of one period's digest on one channel in this run."""

    channel: str
    key: str
    label: str
    incidents: int
    outcome: str
    error: str | None = None


# How a due period that this run did not send stands.
_STANDING = {"sent": "already sent", "pending": "retrying", "parked": "parked"}


def digest_key(channel: str, period_end: dt.datetime) -> str:
    return f"{channel}|{utc(period_end).isoformat()}"


def _insert_digest(session: Session, channel: str, period: Period, now: dt.datetime) -> None:
    """The period's row, unless it exists: a re-run or another replica adds nothing."""
    queries.insert_digest(
        session,
        {
            "key": digest_key(channel, period.end),
            "channel": channel,
            "period_start": utc(period.start),
            "period_end": utc(period.end),
            "label": period.label,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        },
    )


def digest_items(
    session: Session,
    rules: RulesConfig,
    channel: str,
    start: dt.datetime,
    end: dt.datetime,
    source_tags: Mapping[str, Collection[str]],
) -> list[DigestItem]:
    """Incidents first recorded in [start, end) that a rule naming `channel` matches."""
    routed = [r for r in rules.rules if r.enabled and channel in r.channels]
    records = queries.incidents_first_seen(session, utc(start), utc(end))
    items = []
    for record in records:
        facts = Incident.model_validate(record.data)
        tags = tags_of((n.source_id for n in record.notices), source_tags)
        code = record.securities_code
        text = incident_text(record) if any(r.reads_text for r in routed) else None
        if any(matches(rule, facts, tags=tags, code=code, text=text) for rule in routed):
            links = tuple(dict.fromkeys(n.url for n in record.notices if n.url))
            items.append(DigestItem(record.id, facts, links, utc(record.created_at)))
    return items


async def send_due_digests(
    sessions: sessionmaker[Session],
    channels: Mapping[str, Channel],
    rules_config: RulesConfig,
    now: dt.datetime,
    *,
    only: str | None = None,
    create: bool = True,
    source_tags: Mapping[str, Collection[str]] | None = None,
    max_attempts: int = 8,
    send_timeout: float = SEND_TIMEOUT,
    worker: str | None = None,
) -> list[DigestResult]:
    """Send each digest channel's most recent completed period, once per period.

    Every run (unless `create` is False) adds the row keyed (channel, period end), then
    sends every due digest row of the channel, so a failed period is retried with
    backoff like an alert. A due period that was not sent in this run (already sent,
    parked, waiting for a retry, or claimed by another process) is reported as it stands.
    """
    run = _DigestRun(
        sessions,
        channels,
        rules_config,
        utc(now),
        source_tags or {},
        max_attempts,
        send_timeout,
        worker or new_worker_id(),
    )
    results: list[DigestResult] = []
    for name, spec in rules_config.channels.items():
        if spec.digest is None or (only is not None and name != only):
            continue
        period = due_period(spec.digest, now)
        key = digest_key(name, period.end)
        if create:
            with sessions.begin() as s:
                _insert_digest(s, name, period, run.now)
        done = await run.drain(name, spec.digest.tz)
        results += done
        if create and key not in {r.key for r in done}:
            with sessions() as s:
                row = queries.digest_row(s, key)
                state = _STANDING.get(row.status, row.status)
                if row.status == "pending" and not row.attempts:
                    state = "claimed elsewhere"
                results.append(
                    DigestResult(name, key, row.label, row.incidents or 0, state, row.last_error)
                )
    return results


@dataclass
class _DigestRun:
    sessions: sessionmaker[Session]
    channels: Mapping[str, Channel]
    rules: RulesConfig
    now: dt.datetime
    source_tags: Mapping[str, Collection[str]]
    max_attempts: int
    send_timeout: float
    worker: str

    async def drain(self, name: str, zone: dt.tzinfo) -> list[DigestResult]:
        """Send every due digest row of one channel, each at most once."""
        results: list[DigestResult] = []
        last_id = 0
        while True:
            with self.sessions.begin() as s:
                row = queries.claim_next(
                    s,
                    DigestRun,
                    worker=self.worker,
                    now=self.now,
                    lease=lease_for(self.send_timeout),
                    after_id=last_id,
                    where=(DigestRun.channel == name,),
                )
                if row is None:
                    return results
                last_id, key = row.id, row.key
                start, end = utc(row.period_start), utc(row.period_end)
                period = Period(start.astimezone(zone), end.astimezone(zone), row.label)
                items = digest_items(s, self.rules, name, start, end, self.source_tags)
                row.incidents = len(items)
            channel = self.channels.get(name)
            if channel is None:
                error: DeliveryError | None = missing_channel(name)
            else:
                send = channel.send_digest(items, period)
                error = await attempt(send, self.send_timeout, name)
            with self.sessions.begin() as s:
                held = queries.owned_by(s, DigestRun, last_id, self.worker)
                outcome = (
                    "lost" if held is None else settle(held, error, self.now, self.max_attempts)
                )
            results.append(
                DigestResult(
                    name, key, period.label, len(items), outcome, str(error) if error else None
                )
            )
            log.info(f"digest {outcome}", channel=name, period=period.label, incidents=len(items))
