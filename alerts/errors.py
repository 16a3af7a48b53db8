"""The alerts branch of the OwabiError tree.

    OwabiError
    ├── DeliveryError   (a channel could not deliver one alert)
    └── RuleError       (alert rules or channel specs are invalid)

Channels only *classify* a failure (`retryable`, `reason`, `retry_after`); the outbox
worker decides what to do with it. Messages are one line and never carry a webhook URL,
a password or anything else that would leak a secret into logs.
"""

from __future__ import annotations

from parsers.errors import OwabiError


def one_line(text: str) -> str:
    """Collapse every line break and control character so a message stays one log line."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


class DeliveryError(OwabiError):
    """One delivery attempt failed.

    `reason` is a stable key for metrics and retry decisions: http_429, http_5xx,
    http_4xx, http_3xx, timeout, network, tls, smtp_auth, smtp_refused,
    smtp_unavailable, smtp_config, io.
    """

    code = "delivery_error"

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        retryable: bool,
        retry_after: float | None = None,
        channel: str | None = None,
    ) -> None:
        prefix = f"channel {channel!r}: " if channel else ""
        super().__init__(one_line(prefix + message))
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after
        self.channel = channel

    def __repr__(self) -> str:
        return (
            f"DeliveryError({self.message!r}, reason={self.reason!r}, "
            f"retryable={self.retryable!r}, retry_after={self.retry_after!r})"
        )


class RuleError(OwabiError):
    """The rules configuration is invalid; raised at load time, never while matching."""

    code = "rule_error"

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))
