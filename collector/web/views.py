"""What the pages show of a stored incident: its facts with Japanese labels and their
evidence, the evidence marked in the notice text, what each later notice changed, and
which URLs may become links. Pure functions of stored values; the templates escape."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from collector.export.describe import show
from parsers.schema import Incident

FIELD_LABELS: dict[str, str] = {
    "is_incident": "インシデント",
    "organization": "組織",
    "title": "表題",
    "published": "公表日",
    "stage": "段階",
    "categories": "種別",
    "services": "サービス",
    "people_affected": "対象人数",
    "cards_affected": "カード件数",
    "data_items": "漏えい項目",
    "card_data_leaked": "カード情報漏えい",
    "exposure_start": "漏えい期間 (開始)",
    "exposure_end": "漏えい期間 (終了)",
    "discovered": "発覚日",
    "reported_to": "報告先",
    "ppc_reportable": "個人情報保護委員会への報告対象",
    "cause": "原因",
}
SHOWN = tuple(name for name in Incident.model_fields if name in FIELD_LABELS)


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    value: str
    evidence: str | None


@dataclass(frozen=True)
class Segment:
    """A piece of notice text; `field` is set where it is the evidence of that field."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Change:
    version: int
    field: str
    before: str
    after: str


def facts(data: Mapping[str, Any]) -> list[Fact]:
    evidence: Mapping[str, str] = data.get("evidence") or {}
    return [
        Fact(name, FIELD_LABELS[name], show(name, data.get(name)), evidence.get(name))
        for name in SHOWN
    ]


def marked(text: str, evidence: Mapping[str, str]) -> list[Segment]:
    """`text` cut into segments, each field's evidence span (its first occurrence) marked;
    where two spans overlap the earlier one wins."""
    spans: list[tuple[int, int, str]] = []
    for name, span in evidence.items():
        if span and (start := text.find(span)) >= 0:
            spans.append((start, start + len(span), name))
    spans.sort()
    out: list[Segment] = []
    at = 0
    for start, end, name in spans:
        if start < at:
            continue
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], name))
        at = end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def changes(history: Sequence[Mapping[str, Any]], current: Mapping[str, Any]) -> list[Change]:
    """What each version changed from the one before: version 2 is the first update."""
    versions = [*history, current]
    found: list[Change] = []
    for number, (before, after) in enumerate(itertools.pairwise(versions), 2):
        for name in SHOWN:
            if before.get(name) != after.get(name):
                found.append(
                    Change(
                        number,
                        FIELD_LABELS[name],
                        show(name, before.get(name)),
                        show(name, after.get(name)),
                    )
                )
    return found


def month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
