"""Every query of the store. Each takes a Session and never commits: the caller's
`with sessions.begin():` is the unit of work, so a notice, its incident and its alert
rows land together. Sections follow the tables: sources, entries, incidents, outbox."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, Row, Table, bindparam, func, insert, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import Executable
from sqlalchemy.sql.dml import ReturningInsert

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

from collector.store.models import (
    Delivery,
    DigestRun,
    IncidentRecord,
    NoticeBand,
    NoticeRecord,
    SeenEntry,
    SourceState,
)

RETRY = "retry"
# The newest notices looked at as copies of a new one.
COPY_CANDIDATES = 50
Outbox = type[Delivery] | type[DigestRun]


def _core(session: Session, stmt: Executable, params: Any = None) -> CursorResult[Any]:
    """Run a Core statement on the session's connection, inside its transaction. The
    hot statements of a pass (several per changed listing) go this way: through
    `Session.execute` each paid for ORM-enabled execution it has no use for, more than
    SQLite takes to run it. Nothing is autoflushed: the callers read and write tables
    whose ORM objects are not pending at that point."""
    return session.connection().execute(stmt, params)


def _insert(session: Session, model: type[Any] | Table) -> postgresql.Insert | sqlite.Insert:
    """INSERT for the session's dialect, so ON CONFLICT DO NOTHING works on both."""
    return _dialect_insert(session.get_bind().dialect.name, model)


def _dialect_insert(dialect: str, model: type[Any] | Table) -> postgresql.Insert | sqlite.Insert:
    """PostgreSQL's dialect package is imported only for a PostgreSQL store: it imports
    every PostgreSQL driver's module, a start-up cost every SQLite command paid."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model)


_NOTICE = cast(Table, NoticeRecord.__table__)


# --- Sources ----------------------------------------------------------------------------


def source_state(session: Session, source_id: str, url: str) -> SourceState:
    state = session.get(SourceState, source_id)
    if state is None:
        state = SourceState(source_id=source_id, url=url, consecutive_failures=0)
        session.add(state)
    elif state.url != url:
        # A changed URL invalidates the validators that belonged to the old one.
        state.url, state.etag, state.last_modified = url, None, None
    return state


def save_source_states(session: Session, states: Sequence[Mapping[str, object]]) -> None:
    """Insert or update source state rows (each with its source_id); the columns a row
    leaves out keep their stored values. Rows of one shape go in one executemany."""
    dialect = session.get_bind().dialect.name
    shapes: dict[tuple[str, ...], list[dict[str, object]]] = {}
    for state in states:
        shapes.setdefault(tuple(state), []).append(dict(state))
    for columns, rows in shapes.items():
        session.execute(_state_upsert(dialect, columns), rows)


@functools.cache
def _state_upsert(dialect: str, columns: tuple[str, ...]) -> postgresql.Insert | sqlite.Insert:
    """The upsert of `columns`, built once per column set: building it (the `excluded`
    alias above all) cost more than running it, once per source and pass."""
    table = cast(Table, SourceState.__table__)
    stmt = _dialect_insert(dialect, table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.source_id],
        set_={name: stmt.excluded[name] for name in columns if name != "source_id"},
    )


def all_source_states(session: Session) -> dict[str, SourceState]:
    return {s.source_id: s for s in session.scalars(select(SourceState))}


def forget_next_run(session: Session, source_id: str) -> None:
    """A source no longer scheduled: `owabi sources status` shows no next run."""
    state = session.get(SourceState, source_id)
    if state is not None:
        state.next_run_at = None


# --- Entries ----------------------------------------------------------------------------


@dataclass
class Seen:
    """What the store knows of a listing's entries: the (canonical URL, content hash)
    pairs that are done, and every URL seen in any version (a URL never seen has no
    earlier notice to compare a new version with)."""

    done: set[tuple[str, str]]
    urls: set[str]


def done_entries(session: Session, keys: Sequence[tuple[str, str]], chunk: int = 400) -> Seen:
    """Which entries are done and which URLs are known, in a few queries for a listing."""
    seen = Seen(set(), set())
    urls = sorted({url for url, _ in keys})
    for start in range(0, len(urls), chunk):
        rows = _core(session, _ENTRIES_OF_URLS, {"urls": urls[start : start + chunk]})
        for row in rows:
            seen.urls.add(row.canonical_url)
            if row.outcome != RETRY:
                seen.done.add((row.canonical_url, row.content_hash))
    return seen


# Built once: a statement built per call cost more than running it.
_ENTRIES_OF_URLS = select(SeenEntry.canonical_url, SeenEntry.content_hash, SeenEntry.outcome).where(
    SeenEntry.canonical_url.in_(bindparam("urls", expanding=True))
)


def record_new_entries(
    session: Session,
    *,
    source_id: str,
    entries: Sequence[tuple[str, str, str | None]],
    outcome: str,
    now: dt.datetime,
) -> None:
    """Entries seen for the first time and settled at once (the archive of a first pass):
    one executemany of INSERT … ON CONFLICT DO NOTHING for a whole listing instead of a
    lookup and an ORM insert each. Each entry: (canonical URL, content hash, title). An
    entry already stored (one waiting for a retry) keeps its row.

    A single-row statement on the table, not a multi-row VALUES: its compiled form is
    cached, where a VALUES list of each listing's length was compiled anew every time."""
    if not entries:
        return
    values = [
        _entry_row(source_id, url, digest, title, outcome, None, now)
        for url, digest, title in entries
    ]
    table = cast(Table, SeenEntry.__table__)
    _core(session, _insert(session, table).on_conflict_do_nothing(), values)


