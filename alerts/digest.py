"""Digests: when a channel's digest is due, and what a period's digest says. Pure.

A digest lists every incident of a period once, under its first category (the one its
headline starts with), so the per-category counts add up to the total; totals sum only
the counts the notices state. Each channel module renders these into its own payload
(alerts/channels/), cleaning and escaping scraped text exactly as for single alerts.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from alerts.render import (
    STAGE_JA,
    clean_line,
    counts,
    headline,
    safe_links,
)
from parsers.schema import Category, Incident, Stage

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = typing.get_args(Weekday)
EVERY_JA = {"daily": "日次", "weekly": "週次"}
EMPTY_JA = "該当するインシデントはありませんでした"


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


_HHMM = re.compile(r"(\d{1,2}):(\d{2})")


class DigestSpec(BaseModel):
    """A periodic summary: `every` day or week, sent at `at` (HH:MM) in `timezone`.

    A daily digest sent at 09:00 covers [yesterday 09:00, today 09:00); a weekly one,
    the seven days ending at `weekday` `at`. Only the time zone makes "09:00" mean
    anything, so it is validated against the system's tz database at load time.
    """

    model_config = ConfigDict(extra="forbid")

    every: Literal["daily", "weekly"]
    at: str
    weekday: Weekday = "mon"
    timezone: str = "Asia/Tokyo"

    @field_validator("at")
    @classmethod
    def _hhmm(cls, at: str) -> str:
        match = _HHMM.fullmatch(at.strip())
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError(f"at must be a time HH:MM (00:00–23:59), not {at!r}")
        return f"{int(match[1]):02d}:{match[2]}"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, timezone: str) -> str:
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {timezone!r} (e.g. Asia/Tokyo)") from None
        return timezone

    @model_validator(mode="after")
    def _weekday_only_weekly(self) -> DigestSpec:
        if self.every == "daily" and "weekday" in self.model_fields_set:
            raise ValueError("weekday applies only to every = 'weekly'")
        return self

    @property
    def time(self) -> dt.time:
        hour, minute = self.at.split(":")
        return dt.time(int(hour), int(minute))

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


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


def describe(item: DigestItem) -> str:
    """`株式会社X: 不正アクセス (被害 12,345件) · 公表 2024-03-01 · 続報`, one clean line."""
    inc = item.incident
    parts = [" ".join(p for p in (headline(inc), counts(inc)) if p)]
    if inc.published:
        parts.append(f"公表 {inc.published.isoformat()}")
    if inc.stage is not Stage.REPORT:
        parts.append(STAGE_JA[inc.stage])
    return clean_line(" · ".join(parts))


def first_link(item: DigestItem) -> str | None:
    links = safe_links(item.links)
    return links[0] if links else None


def digest_title(period: Period) -> str:
    return clean_line(f"owabi {period.label}")


def empty_line(period: Period) -> str:
    return f"{digest_title(period)}: {EMPTY_JA}"
