"""Tables. A naming convention keeps constraint names identical on SQLite and PostgreSQL,
so that Alembic migrations behave the same on both."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _utc(value: dt.datetime | None = None) -> dt.datetime:
    return value or dt.datetime.now(dt.UTC)


class SourceState(Base):
    """What the collector remembers of a source between runs."""

    __tablename__ = "source_state"

    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    # When the daemon plans the next poll (interval, or backoff after failures): shown by
    # `owabi sources status`, and where a restarted or newly elected scheduler resumes.
    next_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # What the source's kind learned of its layout (a page's detected list selectors).
    layout: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SeenEntry(Base):
    """An entry (feed item, listing link, notice URL) is processed once per content hash."""

    __tablename__ = "seen_entry"
    __table_args__ = (UniqueConstraint("canonical_url", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), index=True)
    canonical_url: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utc)


class IncidentRecord(Base):
    """One real-world incident; notices about it point here. `data` is the latest
    merged schema object, `history` the earlier versions."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_key: Mapped[str | None] = mapped_column(String(255), index=True)
    organization: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date)
    people_affected: Mapped[int | None] = mapped_column(Integer)
    cards_affected: Mapped[int | None] = mapped_column(Integer)
    card_data_leaked: Mapped[bool] = mapped_column(Boolean, default=False)
    # The listed company's securities code, from a TDnet notice of it.
    securities_code: Mapped[str | None] = mapped_column(String(8), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utc)

    notices: Mapped[list[NoticeRecord]] = relationship(back_populates="incident")


class NoticeRecord(Base):
    """One parsed document and where it came from."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str | None] = mapped_column(String(100))
    entry_title: Mapped[str | None] = mapped_column(Text)
    is_incident: Mapped[bool] = mapped_column(Boolean)
    organization: Mapped[str | None] = mapped_column(Text)
    securities_code: Mapped[str | None] = mapped_column(String(8))
    published: Mapped[dt.date | None] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utc)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    # How copies of this notice by other routes are found (collector.incidents.likeness).
    signature: Mapped[list[int] | None] = mapped_column(JSON)
    title_key: Mapped[str | None] = mapped_column(String(255), index=True)
    # What the text says, numbers aside (collector.incidents.likeness.text_key): a page
    # whose bytes change on every poll is stored again only when this or the facts change.
    text_key: Mapped[str | None] = mapped_column(String(64))
    # The text of a notice that belongs to an incident (ordinary pages keep none): the
    # incident page marks each fact's evidence in it.
    text: Mapped[str | None] = mapped_column(Text)
    # The organization's own notice, reached from a news article that linked it: its
    # facts win over the article's where both state one.
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    incident: Mapped[IncidentRecord | None] = relationship(back_populates="notices")


class NoticeBand(Base):
    """One band key of a notice's signature: notices sharing a key are likely copies."""

    __tablename__ = "notice_band"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"))
    key: Mapped[str] = mapped_column(String(32), index=True)


class _Outbox:
    """Columns every outbox row shares: its state, its retry schedule and its claim.

    A sender first claims a due row (`claimed_by`, `claimed_until`) in a short
    transaction, sends, then marks it sent only if the claim is still its own; a lease
    that runs out (the sender crashed) makes the row due again.
    """

    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utc)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utc)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Delivery(_Outbox, Base):
    """The alert outbox: written in the transaction that records the incident event,
    sent afterwards. `key` (incident, rule, channel, event) makes a second insert a no-op."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_delivery_status_next", "status", "next_attempt_at"),
        Index("ix_delivery_rule_channel_sent", "rule", "channel", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    rule: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(128))
    event: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class DigestRun(_Outbox, Base):
    """One channel's digest for one period. `key` (channel, period end) makes each
    period's digest a single row, so a re-run, a crash or a second replica sends it once."""

    __tablename__ = "digest"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_digest_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255))
    channel: Mapped[str] = mapped_column(String(128))
    period_start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    period_end: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    label: Mapped[str] = mapped_column(Text)
    incidents: Mapped[int | None] = mapped_column(Integer)