def record_entry(
    session: Session,
    *,
    source_id: str,
    canonical_url: str,
    content_hash: str,
    title: str | None,
    outcome: str,
    now: dt.datetime,
    detail: str | None = None,
) -> int:
    """Record what became of an entry, in one upsert; returns how many times it has been
    attempted, this time included. A failed attempt past the limit is marked with
    `give_up`."""
    dialect = session.get_bind().dialect.name
    row = _entry_row(source_id, canonical_url, content_hash, title, outcome, detail, now)
    attempts: int = _core(session, _entry_upsert(dialect), row).scalar_one()
    return attempts


def _entry_row(
    source_id: str,
    canonical_url: str,
    content_hash: str,
    title: str | None,
    outcome: str,
    detail: str | None,
    now: dt.datetime,
) -> dict[str, object]:
    """A seen_entry row at its first attempt."""
    return {
        "source_id": source_id,
        "canonical_url": canonical_url,
        "content_hash": content_hash,
        "title": title,
        "outcome": outcome,
        "detail": detail,
        "attempts": 1,
        "first_seen_at": now,
    }


def give_up(session: Session, canonical_url: str, content_hash: str) -> None:
    """An entry that failed too often: settled as failed, never retried."""
    session.execute(
        update(SeenEntry)
        .where(SeenEntry.canonical_url == canonical_url, SeenEntry.content_hash == content_hash)
        .values(outcome="failed")
    )


@functools.cache
def _entry_upsert(dialect: str) -> ReturningInsert[Any]:
    """One statement per read entry (a lookup and an ORM insert were two, and a flush)."""
    table = cast(Table, SeenEntry.__table__)
    stmt = _dialect_insert(dialect, table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.canonical_url, table.c.content_hash],
        set_={
            "outcome": stmt.excluded.outcome,
            "detail": stmt.excluded.detail,
            "attempts": table.c.attempts + 1,
        },
    ).returning(table.c.attempts)


# --- Incidents --------------------------------------------------------------------------


def incident(session: Session, incident_id: int) -> IncidentRecord | None:
    return session.get(IncidentRecord, incident_id)


def incident_ids(session: Session) -> Sequence[int]:
    return session.scalars(select(IncidentRecord.id)).all()


def incidents_before(
    session: Session,
    before: int | None,
    size: int,
    *,
    min_people: int | None = None,
    min_cards: int | None = None,
    card_data: bool | None = None,
) -> Sequence[IncidentRecord]:
    """Up to `size` incidents older than the incident `before` (None: the newest), newest
    first, with their notices, passing the numeric conditions given."""
    stmt = (
        select(IncidentRecord)
        .options(selectinload(IncidentRecord.notices))
        .order_by(IncidentRecord.id.desc())
        .limit(size)
    )
    if before is not None:
        stmt = stmt.where(IncidentRecord.id < before)
    if min_people is not None:
        stmt = stmt.where(IncidentRecord.people_affected >= min_people)
    if min_cards is not None:
        stmt = stmt.where(IncidentRecord.cards_affected >= min_cards)
    if card_data is not None:
        stmt = stmt.where(IncidentRecord.card_data_leaked.is_(card_data))
    return session.scalars(stmt).all()


def deliveries_of(session: Session, incident_id: int) -> Sequence[Delivery]:
    """The alerts enqueued for an incident, oldest first."""
    return session.scalars(
        select(Delivery).where(Delivery.incident_id == incident_id).order_by(Delivery.id)
    ).all()


