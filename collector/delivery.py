"""Sending what the outbox holds, at least once and, short of a crash, exactly once.

Each row is claimed before it is sent: a short transaction stamps `claimed_by` (this
sender) and `claimed_until` (a lease), so a second process or replica skips it
(PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the write lock of the UPDATE). The row
turns `sent` only after its channel accepted it, and only while the claim is still
ours; a sender that dies leaves a lease that runs out, and the row is due again. The
one duplicate this allows: a crash after the channel accepted and before the row was
marked (docs/delivery.md).

A retryable failure waits with exponential backoff and jitter (at least Retry-After);
a permanent one, or too many attempts, parks the row with its last error for
`owabi alerts failed` / `owabi alerts retry`. Messages on one channel are paced
(`min_interval`, Slack 1 s) and a rule's throttle delays, never drops, an alert.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from alerts.channels.base import Channel
from alerts.digest import DigestItem, Period, due_period
from alerts.errors import DeliveryError
from alerts.message import Alert
from alerts.rules import RulesConfig, matches, throttle_delay
from collector import failpoints
from collector.incidents import tags_of
from collector.store.models import Delivery, DigestRun, IncidentRecord
from parsers.schema import Incident

log = structlog.get_logger("owabi.delivery")

BACKOFF_BASE = 30.0
BACKOFF_MAX = 3600.0
SEND_TIMEOUT = 60.0

Clock = Callable[[], dt.datetime]
Outbox = type[Delivery] | type[DigestRun]


def backoff(attempt: int, retry_after: float | None = None, rand: float | None = None) -> float:
    """Seconds before attempt `attempt + 1`: exponential with jitter, at least Retry-After."""
    jitter = random.random() if rand is None else rand
    delay = min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (attempt - 1)) * (0.5 + jitter / 2)
    return max(delay, retry_after or 0.0)


def lease_for(send_timeout: float) -> float:
    """A claim outlives the longest send it covers twice over, so a slow but live sender
    never loses its row to another replica (which would send it a second time)."""
    return 2 * send_timeout


def new_worker_id() -> str:
    """Names the sender in `claimed_by`: host and pid for an operator, plus a random part
    so two passes of one process (or a reused pid) never share a claim."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:128]


def utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


@dataclass
class DeliveryStats:
    sent: int = 0
    retrying: int = 0
    parked: int = 0
    throttled: int = 0
    lost: int = 0


class Pacer:
    """At most one message per `min_interval` seconds on each channel (in this process).

    `clock` and `sleep` are injected so tests check the spacing without waiting."""

    def __init__(
        self,
        intervals: Mapping[str, float],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._intervals = dict(intervals)
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}

    async def turn(self, channel: str) -> None:
        """Wait until `channel` may send again, and take the turn."""
        interval = self._intervals.get(channel, 0.0)
        last = self._last.get(channel)
        if interval > 0 and last is not None:
            wait = last + interval - self._clock()
            if wait > 0:
                await self._sleep(wait)
        self._last[channel] = self._clock()


# --- Claims -----------------------------------------------------------------------------


def _due(model: Outbox, now: dt.datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        model.status == "pending",
        model.next_attempt_at <= now,
        or_(model.claimed_until.is_(None), model.claimed_until <= now),
    )


