"""Delivery channels, one module per kind; `CHANNEL_KINDS` maps a spec's `kind` to its class.

Every class satisfies `base.Channel`: `name`, `kind`, `async send(alert)` and
`async send_digest(items, period)`, each one attempt raising `DeliveryError`. Building
one from a `ChannelSpec` plus settings (secrets from the environment) is the caller's
job; the constructors take plain values.
"""

from __future__ import annotations

from alerts.channels.base import Channel
from alerts.channels.console import ConsoleChannel
from alerts.channels.email import EmailChannel
from alerts.channels.slack import SlackChannel
from alerts.channels.webhook import WebhookChannel

CHANNEL_KINDS: dict[str, type] = {
    ConsoleChannel.kind: ConsoleChannel,
    SlackChannel.kind: SlackChannel,
    EmailChannel.kind: EmailChannel,
    WebhookChannel.kind: WebhookChannel,
}

__all__ = [
    "CHANNEL_KINDS",
    "Channel",
    "ConsoleChannel",
    "EmailChannel",
    "SlackChannel",
    "WebhookChannel",
]