def incidents_for_org(session: Session, org_key: str) -> Sequence[IncidentRecord]:
    return session.scalars(select(IncidentRecord).where(IncidentRecord.org_key == org_key)).all()


def incidents_for_code(session: Session, code: str) -> Sequence[IncidentRecord]:
    """Incidents of the listed company with securities code `code`."""
    return session.scalars(
        select(IncidentRecord).where(IncidentRecord.securities_code == code)
    ).all()


def list_incidents(session: Session, limit: int | None = 50) -> Sequence[IncidentRecord]:
    return session.scalars(
        select(IncidentRecord).order_by(IncidentRecord.id.desc()).limit(limit)
    ).all()


def last_notice(session: Session, source_id: str, url: str) -> NoticeRecord | None:
    """The newest notice stored from `url` by this source."""
    return session.scalars(
        select(NoticeRecord)
        .where(NoticeRecord.source_id == source_id, NoticeRecord.url == url)
        .order_by(NoticeRecord.id.desc())
        .limit(1)
    ).first()


def notices_of(session: Session, incident_id: int) -> Sequence[NoticeRecord]:
    return session.scalars(
        select(NoticeRecord)
        .where(NoticeRecord.incident_id == incident_id)
        .order_by(NoticeRecord.id)
    ).all()


def insert_notice(session: Session, values: Mapping[str, object]) -> int:
    """A notice row by one INSERT … RETURNING id. An ORM insert costs a unit-of-work
    flush (about 1 ms), and most notices of a pass are ordinary pages that need no
    object: the incident path loads one when it needs it."""
    notice_id: int = _core(session, _INSERT_NOTICE, dict(values)).scalar_one()
    return notice_id


_INSERT_NOTICE = insert(_NOTICE).returning(_NOTICE.c.id)


def attach_notice(
    session: Session, notice_id: int, incident_id: int, *, text: str | None = None
) -> None:
    """A notice becomes one of an incident's, with its text kept for the incident page."""
    session.execute(
        update(NoticeRecord)
        .where(NoticeRecord.id == notice_id)
        .values(incident_id=incident_id, text=text)
    )


def add_band_keys(session: Session, notice_id: int, keys: Sequence[str]) -> None:
    """One executemany: as ORM objects the keys cost a flush of one object each."""
    if keys:
        table = cast(Table, NoticeBand.__table__)
        _core(session, insert(table), [{"notice_id": notice_id, "key": key} for key in keys])


def copy_candidates(
    session: Session, keys: Sequence[str], title_key: str | None, *, exclude: int
) -> list[Row[Any]]:
    """Notices attached to an incident that share a band key or the title key with a new
    notice (`exclude`): the candidates for being copies of it, the newest COPY_CANDIDATES, oldest
    first, as rows of what comparing them takes (`_CANDIDATES`).

    One query, with the incident condition inside it: boilerplate shared by many ordinary
    notices (a site's footer, a recurring title) must not fill the limit before the
    incident notices are looked at, and each ordinary notice costs one statement here."""
    if not keys and not title_key:
        return []
    params = {"keys": list(keys), "title_key": title_key, "exclude": exclude}
    newest = _core(session, _CANDIDATES, params).all()
    return sorted(newest, key=lambda n: n.id)


_notice = _NOTICE.c
# A NULL title key matches nothing; an empty key list is an empty IN.
_CANDIDATES = (
    select(
        _notice.id,
        _notice.incident_id,
        _notice.organization,
        _notice.published,
        _notice.fetched_at,
        _notice.signature,
        _notice.title_key,
    )
    .where(
        or_(
            _notice.id.in_(
                select(NoticeBand.notice_id).where(
                    NoticeBand.key.in_(bindparam("keys", expanding=True))
                )
            ),
            _notice.title_key == bindparam("title_key"),
        ),
        _notice.incident_id.is_not(None),
        _notice.id != bindparam("exclude"),
    )
    .order_by(_notice.id.desc())
    .limit(COPY_CANDIDATES)
)


def absorb_incident(session: Session, keep: IncidentRecord, other: IncidentRecord) -> None:
    """Move `other`'s notices and alert rows to `keep`, then delete `other`: two incidents
    found to be one."""
    session.execute(
        update(NoticeRecord).where(NoticeRecord.incident_id == other.id).values(incident_id=keep.id)
    )
    session.execute(
        update(Delivery).where(Delivery.incident_id == other.id).values(incident_id=keep.id)
    )
    session.delete(other)
    session.flush()
    session.expire(keep, ["notices"])


