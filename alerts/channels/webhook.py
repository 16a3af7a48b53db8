"""Generic JSON webhook: the incident in its spec shape plus rule, event and key, or a digest
(`kind` = "alert" or "digest" in the body)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import httpx

from alerts.channels._http import post_json
from alerts.digest import DigestItem, Period, digest_webhook_payload
from alerts.message import Alert
from alerts.render import webhook_payload


class WebhookChannel:
    """POSTs `render.webhook_payload` to one URL, treated as a secret like Slack's."""

    kind: ClassVar[str] = "webhook"

    def __init__(self, name: str, url: str, *, client: httpx.AsyncClient) -> None:
        self.name = name
        self._url = url
        self._client = client

    def __repr__(self) -> str:
        return f"WebhookChannel(name={self.name!r})"

    async def send(self, alert: Alert) -> None:
        await post_json(
            self._client, self._url, webhook_payload(alert), channel=self.name, kind=self.kind
        )

    async def send_digest(self, items: Sequence[DigestItem], period: Period) -> None:
        await post_json(
            self._client,
            self._url,
            digest_webhook_payload(items, period),
            channel=self.name,
            kind=self.kind,
        )
