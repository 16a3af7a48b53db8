"""Recording a parsed notice: attach it to an incident (new or merged) and enqueue
the alerts its event triggers, all inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from alerts.message import alert_key
from alerts.rules import Event, RulesConfig, matches
from collector.incidents.merge import Candidate, find_match, merge_facts, significant_changes
from collector.store import queries
from collector.store.models import IncidentRecord, NoticeRecord
from parsers.orgname import org_key
from parsers.schema import Incident


@dataclass(frozen=True)
class Recorded:
    """What storing one notice did."""

    notice_id: int
    incident_id: int | None
    event: Event | None
    changes: tuple[str, ...]
    alerts_enqueued: int


def tags_of(
    source_ids: Iterable[str], source_tags: Mapping[str, Collection[str]]
) -> frozenset[str]:
    """The tags of the sources that carried an incident's notices (a source no longer
    configured contributes none)."""
    return frozenset(tag for sid in source_ids for tag in source_tags.get(sid, ()))


def _apply(record: IncidentRecord, facts: Incident, now: dt.datetime) -> None:
    record.organization = facts.organization
    record.org_key = org_key(facts.organization) if facts.organization else None
    record.title = facts.title
    record.published = facts.published
    record.people_affected = facts.people_affected
    record.cards_affected = facts.cards_affected
    record.card_data_leaked = facts.card_data_leaked
    record.data = facts.to_json_dict()
    record.updated_at = now


def _attach(
    session: Session, facts: Incident, now: dt.datetime
) -> tuple[IncidentRecord, Event | None, list[str], Incident]:
    """The incident this notice belongs to, the event it causes, and the merged facts."""
    key = org_key(facts.organization) if facts.organization else None
    rows = queries.incidents_for_org(session, key) if key else []
    candidates = [
        Candidate(r.id, Incident.model_validate(r.data), r.created_at.date()) for r in rows
    ]
    match = find_match(facts, now.date(), candidates)
    if match is None:
        record = IncidentRecord(history=[], created_at=now)
        _apply(record, facts, now)
        session.add(record)
        session.flush()
        return record, "new", [], facts
    record = next(r for r in rows if r.id == match)
    old = Incident.model_validate(record.data)
    merged = merge_facts(old, facts)
    changes = significant_changes(old, merged)
    record.history = [*record.history, record.data]
    _apply(record, merged, now)
    return record, ("update" if changes else None), changes, merged


def _enqueue(
    session: Session,
    rules: RulesConfig,
    record: IncidentRecord,
    facts: Incident,
    event: Event,
    notice: NoticeRecord,
    changes: list[str],
    now: dt.datetime,
    source_tags: Mapping[str, Collection[str]],
) -> int:
    links = [n.url for n in record.notices if n.url] or [notice.url]
    sources = sorted({n.source_id for n in record.notices} | {notice.source_id})
    tags = tags_of(sources, source_tags)
    # An update is keyed by the notice that caused it, so each real update alerts once.
    revision = notice.id if event == "update" else None
    count = 0
    for rule in rules.rules:
        if not matches(rule, facts, event=event, tags=tags):
            continue
        for channel in rule.channels:
            if not rules.channels[channel].each:
                continue  # a digest-only channel: the digest lists the incident later
            inserted = queries.insert_delivery(
                session,
                {
                    "key": alert_key(record.id, rule.name, channel, event, revision=revision),
                    "incident_id": record.id,
                    "rule": rule.name,
                    "channel": channel,
                    "event": event,
                    "status": "pending",
                    "attempts": 0,
                    "payload": {
                        "incident": facts.to_json_dict(),
                        "links": links,
                        "sources": sources,
                        "changes": changes,
                    },
                    "created_at": now,
                    "next_attempt_at": now,
                },
            )
            count += int(inserted)
    return count


def record_notice(
    session: Session,
    *,
    rules: RulesConfig,
    source_id: str,
    url: str,
    content_hash: str,
    media_type: str | None,
    entry_title: str | None,
    facts: Incident,
    now: dt.datetime,
    source_tags: Mapping[str, Collection[str]] | None = None,
) -> Recorded:
    """Store the notice, attach it to an incident and enqueue the event's alerts.

    `source_tags` maps every configured source id to its tags, so that rules restricted
    to tags see the tags of all sources that carried the incident, not only this one.
    """
    notice = NoticeRecord(
        source_id=source_id,
        url=url,
        content_hash=content_hash,
        media_type=media_type,
        entry_title=entry_title,
        is_incident=facts.is_incident,
        organization=facts.organization,
        published=facts.published,
        data=facts.to_json_dict(),
        fetched_at=now,
    )
    session.add(notice)
    if not facts.is_incident:
        session.flush()
        return Recorded(notice.id, None, None, (), 0)
    record, event, changes, merged = _attach(session, facts, now)
    notice.incident = record
    session.flush()
    enqueued = 0
    if event is not None:
        enqueued = _enqueue(
            session, rules, record, merged, event, notice, changes, now, source_tags or {}
        )
    return Recorded(notice.id, record.id, event, tuple(changes), enqueued)
