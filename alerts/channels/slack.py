"""Slack incoming webhook: Block Kit from `render.slack_payload` or
`digest.digest_slack_payload`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import httpx

from alerts.channels._http import post_json
from alerts.digest import DigestItem, Period, digest_slack_payload
from alerts.message import Alert
from alerts.render import slack_payload


class SlackChannel:
    """Posts to one incoming-webhook URL. The URL is a credential: it never leaves here."""

    kind: ClassVar[str] = "slack"

    def __init__(self, name: str, webhook_url: str, *, client: httpx.AsyncClient) -> None:
        self.name = name
        self._url = webhook_url
        self._client = client

    def __repr__(self) -> str:
        return f"SlackChannel(name={self.name!r})"

    async def send(self, alert: Alert) -> None:
        await post_json(
            self._client, self._url, slack_payload(alert), channel=self.name, kind=self.kind
        )

    async def send_digest(self, items: Sequence[DigestItem], period: Period) -> None:
        await post_json(
            self._client,
            self._url,
            digest_slack_payload(items, period),
            channel=self.name,
            kind=self.kind,
        )
