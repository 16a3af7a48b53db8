"""Delivery channels, one module per kind; `CHANNEL_KINDS` is the registry every user of
channels reads: the rules file's `[channels.NAME]` tables, the process settings, the
wiring that builds channels, and `owabi alerts test`.

A new kind (Teams, Discord) is one module holding its spec, its settings and secrets, its
payloads per alert and per digest, and the channel class; plus one line below.
"""

from __future__ import annotations

from alerts.channels.base import Channel, ChannelEnv, ChannelKind, ChannelSpec, Unconfigured
from alerts.channels.console import ConsoleChannel
from alerts.channels.email import EmailChannel
from alerts.channels.slack import SlackChannel
from alerts.channels.webhook import WebhookChannel

CHANNEL_KINDS: dict[str, ChannelKind] = {
    kind.kind: kind
    for kind in (
        ConsoleChannel,
        SlackChannel,
        EmailChannel,
        WebhookChannel,
    )
}

__all__ = [
    "CHANNEL_KINDS",
    "Channel",
    "ChannelEnv",
    "ChannelKind",
    "ChannelSpec",
    "ConsoleChannel",
    "EmailChannel",
    "SlackChannel",
    "Unconfigured",
    "WebhookChannel",
]
