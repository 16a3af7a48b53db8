"""Sending what the outbox holds. A row turns `sent` only after its channel accepted it,
so a crash between the two resends once on restart (at-least-once); a retryable
failure waits with exponential backoff, and a permanent one, or too many attempts,
parks the row with its last error for an operator to see."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import structlog
from sqlalchemy.orm import Session, sessionmaker

from alerts.channels.base import Channel
from alerts.errors import DeliveryError
from alerts.message import Alert
from collector.store import queries
from collector.store.models import Delivery
from parsers.schema import Incident

log = structlog.get_logger("owabi.delivery")

BACKOFF_BASE = 30.0
BACKOFF_MAX = 3600.0


def backoff(attempt: int, retry_after: float | None = None, rand: float | None = None) -> float:
    """Seconds before attempt `attempt + 1`: exponential with jitter, at least Retry-After."""
    jitter = random.random() if rand is None else rand
    delay = min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (attempt - 1)) * (0.5 + jitter / 2)
    return max(delay, retry_after or 0.0)


@dataclass
class DeliveryStats:
    sent: int = 0
    retrying: int = 0
    parked: int = 0


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


async def deliver_due(
    sessions: sessionmaker[Session],
    channels: Mapping[str, Channel],
    *,
    now: Callable[[], dt.datetime],
    max_attempts: int,
) -> DeliveryStats:
    """Send every due outbox row once; returns what happened."""
    stats = DeliveryStats()
    with sessions.begin() as s:
        due = [(row.id, row.channel, alert_of(row)) for row in queries.due_deliveries(s, now())]
    for row_id, channel_name, alert in due:
        channel = channels.get(channel_name)
        error: DeliveryError | None = None
        if channel is None:
            error = DeliveryError(
                f"channel {channel_name!r} is not configured", retryable=False, reason="config"
            )
        else:
            try:
                await channel.send(alert)
            except DeliveryError as exc:
                error = exc
        with sessions.begin() as s:
            row = s.get(Delivery, row_id)
            if row is None:
                continue
            row.attempts += 1
            if error is None:
                row.status, row.sent_at, row.last_error = "sent", now(), None
                stats.sent += 1
                log.info("alert sent", rule=row.rule, channel=row.channel, incident=row.incident_id)
                continue
            row.last_error = f"{error.reason}: {error}"
            if error.retryable and row.attempts < max_attempts:
                delay = backoff(row.attempts, error.retry_after)
                row.next_attempt_at = now() + dt.timedelta(seconds=delay)
                stats.retrying += 1
            else:
                row.status = "parked"
                stats.parked += 1
            log.warning(
                "alert failed",
                rule=row.rule,
                channel=row.channel,
                incident=row.incident_id,
                reason=error.reason,
                error=str(error),
                attempt=row.attempts,
                parked=row.status == "parked",
            )
    return stats
