"""The contract every channel fulfils.

A channel makes exactly one delivery attempt per `send` (one alert) or `send_digest`
(one period's summary, rendered by `alerts.digest`). It never sleeps, loops or
retries: on failure it raises `DeliveryError` saying whether a retry could help
(`retryable`, `reason`, `retry_after`), and the outbox worker owns backoff, attempt
limits and parking. Secrets (webhook URLs, SMTP passwords) stay inside the channel:
not in errors, not in `repr`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from alerts.digest import DigestItem, Period
from alerts.message import Alert


class Channel(Protocol):
    name: str
    kind: str

    async def send(self, alert: Alert) -> None:
        """Deliver once or raise `alerts.errors.DeliveryError`."""
        ...

    async def send_digest(self, items: Sequence[DigestItem], period: Period) -> None:
        """Deliver the period's digest once (an empty period too), same error contract."""
        ...
