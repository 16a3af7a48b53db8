"""The contract every channel fulfils.

A channel makes exactly one delivery attempt per `send`. It never sleeps, loops or
retries: on failure it raises `DeliveryError` saying whether a retry could help
(`retryable`, `reason`, `retry_after`), and the outbox worker owns backoff, attempt
limits and parking. Secrets (webhook URLs, SMTP passwords) stay inside the channel:
not in errors, not in `repr`.
"""

from __future__ import annotations

from typing import Protocol

from alerts.message import Alert


class Channel(Protocol):
    name: str
    kind: str

    async def send(self, alert: Alert) -> None:
        """Deliver once or raise `alerts.errors.DeliveryError`."""
        ...