def incidents_first_seen(
    session: Session, start: dt.datetime, end: dt.datetime
) -> Sequence[IncidentRecord]:
    """Incidents first recorded in [start, end), oldest first (a digest's period)."""
    return session.scalars(
        select(IncidentRecord)
        .where(IncidentRecord.created_at >= start, IncidentRecord.created_at < end)
        .order_by(IncidentRecord.id)
    ).all()


# --- Outbox: alerts and digests ---------------------------------------------------------


def insert_delivery(session: Session, values: dict[str, Any]) -> bool:
    """Insert an alert row unless its key exists; True when this call inserted it.

    ON CONFLICT DO NOTHING makes a second process or a re-run a no-op instead of an error.
    """
    stmt = (
        _insert(session, Delivery)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Delivery.id)
    )
    return session.execute(stmt).first() is not None


def insert_digest(session: Session, values: dict[str, Any]) -> None:
    """A period's digest row, unless it exists: a re-run or another replica adds nothing."""
    session.execute(
        _insert(session, DigestRun).values(**values).on_conflict_do_nothing(index_elements=["key"])
    )


def digest_row(session: Session, key: str) -> DigestRun:
    return session.scalars(select(DigestRun).where(DigestRun.key == key)).one()


def due_filter(model: Outbox, now: dt.datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        model.status == "pending",
        model.next_attempt_at <= now,
        or_(model.claimed_until.is_(None), model.claimed_until <= now),
    )


def due_channels(session: Session, now: dt.datetime) -> list[str]:
    """Channels with alert rows due now, by name."""
    names = session.scalars(
        select(Delivery.channel).distinct().where(*due_filter(Delivery, now))
    ).all()
    return sorted(names)


def claim_next(
    session: Session,
    model: Outbox,
    *,
    worker: str,
    now: dt.datetime,
    lease: float,
    after_id: int = 0,
    where: Sequence[ColumnElement[bool]] = (),
) -> Any:
    """Claim the oldest due, unclaimed row (id > after_id) for `worker`; None if none.

    PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED locks one row that no other transaction
    holds, then the UPDATE stamps it. SQLite: one UPDATE … WHERE id IN (SELECT … LIMIT 1)
    runs under the database's single write lock, and the due conditions are repeated on
    the UPDATE, so a row claimed by someone else in between is never taken over.
    """
    due = (*due_filter(model, now), *where)
    pick = select(model.id).where(*due, model.id > after_id).order_by(model.id).limit(1)
    stamp = {"claimed_by": worker, "claimed_until": now + dt.timedelta(seconds=lease)}
    if session.get_bind().dialect.name == "postgresql":
        row_id = session.scalars(pick.with_for_update(skip_locked=True)).first()
        if row_id is None:
            return None
        session.execute(
            update(model)
            .where(model.id == row_id)
            .values(**stamp)
            .execution_options(synchronize_session=False)
        )
    else:
        row_id = session.execute(
            update(model)
            .where(model.id.in_(pick.scalar_subquery()), *due)
            .values(**stamp)
            .returning(model.id)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if row_id is None:
            return None
    return session.get(model, row_id, populate_existing=True)


def owned_by(session: Session, model: Outbox, row_id: int, worker: str) -> Any:
    """The row, locked, if `worker` still holds its claim; None if the lease was lost."""
    row = cast(
        "Delivery | DigestRun | None",
        session.get(model, row_id, with_for_update=True, populate_existing=True),
    )
    return row if row is not None and row.claimed_by == worker else None


def sent_times(session: Session, rule: str, channel: str, since: dt.datetime) -> list[dt.datetime]:
    """When the rule's alerts on the channel were sent after `since` (for throttles)."""
    sent = session.scalars(
        select(Delivery.sent_at).where(
            Delivery.rule == rule,
            Delivery.channel == channel,
            Delivery.status == "sent",
            Delivery.sent_at > since,
        )
    ).all()
    return [t for t in sent if t is not None]


def pending_count(session: Session) -> int:
    """Alerts waiting in the outbox (the outbox depth metric)."""
    count = session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.status == "pending")
    )
    return count or 0


def parked(session: Session, model: Outbox, ids: set[int] | None = None) -> Sequence[Any]:
    """Rows given up on (all, or those of `ids` that are parked), oldest first."""
    query = select(model).where(model.status == "parked")
    if ids is not None:
        query = query.where(model.id.in_(ids))
    return session.scalars(query.order_by(model.id)).all()
