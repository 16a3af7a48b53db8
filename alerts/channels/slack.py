"""Slack incoming webhooks: Block Kit for single alerts and digests, at most one message a
second per webhook (Slack's limit), the webhook URL a secret named by the spec.

Every scraped string is escaped for mrkdwn (`&`, `<`, `>`), so a title can never produce
`<!channel>`, a user mention or a forged `<url|label>` link; Slack's block, field and text
limits are kept by truncating with `…` and leaving out a digest's tail with a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, Field, SecretStr

from alerts.channels._http import client_timeout, post_json, pretty_json
from alerts.channels.base import Channel, ChannelEnv, ChannelSpec, Unconfigured, spec_as
from alerts.digest import (
    DigestItem,
    Period,
    describe,
    digest_title,
    digest_totals,
    empty_line,
    first_link,
    group_by_category,
    totals_line,
)
from alerts.message import Alert
from alerts.render import (
    CATEGORY_JA,
    EVENT_JA,
    STAGE_JA,
    clean_line,
    facts,
    headline,
    incident_title,
    narrative,
    safe_links,
    summary,
    truncate,
)

# Slack limits (https://api.slack.com/reference/block-kit/blocks).
SLACK_MAX_BLOCKS = 50
SLACK_HEADER_MAX = 150
SLACK_TEXT_MAX = 3000
SLACK_FIELD_MAX = 2000
SLACK_MAX_FIELDS = 10
SLACK_BUTTON_TEXT_MAX = 75
_LINE_MAX = 300  # one incident's text in a digest line, before its link
_SLACK_LINK_MAX = 500  # longer links are left out of a digest line rather than cut


class SlackSpec(ChannelSpec):
    """Slack accepts about one message a second per incoming webhook, hence the pacing."""

    kind: Literal["slack"]
    webhook_url_env: str = "OWABI_SLACK_WEBHOOK_URL"
    min_interval: float = Field(default=1.0, ge=0.0, allow_inf_nan=False)


class SlackSettings(BaseModel):
    """The default webhook (`OWABI_SLACK_WEBHOOK_URL`); other webhooks are variables
    named by their channel's `webhook_url_env`."""

    slack_webhook_url: SecretStr | None = None


class SlackChannel:
    """Posts to one incoming-webhook URL. The URL is a credential: it never leaves here."""

    kind: ClassVar[str] = "slack"
    spec: ClassVar[type[ChannelSpec]] = SlackSpec
    settings: ClassVar[type[BaseModel] | None] = SlackSettings

    def __init__(self, name: str, webhook_url: str, *, client: httpx.AsyncClient) -> None:
        self.name = name
        self._url = webhook_url
        self._client = client
        self.timeout = client_timeout(client)

    def __repr__(self) -> str:
        return f"SlackChannel(name={self.name!r})"

    @classmethod
    def build(cls, name: str, spec: ChannelSpec, env: ChannelEnv) -> Channel:
        url = env.variable(spec_as(spec, SlackSpec).webhook_url_env)
        if not url:
            raise Unconfigured(spec_as(spec, SlackSpec).webhook_url_env)
        return cls(name, url, client=env.client)

    @classmethod
    def preview(cls, spec: ChannelSpec, alert: Alert, env: ChannelEnv) -> str:
        return pretty_json(slack_payload(alert))

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


# --- mrkdwn -----------------------------------------------------------------------------


