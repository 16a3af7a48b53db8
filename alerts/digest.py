"""Digests: which period is due, and the period's incidents rendered per channel. Pure.

A digest lists every incident of a period once, under its first category (the one its
headline starts with), so the per-category counts add up to the total; totals sum only
the counts the notices state. Scraped text is cleaned and escaped exactly as in the
per-alert renderers (`alerts.render`), and Slack's block and text limits are kept by
leaving out the tail with a line saying how many were left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from alerts.render import (
    CATEGORY_JA,
    SLACK_HEADER_MAX,
    SLACK_MAX_BLOCKS,
    SLACK_TEXT_MAX,
    STAGE_JA,
    SUBJECT_MAX,
    clean_line,
    counts,
    headline,
    mime_message,
    mrkdwn,
    mrkdwn_escape,
    safe_links,
    truncate,
)
from alerts.rules import WEEKDAYS, DigestSpec
from parsers.schema import Category, Incident, Stage

EVERY_JA = {"daily": "日次", "weekly": "週次"}
EMPTY_JA = "該当するインシデントはありませんでした"
_LINE_MAX = 300  # one incident's text in a Slack line, before its link
_SLACK_LINK_MAX = 500  # longer links are left out of a Slack line rather than cut


@dataclass(frozen=True)
class Period:
    """[start, end) as UTC instants; `label` names it for people, in the digest's zone.

    UTC because Python compares and subtracts two datetimes of the same zone by wall
    clock, which is wrong across a DST change; instants also compare directly with the
    store's UTC timestamps.
    """

    start: dt.datetime
    end: dt.datetime
    label: str


@dataclass(frozen=True)
class DigestItem:
    """One incident of the period, as stored: what a digest line is made of."""

    incident_id: int
    incident: Incident
    links: tuple[str, ...]
    first_seen: dt.datetime


@dataclass(frozen=True)
class DigestTotals:
    """`people`/`cards` sum the stated counts; `*_stated` say how many incidents stated one."""

    incidents: int
    people: int
    cards: int
    people_stated: int
    cards_stated: int


# --- Periods ----------------------------------------------------------------------------


def _send_time(day: dt.date, spec: DigestSpec) -> dt.datetime:
    return dt.datetime.combine(day, spec.time, tzinfo=spec.tz)


def due_period(spec: DigestSpec, now: dt.datetime) -> Period:
    """The most recent completed period whose send time is at or before `now`.

    Daily: [yesterday `at`, today `at`) once today's `at` has passed, else the day before.
    Weekly: the seven days ending at the last `weekday` `at`. Send times are wall-clock
    times in the spec's zone, so a period spanning a DST change is 23 or 25 hours long.
    Raises ValueError for a naive `now`.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    instant = now.astimezone(dt.UTC)
    today = now.astimezone(spec.tz).date()
    if spec.every == "daily":
        step = dt.timedelta(days=1)
        day = today
    else:
        step = dt.timedelta(days=7)
        day = today - dt.timedelta(days=(today.weekday() - WEEKDAYS.index(spec.weekday)) % 7)
    if _send_time(day, spec) > instant:
        day -= step
    start, end = _send_time(day - step, spec), _send_time(day, spec)
    label = (
        f"{EVERY_JA[spec.every]}ダイジェスト {start:%Y-%m-%d %H:%M} 〜 {end:%Y-%m-%d %H:%M}"
        f" ({spec.timezone})"
    )
    return Period(start=start.astimezone(dt.UTC), end=end.astimezone(dt.UTC), label=label)


# --- Shared content ---------------------------------------------------------------------


def primary_category(incident: Incident) -> Category:
    """The category an incident is listed under: its first, or その他 when it has none."""
    return incident.categories[0] if incident.categories else Category.OTHER


def group_by_category(items: Sequence[DigestItem]) -> list[tuple[Category, list[DigestItem]]]:
    """Groups in the schema's category order, each in order of first sighting."""
    groups: dict[Category, list[DigestItem]] = {}
    for item in sorted(items, key=lambda i: (i.first_seen, i.incident_id)):
        groups.setdefault(primary_category(item.incident), []).append(item)
    return [(category, groups[category]) for category in Category if category in groups]


def digest_totals(items: Sequence[DigestItem]) -> DigestTotals:
    people = [i.incident.people_affected for i in items if i.incident.people_affected is not None]
    cards = [i.incident.cards_affected for i in items if i.incident.cards_affected is not None]
    return DigestTotals(len(items), sum(people), sum(cards), len(people), len(cards))


def totals_line(totals: DigestTotals) -> str:
    """`合計 3件 · 被害 計 12,345件 · カード 計 1,938件` (unstated sums left out)."""
    parts = [f"合計 {totals.incidents}件"]
    if totals.people_stated:
        parts.append(f"被害 計 {totals.people:,}件")
    if totals.cards_stated:
        parts.append(f"カード 計 {totals.cards:,}件")
    return " · ".join(parts)


