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
import uuid
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field

import structlog
from sqlalchemy.orm import Session, sessionmaker

from alerts.channels.base import Channel
from alerts.errors import DeliveryError
from alerts.message import Alert
from alerts.rules import RulesConfig, throttle_delay
from collector import failpoints
from collector.clock import SYSTEM, Clock, utc
from collector.store import queries
from collector.store.models import Delivery, DigestRun
from parsers.schema import Incident

log = structlog.get_logger("owabi.delivery")

BACKOFF_BASE = 30.0
BACKOFF_MAX = 3600.0
SEND_TIMEOUT = 60.0


def backoff(attempt: int, retry_after: float | None = None, rand: float | None = None) -> float:
    """Seconds before attempt `attempt + 1`: exponential with jitter, at least Retry-After."""
    jitter = random.random() if rand is None else rand
    delay = min(BACKOFF_MAX, BACKOFF_BASE * 2.0 ** (attempt - 1)) * (0.5 + jitter / 2)
    return max(delay, retry_after or 0.0)


def lease_for(send_timeout: float) -> float:
    """A claim outlives the longest send it covers twice over, so a slow but live sender
    never loses its row to another replica (which would send it a second time)."""
    return 2 * send_timeout


def new_worker_id() -> str:
    """Names the sender in `claimed_by`: host and pid for an operator, plus a random part
    so two passes of one process (or a reused pid) never share a claim."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:128]


@dataclass
class DeliveryStats:
    sent: int = 0
    retrying: int = 0
    parked: int = 0
    throttled: int = 0
    lost: int = 0


class Pacer:
    """At most one message per `min_interval` seconds on each channel (in this process).

    The clock is injected so tests check the spacing without waiting."""

    def __init__(self, intervals: Mapping[str, float], *, clock: Clock = SYSTEM) -> None:
        self._intervals = dict(intervals)
        self._clock = clock
        self._last: dict[str, float] = {}

    async def turn(self, channel: str) -> None:
        """Wait until `channel` may send again, and take the turn."""
        interval = self._intervals.get(channel, 0.0)
        last = self._last.get(channel)
        if interval > 0 and last is not None:
            wait = last + interval - self._clock.monotonic()
            if wait > 0:
                await self._clock.sleep(wait)
        self._last[channel] = self._clock.monotonic()


# --- Attempts ---------------------------------------------------------------------------


def settle(
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


async def attempt(send: Awaitable[None], timeout: float, channel: str) -> DeliveryError | None:
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


def missing_channel(channel: str) -> DeliveryError:
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
        primary=tuple(payload.get("primary", ())),
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
    sent = queries.sent_times(session, row.rule, row.channel, since)
    return throttle_delay(rule.throttle, [utc(t) for t in sent], now)


@dataclass
class _Run:
    """One delivery pass: its sender id, clock, limits and tallies."""

    sessions: sessionmaker[Session]
    channels: Mapping[str, Channel]
    clock: Clock
    max_attempts: int
    rules: RulesConfig | None
    pacer: Pacer
    send_timeout: float
    lease: float
    worker: str
    stats: DeliveryStats = field(default_factory=DeliveryStats)

    def now(self) -> dt.datetime:
        return utc(self.clock.now())

    async def drain(self, name: str) -> None:
        """Send every due row of one channel, oldest first, each row at most once."""
        last_id = 0
        while True:
            now = self.now()
            with self.sessions.begin() as s:
                row = queries.claim_next(
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
                error: DeliveryError | None = missing_channel(name)
            else:
                await self.pacer.turn(name)
                error = await attempt(channel.send(alert), self.send_timeout, name)
                if error is None:
                    failpoints.hit("after_send")
            self.settle(last_id, alert, error)

    def settle(self, row_id: int, alert: Alert, error: DeliveryError | None) -> None:
        with self.sessions.begin() as s:
            row = queries.owned_by(s, Delivery, row_id, self.worker)
            if row is None:
                self.stats.lost += 1
                log.warning("alert claim lost", rule=alert.rule, incident=alert.incident_id)
                return
            outcome = settle(row, error, self.now(), self.max_attempts)
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
    max_attempts: int,
    clock: Clock = SYSTEM,
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
        clock=clock,
        max_attempts=max_attempts,
        rules=rules,
        pacer=pacer or Pacer({}, clock=clock),
        send_timeout=send_timeout,
        lease=lease if lease is not None else lease_for(send_timeout),
        worker=worker or new_worker_id(),
    )
    with sessions.begin() as s:
        names = queries.due_channels(s, run.now())
    await asyncio.gather(*(run.drain(name) for name in names))
    return run.stats
