"""Query functions. Each takes a Session and never commits: the caller owns the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from collector.store.models import Delivery, IncidentRecord, NoticeRecord, SeenEntry, SourceState

RETRY = "retry"


def source_state(session: Session, source_id: str, url: str) -> SourceState:
    state = session.get(SourceState, source_id)
    if state is None:
        state = SourceState(source_id=source_id, url=url, consecutive_failures=0)
        session.add(state)
    elif state.url != url:
        # A changed URL invalidates the validators that belonged to the old one.
        state.url, state.etag, state.last_modified = url, None, None
    return state


def all_source_states(session: Session) -> dict[str, SourceState]:
    return {s.source_id: s for s in session.scalars(select(SourceState))}


def seen_entry(session: Session, canonical_url: str, content_hash: str) -> SeenEntry | None:
    return session.scalars(
        select(SeenEntry).where(
            SeenEntry.canonical_url == canonical_url, SeenEntry.content_hash == content_hash
        )
    ).first()


def done_entries(
    session: Session, keys: Sequence[tuple[str, str]], chunk: int = 400
) -> set[tuple[str, str]]:
    """Which (canonical URL, content hash) pairs are done, in a few queries for a listing."""
    found: set[tuple[str, str]] = set()
    urls = sorted({url for url, _ in keys})
    for start in range(0, len(urls), chunk):
        rows = session.execute(
            select(SeenEntry.canonical_url, SeenEntry.content_hash).where(
                SeenEntry.canonical_url.in_(urls[start : start + chunk]),
                SeenEntry.outcome != RETRY,
            )
        )
        found.update((url, digest) for url, digest in rows)
    return found


def record_entry(
    session: Session,
    *,
    source_id: str,
    canonical_url: str,
    content_hash: str,
    title: str | None,
    outcome: str,
    detail: str | None = None,
) -> SeenEntry:
    entry = seen_entry(session, canonical_url, content_hash)
    if entry is None:
        entry = SeenEntry(
            source_id=source_id,
            canonical_url=canonical_url,
            content_hash=content_hash,
            title=title,
            attempts=0,
        )
        session.add(entry)
    entry.outcome, entry.detail = outcome, detail
    entry.attempts = (entry.attempts or 0) + 1
    return entry


def incidents_for_org(session: Session, org_key: str) -> Sequence[IncidentRecord]:
    return session.scalars(select(IncidentRecord).where(IncidentRecord.org_key == org_key)).all()


def insert_delivery(session: Session, values: dict[str, Any]) -> bool:
    """Insert an outbox row unless its key exists; True when this call inserted it.

    ON CONFLICT DO NOTHING makes a second process or a re-run a no-op instead of an error.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(Delivery)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Delivery.id)
    )
    return session.execute(stmt).first() is not None


def due_deliveries(session: Session, now: dt.datetime, limit: int = 100) -> Sequence[Delivery]:
    return session.scalars(
        select(Delivery)
        .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
        .order_by(Delivery.id)
        .limit(limit)
    ).all()


def list_incidents(session: Session, limit: int | None = 50) -> Sequence[IncidentRecord]:
    return session.scalars(
        select(IncidentRecord).order_by(IncidentRecord.id.desc()).limit(limit)
    ).all()


def notices_of(session: Session, incident_id: int) -> Sequence[NoticeRecord]:
    return session.scalars(
        select(NoticeRecord)
        .where(NoticeRecord.incident_id == incident_id)
        .order_by(NoticeRecord.id)
    ).all()