def mrkdwn_escape(text: str) -> str:
    """Slack's three control characters; enough to neutralize mentions and links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str, limit: int) -> str:
    """Scraped text as Slack mrkdwn: clean, escape, then truncate to `limit` without
    cutting an `&amp;` entity in half."""
    escaped = mrkdwn_escape(clean_line(text))
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


# --- Single alerts ----------------------------------------------------------------------


def slack_payload(alert: Alert) -> dict[str, Any]:
    """An incoming-webhook body: Block Kit blocks plus a plain `text` fallback."""
    inc = alert.incident
    meta = f"{STAGE_JA[inc.stage]} · 公表日 {inc.published or '不明'} · {EVENT_JA[alert.event]}"
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": truncate(headline(inc), SLACK_HEADER_MAX)},
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*{mrkdwn(incident_title(inc), 2000)}*\n{mrkdwn(meta, 500)}",
            },
        },
    ]
    fields = [
        {"type": "mrkdwn", "text": f"*{label}*\n{mrkdwn(value, SLACK_FIELD_MAX - 20)}"}
        for label, value in facts(inc)[:SLACK_MAX_FIELDS]
    ]
    if fields:
        blocks.append({"type": "section", "fields": fields})
    for label, value in narrative(inc):
        text = f"*{label}*\n{mrkdwn(value, SLACK_TEXT_MAX - 20)}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    buttons = [
        {
            "type": "button",
            "action_id": f"notice-{index}",
            "text": {"type": "plain_text", "text": _button_label(index, url)},
            "url": url,
        }
        for index, url in enumerate(safe_links(alert.links), start=1)
    ]
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    context = f"ルール {alert.rule} · ソース {', '.join(alert.sources) or '-'}"
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(context, 2000)}]}
    )
    return {
        "text": mrkdwn(f"{summary(alert)} — {incident_title(inc)}", SLACK_TEXT_MAX),
        "blocks": blocks[:SLACK_MAX_BLOCKS],
    }


def _button_label(index: int, url: str) -> str:
    host = urlsplit(url).hostname or ""
    return truncate(f"お知らせ {index} ({host})", SLACK_BUTTON_TEXT_MAX)


# --- Digests ----------------------------------------------------------------------------


def _digest_line(item: DigestItem) -> str:
    text = mrkdwn(describe(item), _LINE_MAX)
    url = first_link(item)
    if url is None or len(url) > _SLACK_LINK_MAX:
        return f"• {text}"
    # `|` and `>` cannot reach the URL (safe_url percent-encodes them); `&` is escaped.
    return f"• <{mrkdwn_escape(url)}|{text}>"


def _digest_sections(items: Sequence[DigestItem]) -> list[tuple[str, int]]:
    """(mrkdwn text, incidents in it) per section, each within SLACK_TEXT_MAX."""
    sections: list[tuple[str, int]] = []
    for category, members in group_by_category(items):
        name = CATEGORY_JA[category]
        text, count = f"*{name}* ({len(members)}件)", 0
        for item in members:
            line = _digest_line(item)
            if len(text) + 1 + len(line) > SLACK_TEXT_MAX:
                sections.append((text, count))
                text, count = f"*{name}* (続き)", 0
            text, count = f"{text}\n{line}", count + 1
        sections.append((text, count))
    return sections


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def digest_slack_payload(items: Sequence[DigestItem], period: Period) -> dict[str, Any]:
    """Block Kit: header, totals, one section per category (split when long). Past 50
    blocks the tail is left out and a last block says how many incidents that was."""
    if not items:
        text = mrkdwn(empty_line(period), SLACK_TEXT_MAX)
        return {"text": text, "blocks": [_section(text)]}
    summary_text = totals_line(digest_totals(items))
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": truncate(digest_title(period), SLACK_HEADER_MAX),
            },
        },
        _section(mrkdwn(summary_text, SLACK_TEXT_MAX)),
    ]
    sections = _digest_sections(items)
    room = SLACK_MAX_BLOCKS - len(blocks)
    if len(sections) > room:
        sections = sections[: room - 1]
        left_out = len(items) - sum(count for _, count in sections)
        note = (
            f"ほか {left_out}件は Slack の上限のため省略しました (owabi incidents で確認できます)"
        )
        blocks += [_section(text) for text, _ in sections]
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    else:
        blocks += [_section(text) for text, _ in sections]
    fallback = mrkdwn(f"{digest_title(period)}: {summary_text}", SLACK_TEXT_MAX)
    return {"text": fallback, "blocks": blocks}
