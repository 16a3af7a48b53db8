"""Slack incoming webhooks: Block Kit for single alerts and digests, at most one message a
second per webhook (Slack's limit), the webhook URL a secret named by the spec.

Scraped strings go only into `plain_text` objects and `rich_text` text and link elements,
which Slack shows as written: a title can never produce `<!channel>`, a user mention, a
forged `<url|label>` link, or restyle the message with `*bold*`, `_italic_`, `~strike~` or
backticks (mrkdwn has no escape for those). The notification fallback `text` is sent with
`mrkdwn: false` and `&`, `<`, `>` escaped. Slack's block, field and text limits are kept by
truncating with `…` and leaving out a digest's tail with a note.
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
    PRIMARY_JA,
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


# --- Text objects -----------------------------------------------------------------------


def mrkdwn_escape(text: str) -> str:
    """Slack's three control characters, which even non-mrkdwn `text` must escape."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fallback_text(text: str) -> str:
    """The notification text (sent with `mrkdwn: false`): clean, escape, then truncate
    without cutting an `&amp;` entity in half."""
    escaped = mrkdwn_escape(clean_line(text))
    if len(escaped) <= SLACK_TEXT_MAX:
        return escaped
    cut = escaped[: SLACK_TEXT_MAX - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def plain(text: str, limit: int = SLACK_TEXT_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": False}


def _run(text: str, *, bold: bool = False) -> dict[str, Any]:
    """A rich-text run: shown as written, never parsed as mrkdwn or a mention."""
    run: dict[str, Any] = {"type": "text", "text": text}
    if bold:
        run["style"] = {"bold": True}
    return run


def _labelled(label: str, value: str, limit: int) -> dict[str, Any]:
    """A rich-text block: our label in bold, the scraped value under it."""
    runs = [_run(label, bold=True), _run("\n" + truncate(clean_line(value), limit))]
    return {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": runs}]}


# --- Single alerts ----------------------------------------------------------------------


def slack_payload(alert: Alert) -> dict[str, Any]:
    """An incoming-webhook body: Block Kit blocks plus a plain `text` fallback."""
    inc = alert.incident
    meta = f"{STAGE_JA[inc.stage]} · 公表日 {inc.published or '不明'} · {EVENT_JA[alert.event]}"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(headline(inc), SLACK_HEADER_MAX)},
        _labelled(truncate(clean_line(incident_title(inc)), 2000), meta, 500),
    ]
    fields = [
        plain(f"{label}\n{clean_line(value)}", SLACK_FIELD_MAX)
        for label, value in facts(inc)[:SLACK_MAX_FIELDS]
    ]
    if fields:
        blocks.append({"type": "section", "fields": fields})
    blocks += [_labelled(label, value, SLACK_TEXT_MAX) for label, value in narrative(inc)]
    buttons = [
        {
            "type": "button",
            "action_id": f"notice-{index}",
            "text": plain(_button_label(index, url, url in alert.primary), SLACK_BUTTON_TEXT_MAX),
            "url": url,
        }
        for index, url in enumerate(safe_links(alert.links), start=1)
    ]
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    context = f"ルール {alert.rule} · ソース {', '.join(alert.sources) or '-'}"
    blocks.append({"type": "context", "elements": [plain(clean_line(context), 2000)]})
    return {
        "text": fallback_text(f"{summary(alert)} — {incident_title(inc)}"),
        "mrkdwn": False,
        "blocks": blocks[:SLACK_MAX_BLOCKS],
    }


def _button_label(index: int, url: str, primary: bool) -> str:
    host = urlsplit(url).hostname or ""
    name = PRIMARY_JA if primary else f"お知らせ {index}"
    return truncate(f"{name} ({host})", SLACK_BUTTON_TEXT_MAX)


# --- Digests ----------------------------------------------------------------------------


def _digest_line(item: DigestItem) -> dict[str, Any]:
    """One incident as a rich-text list item, linked to its first notice when that link
    is safe and short enough."""
    text = truncate(clean_line(describe(item)), _LINE_MAX)
    url = first_link(item)
    run = _run(text) if url is None or len(url) > _SLACK_LINK_MAX else _link(url, text)
    return {"type": "rich_text_section", "elements": [run]}


def _link(url: str, text: str) -> dict[str, Any]:
    return {"type": "link", "url": url, "text": text}


def _line_size(line: dict[str, Any]) -> int:
    run = line["elements"][0]
    return len(run["text"]) + len(run.get("url", "")) + 4


def _category_block(heading: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "rich_text",
        "elements": [
            {"type": "rich_text_section", "elements": [_run(heading, bold=True)]},
            {"type": "rich_text_list", "style": "bullet", "elements": lines},
        ],
    }


def _digest_sections(items: Sequence[DigestItem]) -> list[tuple[dict[str, Any], int]]:
    """(rich-text block, incidents in it) per category, split so that no block carries
    more than SLACK_TEXT_MAX characters."""
    sections: list[tuple[dict[str, Any], int]] = []
    for category, members in group_by_category(items):
        heading = f"{CATEGORY_JA[category]} ({len(members)}件)"
        lines: list[dict[str, Any]] = []
        size = len(heading)
        for item in members:
            line = _digest_line(item)
            if lines and size + _line_size(line) > SLACK_TEXT_MAX:
                sections.append((_category_block(heading, lines), len(lines)))
                heading = f"{CATEGORY_JA[category]} (続き)"
                lines, size = [], len(heading)
            lines.append(line)
            size += _line_size(line)
        sections.append((_category_block(heading, lines), len(lines)))
    return sections


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": plain(text)}


def digest_slack_payload(items: Sequence[DigestItem], period: Period) -> dict[str, Any]:
    """Block Kit: header, totals, one rich-text block per category (split when long). Past
    50 blocks the tail is left out and a last block says how many incidents that was."""
    if not items:
        line = empty_line(period)
        return {"text": fallback_text(line), "mrkdwn": False, "blocks": [_section(line)]}
    summary_text = totals_line(digest_totals(items))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(digest_title(period), SLACK_HEADER_MAX)},
        _section(summary_text),
    ]
    sections = _digest_sections(items)
    room = SLACK_MAX_BLOCKS - len(blocks)
    if len(sections) > room:
        sections = sections[: room - 1]
        left_out = len(items) - sum(count for _, count in sections)
        note = (
            f"ほか {left_out}件は Slack の上限のため省略しました (owabi incidents で確認できます)"
        )
        blocks += [block for block, _ in sections]
        blocks.append({"type": "context", "elements": [plain(note)]})
    else:
        blocks += [block for block, _ in sections]
    fallback = fallback_text(f"{digest_title(period)}: {summary_text}")
    return {"text": fallback, "mrkdwn": False, "blocks": blocks}
