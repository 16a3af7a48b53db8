"""Stored incidents that pass a filter, newest first, a page at a time: what the web
pages, the feed, the API and the exports list."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from collector.incidents.filters import IncidentFilter
from collector.incidents.record import tags_of
from collector.store import queries
from collector.store.models import IncidentRecord

CHUNK = 200


@dataclass(frozen=True)
class Page:
    items: list[IncidentRecord]
    # The id to pass as `before` for the next page; None on the last one.
    next_cursor: int | None


def select_incidents(
    session: Session,
    flt: IncidentFilter,
    source_tags: Mapping[str, Collection[str]],
    *,
    limit: int | None,
    before: int | None = None,
) -> Page:
    """Up to `limit` incidents (None: all) passing `flt`, newest first, older than the
    incident `before`. Numeric conditions are asked of the store; the rest (categories,
    organization, tags, watchlist, stage) are checked here, a chunk of rows at a time."""
    found: list[IncidentRecord] = []
    cursor = before
    while True:
        rows = queries.incidents_before(
            session,
            cursor,
            CHUNK,
            min_people=flt.min_people,
            min_cards=flt.min_cards,
            card_data=flt.card_data,
        )
        for record in rows:
            if flt.matches(record, tags_of((n.source_id for n in record.notices), source_tags)):
                if limit is not None and len(found) == limit:
                    return Page(found, found[-1].id)
                found.append(record)
        if len(rows) < CHUNK:
            return Page(found, None)
        cursor = rows[-1].id