def claim_next(
    session: Session,
    model: Outbox,
    *,
    worker: str,
    now: dt.datetime,
    lease: float,
    after_id: int = 0,
    where: Sequence[ColumnElement[bool]] = (),
) -> Any:
    """Claim the oldest due, unclaimed row (id > after_id) for `worker`; None if none.

    PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED locks one row that no other transaction
    holds, then the UPDATE stamps it. SQLite: one UPDATE … WHERE id IN (SELECT … LIMIT 1)
    runs under the database's single write lock, and the due conditions are repeated on
    the UPDATE, so a row claimed by someone else in between is never taken over.
    """
    due = (*_due(model, now), *where)
    pick = select(model.id).where(*due, model.id > after_id).order_by(model.id).limit(1)
    stamp = {"claimed_by": worker, "claimed_until": now + dt.timedelta(seconds=lease)}
    if session.get_bind().dialect.name == "postgresql":
        row_id = session.scalars(pick.with_for_update(skip_locked=True)).first()
        if row_id is None:
            return None
        session.execute(
            update(model)
            .where(model.id == row_id)
            .values(**stamp)
            .execution_options(synchronize_session=False)
        )
    else:
        row_id = session.execute(
            update(model)
            .where(model.id.in_(pick.scalar_subquery()), *due)
            .values(**stamp)
            .returning(model.id)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if row_id is None:
            return None
    return session.get(model, row_id, populate_existing=True)


def _own(session: Session, model: Outbox, row_id: int, worker: str) -> Any:
    """The row, locked, if `worker` still holds its claim; None if the lease was lost."""
    row = session.get(model, row_id, with_for_update=True, populate_existing=True)
    return row if row is not None and row.claimed_by == worker else None


def _settle(
    row: Delivery | DigestRun,
    error: DeliveryError | None,
    now: dt.datetime,
    max_attempts: int,
) -> str:
    """Record one attempt on a row we hold: sent, retrying or parked."""
    row.claimed_by, row.claimed_until = None, None
    row.attempts = (row.attempts or 0) + 1
    if error is None:
        row.status, row.sent_at, row.last_error = "sent", now, None
        return "sent"
    row.last_error = f"{error.reason}: {error}"
    if error.retryable and row.attempts < max_attempts:
        delay = backoff(row.attempts, error.retry_after)
        row.next_attempt_at = now + dt.timedelta(seconds=delay)
        return "retrying"
    row.status = "parked"
    return "parked"


async def _attempt(send: Awaitable[None], timeout: float, channel: str) -> DeliveryError | None:
    """One send, bounded by `timeout` so the claim's lease always outlives it."""
    try:
        async with asyncio.timeout(timeout):
            await send
    except DeliveryError as exc:
        return exc
    except TimeoutError:
        return DeliveryError(
            f"no answer within {timeout:g}s", reason="timeout", retryable=True, channel=channel
        )
    return None


def _missing(channel: str) -> DeliveryError:
    return DeliveryError(f"channel {channel!r} is not configured", retryable=False, reason="config")


# --- Per-alert delivery -----------------------------------------------------------------


def alert_of(row: Delivery) -> Alert:
    payload = row.payload
    return Alert(
        rule=row.rule,
        event=row.event,  # type: ignore[arg-type]
        incident_id=row.incident_id,
        incident=Incident.model_validate(payload["incident"]),
        links=tuple(payload.get("links", ())),
        sources=tuple(payload.get("sources", ())),
        key=row.key,
    )


def _throttle_wait(
    session: Session, rules: RulesConfig | None, row: Delivery, now: dt.datetime
) -> float:
    """Seconds the row's rule must wait on its channel before one more alert."""
    rule = next((r for r in rules.rules if r.name == row.rule), None) if rules else None
    if rule is None or rule.throttle is None:
        return 0.0
    since = now - dt.timedelta(seconds=rule.throttle.per)
    sent = session.scalars(
        select(Delivery.sent_at).where(
            Delivery.rule == row.rule,
            Delivery.channel == row.channel,
            Delivery.status == "sent",
            Delivery.sent_at > since,
        )
    ).all()
    return throttle_delay(rule.throttle, [utc(t) for t in sent if t is not None], now)


@dataclass
class _Run:
    """One delivery pass: its sender id, clock, limits and tallies."""

    sessions: sessionmaker[Session]
    channels: Mapping[str, Channel]
    now: Clock
    max_attempts: int
    rules: RulesConfig | None
    pacer: Pacer
    send_timeout: float
    lease: float
    worker: str
    stats: DeliveryStats = field(default_factory=DeliveryStats)

    def clock(self) -> dt.datetime:
        return utc(self.now())

    async def drain(self, name: str) -> None:
        """Send every due row of one channel, oldest first, each row at most once."""
        last_id = 0
        while True:
            now = self.clock()
            with self.sessions.begin() as s:
                row = claim_next(
                    s,
                    Delivery,
                    worker=self.worker,
                    now=now,
                    lease=self.lease,
                    after_id=last_id,
                    where=(Delivery.channel == name,),
                )
                if row is None:
                    return
                last_id, alert = row.id, alert_of(row)
                wait = _throttle_wait(s, self.rules, row, now)
                if wait > 0:
                    row.next_attempt_at = now + dt.timedelta(seconds=wait)
                    row.claimed_by, row.claimed_until = None, None
                    self.stats.throttled += 1
                    log.info("alert throttled", rule=row.rule, channel=name, wait_s=round(wait))
                    continue
            channel = self.channels.get(name)
            if channel is None:
                error: DeliveryError | None = _missing(name)
            else:
                await self.pacer.turn(name)
                error = await _attempt(channel.send(alert), self.send_timeout, name)
                if error is None:
                    failpoints.hit("after_send")
            self.settle(last_id, alert, error)

    def settle(self, row_id: int, alert: Alert, error: DeliveryError | None) -> None:
        with self.sessions.begin() as s:
            row = _own(s, Delivery, row_id, self.worker)
            if row is None:
                self.stats.lost += 1
                log.warning("alert claim lost", rule=alert.rule, incident=alert.incident_id)
                return
            outcome = _settle(row, error, self.clock(), self.max_attempts)
        setattr(self.stats, outcome, getattr(self.stats, outcome) + 1)
        fields = {"rule": alert.rule, "channel": row.channel, "incident": alert.incident_id}
        if error is None:
            log.info("alert sent", **fields)
        else:
            log.warning(
                "alert failed",
                **fields,
                reason=error.reason,
                error=str(error),
                attempt=row.attempts,
                parked=outcome == "parked",
            )


async def deliver_due(
    sessions: sessionmaker[Session],
    channels: Mapping[str, Channel],
    *,
    now: Clock,
    max_attempts: int,
    rules: RulesConfig | None = None,
    pacer: Pacer | None = None,
    send_timeout: float = SEND_TIMEOUT,
    lease: float | None = None,
    worker: str | None = None,
) -> DeliveryStats:
    """Send every due outbox row once; returns what happened.

    Channels drain concurrently, each in id order; `rules` supplies throttles, `pacer`
    the per-channel spacing (none when omitted).
    """
    run = _Run(
        sessions=sessions,
        channels=channels,
        now=now,
        max_attempts=max_attempts,
        rules=rules,
        pacer=pacer or Pacer({}),
        send_timeout=send_timeout,
        lease=lease if lease is not None else lease_for(send_timeout),
        worker=worker or new_worker_id(),
    )
    with sessions.begin() as s:
        names = s.scalars(
            select(Delivery.channel).distinct().where(*_due(Delivery, run.clock()))
        ).all()
    await asyncio.gather(*(run.drain(name) for name in sorted(names)))
    return run.stats


# --- Digests ----------------------------------------------------------------------------


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
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(DigestRun)
        .values(
            key=digest_key(channel, period.end),
            channel=channel,
            period_start=utc(period.start),
            period_end=utc(period.end),
            label=period.label,
            status="pending",
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
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
    records = session.scalars(
        select(IncidentRecord)
        .where(IncidentRecord.created_at >= utc(start), IncidentRecord.created_at < utc(end))
        .order_by(IncidentRecord.id)
    ).all()
    items = []
    for record in records:
        facts = Incident.model_validate(record.data)
        tags = tags_of((n.source_id for n in record.notices), source_tags)
        if any(matches(rule, facts, tags=tags) for rule in routed):
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
                row = s.scalars(select(DigestRun).where(DigestRun.key == key)).one()
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
                row = claim_next(
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
                error: DeliveryError | None = _missing(name)
            else:
                send = channel.send_digest(items, period)
                error = await _attempt(send, self.send_timeout, name)
            with self.sessions.begin() as s:
                held = _own(s, DigestRun, last_id, self.worker)
                outcome = (
                    "lost" if held is None else _settle(held, error, self.now, self.max_attempts)
                )
            results.append(
                DigestResult(
                    name, key, period.label, len(items), outcome, str(error) if error else None
                )
            )
            log.info(f"digest {outcome}", channel=name, period=period.label, incidents=len(items))