def _describe(item: DigestItem) -> str:
    """`株式会社X: 不正アクセス (被害 12,345件) · 公表 2024-03-01 · 続報`, one clean line."""
    inc = item.incident
    parts = [" ".join(p for p in (headline(inc), counts(inc)) if p)]
    if inc.published:
        parts.append(f"公表 {inc.published.isoformat()}")
    if inc.stage is not Stage.REPORT:
        parts.append(STAGE_JA[inc.stage])
    return clean_line(" · ".join(parts))


def _first_link(item: DigestItem) -> str | None:
    links = safe_links(item.links)
    return links[0] if links else None


def _title(period: Period) -> str:
    return clean_line(f"owabi {period.label}")


def _empty_line(period: Period) -> str:
    return f"{_title(period)}: {EMPTY_JA}"


# --- Slack ------------------------------------------------------------------------------


def _slack_line(item: DigestItem) -> str:
    text = mrkdwn(_describe(item), _LINE_MAX)
    url = _first_link(item)
    if url is None or len(url) > _SLACK_LINK_MAX:
        return f"• {text}"
    # `|` and `>` cannot reach the URL (safe_url percent-encodes them); `&` is escaped.
    return f"• <{mrkdwn_escape(url)}|{text}>"


def _slack_sections(items: Sequence[DigestItem]) -> list[tuple[str, int]]:
    """(mrkdwn text, incidents in it) per section, each within SLACK_TEXT_MAX."""
    sections: list[tuple[str, int]] = []
    for category, members in group_by_category(items):
        name = CATEGORY_JA[category]
        text, count = f"*{name}* ({len(members)}件)", 0
        for item in members:
            line = _slack_line(item)
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
        text = mrkdwn(_empty_line(period), SLACK_TEXT_MAX)
        return {"text": text, "blocks": [_section(text)]}
    summary_text = totals_line(digest_totals(items))
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": truncate(_title(period), SLACK_HEADER_MAX)},
        },
        _section(mrkdwn(summary_text, SLACK_TEXT_MAX)),
    ]
    sections = _slack_sections(items)
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
    fallback = mrkdwn(f"{_title(period)}: {summary_text}", SLACK_TEXT_MAX)
    return {"text": fallback, "blocks": blocks}


# --- E-mail -----------------------------------------------------------------------------


def digest_subject(items: Sequence[DigestItem], period: Period) -> str:
    count = f"{len(items)}件" if items else "該当なし"
    return truncate(clean_line(f"[owabi] {period.label}: {count}"), SUBJECT_MAX)


def _message_id(items: Sequence[DigestItem], period: Period) -> str:
    """Derived from the period and its incidents, so a retried send is the same message."""
    parts = [period.start.isoformat(), period.end.isoformat(), sorted(i.incident_id for i in items)]
    digest = hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()[:40]
    return f"<digest-{digest}@owabi.invalid>"


def _digest_text(items: Sequence[DigestItem], period: Period) -> str:
    if not items:
        return _empty_line(period) + "\n"
    lines = [_title(period), totals_line(digest_totals(items))]
    for category, members in group_by_category(items):
        lines += ["", f"■ {CATEGORY_JA[category]} ({len(members)}件)"]
        for item in members:
            lines.append(f"- {_describe(item)}")
            lines += [f"  {url}" for url in safe_links(item.links)]
    return "\n".join(lines) + "\n"


def _digest_html(items: Sequence[DigestItem], period: Period) -> str:
    esc = html.escape
    head = '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head><body>'
    if not items:
        return f"{head}<p>{esc(_empty_line(period))}</p></body></html>\n"
    body = [f"<h2>{esc(_title(period))}</h2><p>{esc(totals_line(digest_totals(items)))}</p>"]
    for category, members in group_by_category(items):
        body.append(f"<h3>{esc(CATEGORY_JA[category])} ({len(members)}件)</h3><ul>")
        for item in members:
            url = _first_link(item)
            text = esc(_describe(item))
            body.append(f'<li><a href="{esc(url)}">{text}</a></li>' if url else f"<li>{text}</li>")
        body.append("</ul>")
    return head + "".join(body) + "</body></html>\n"


def digest_email_message(
    items: Sequence[DigestItem], period: Period, *, sender: str, to: list[str]
) -> EmailMessage:
    """multipart/alternative like a per-alert mail; Date is left to the sender."""
    return mime_message(
        subject=digest_subject(items, period),
        sender=sender,
        to=to,
        message_id=_message_id(items, period),
        text=_digest_text(items, period),
        html_body=_digest_html(items, period),
    )


# --- Console and webhook ----------------------------------------------------------------


def digest_console_text(items: Sequence[DigestItem], period: Period) -> str:
    """A few lines per category for a terminal; one line for an empty period."""
    if not items:
        return f"[owabi] {clean_line(period.label)}: {EMPTY_JA}"
    lines = [f"[owabi] {clean_line(period.label)} — {totals_line(digest_totals(items))}"]
    for category, members in group_by_category(items):
        lines.append(f"  {CATEGORY_JA[category]} ({len(members)}件)")
        for item in members:
            lines.append(f"    {truncate(_describe(item), 200)}")
            url = _first_link(item)
            if url:
                lines.append(f"      {url}")
    return "\n".join(lines)


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
