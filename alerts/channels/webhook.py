"""Generic JSON webhook: the incident in its spec shape plus rule, event and key, or a
digest (`kind` = "alert" or "digest" in the body); the URL a secret named by the spec."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import httpx
from pydantic import BaseModel, SecretStr

from alerts.channels._http import client_timeout, post_json, pretty_json
from alerts.channels.base import Channel, ChannelEnv, ChannelSpec, Unconfigured, spec_as
from alerts.digest import DigestItem, Period, digest_totals, group_by_category
from alerts.message import Alert
from alerts.render import CATEGORY_JA, safe_links


class WebhookSpec(ChannelSpec):
    kind: Literal["webhook"]
    url_env: str = "OWABI_WEBHOOK_URL"


class WebhookSettings(BaseModel):
    """The default URL (`OWABI_WEBHOOK_URL`); others are named by a channel's `url_env`."""

    webhook_url: SecretStr | None = None


class WebhookChannel:
    """POSTs `webhook_payload` to one URL, treated as a secret like Slack's."""

    kind: ClassVar[str] = "webhook"
    spec: ClassVar[type[ChannelSpec]] = WebhookSpec
    settings: ClassVar[type[BaseModel] | None] = WebhookSettings

    def __init__(self, name: str, url: str, *, client: httpx.AsyncClient) -> None:
        self.name = name
        self._url = url
        self._client = client
        self.timeout = client_timeout(client)

    def __repr__(self) -> str:
        return f"WebhookChannel(name={self.name!r})"

    @classmethod
    def build(cls, name: str, spec: ChannelSpec, env: ChannelEnv) -> Channel:
        variable = spec_as(spec, WebhookSpec).url_env
        url = env.variable(variable)
        if not url:
            raise Unconfigured(variable)
        return cls(name, url, client=env.client)

    @classmethod
    def preview(cls, spec: ChannelSpec, alert: Alert, env: ChannelEnv) -> str:
        return pretty_json(webhook_payload(alert))

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


def webhook_payload(alert: Alert) -> dict[str, Any]:
    """The generic JSON body: the incident in its spec shape plus delivery context."""
    return {
        "kind": "alert",
        "rule": alert.rule,
        "event": alert.event,
        "incident_id": alert.incident_id,
        "key": alert.key,
        "incident": alert.incident.to_json_dict(),
        "links": safe_links(alert.links),
        "primary_links": [url for url in safe_links(alert.links) if url in alert.primary],
        "sources": list(alert.sources),
    }


def digest_webhook_payload(items: Sequence[DigestItem], period: Period) -> dict[str, Any]:
    """The generic JSON body of a digest; `kind` tells it apart from a per-alert body."""
    totals = digest_totals(items)
    return {
        "kind": "digest",
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label,
        },
        "totals": {
            "incidents": totals.incidents,
            "people_affected": totals.people,
            "cards_affected": totals.cards,
        },
        "groups": [
            {
                "category": category.value,
                "name": CATEGORY_JA[category],
                "count": len(members),
                "incidents": [
                    {
                        "incident_id": item.incident_id,
                        "first_seen": item.first_seen.isoformat(),
                        "links": safe_links(item.links),
                        "incident": item.incident.to_json_dict(),
                    }
                    for item in members
                ],
            }
            for category, members in group_by_category(items)
        ],
    }
