"""Recording a parsed notice: attach it to an incident (new or merged) and enqueue
the alerts its event triggers, all inside the caller's transaction.

A notice joins an incident in two ways. It is a copy of a notice already stored (the same
words by another route: HTML page, PDF, a blog's repost, a feed's full text), found by its
text whatever its parse made of the organization; or it is about the same incident by
its facts (organization, kind and dates: collector.incidents.merge). When the two ways
point at two incidents, those were one incident all along and are merged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from alerts.message import alert_key
from alerts.rules import Event, RulesConfig, matches
from collector.incidents.likeness import (
    COPY_LIKENESS,
    SURE_COPY,
    Signature,
    band_keys,
    likeness,
    signature,
    text_key,
    title_key,
)
from collector.incidents.merge import (
    MERGE_WINDOW,
    Candidate,
    find_match,
    merge_facts,
    significant_changes,
)
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


@dataclass(frozen=True)
class Provenance:
    """What the route a notice came by says of it, beyond its text."""

    securities_code: str | None = None  # the listed company of a TDnet row
    amends: bool = False  # a correction of an earlier notice (TDnet's 訂正)
    primary: bool = False  # the organization's own notice, linked from a news article
    joins: int | None = None  # the incident of the article that linked it


def tags_of(
    source_ids: Iterable[str], source_tags: Mapping[str, Collection[str]]
) -> frozenset[str]:
    """The tags of the sources that carried an incident's notices (a source no longer
    configured contributes none)."""
    return frozenset(tag for sid in source_ids for tag in source_tags.get(sid, ()))


def incident_text(record: IncidentRecord) -> str:
    """The text of an incident's notices, for watchlists that match subsidiaries."""
    return "\n".join(n.text for n in record.notices if n.text)


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


def _same_organization(a: str | None, b: str | None) -> bool:
    """Nothing says the two are different organizations: one is unnamed, or one name
    contains the other once legal forms and spacing are set aside."""
    if not a or not b:
        return True
    ka, kb = org_key(a), org_key(b)
    return bool(ka and kb and (ka in kb or kb in ka))


def _copy_of(
    session: Session,
    notice_id: int,
    title: str | None,
    sig: Signature | None,
    facts: Incident,
    now: dt.datetime,
) -> IncidentRecord | None:
    """The incident of a stored notice that this one (`notice_id`, its title key
    `title`) is a copy of, if any: most alike by text (more alike still when the two
    parses disagree on the organization), or with the same title and organization;
    published within the merge window of each other."""
    keys = band_keys(sig) if sig is not None else []
    best: tuple[float, Row[Any]] | None = None
    for other in queries.copy_candidates(session, keys, title, exclude=notice_id):
        when = other.published or other.fetched_at.date()
        if abs((facts.published or now.date()) - when) > MERGE_WINDOW:
            continue
        same_org = _same_organization(facts.organization, other.organization)
        alike = likeness(sig, tuple(other.signature)) if sig and other.signature else 0.0
        if alike >= (COPY_LIKENESS if same_org else SURE_COPY):
            score = alike
        elif same_org and title and other.title_key == title:
            score = COPY_LIKENESS
        else:
            continue
        if best is None or score > best[0]:
            best = (score, other)
    return queries.incident(session, best[1].incident_id) if best is not None else None


def _candidates(
    session: Session, facts: Incident, securities_code: str | None
) -> tuple[list[IncidentRecord], list[Candidate]]:
    """Stored incidents of the notice's organization: by name, and by securities code,
    which names the listed company however a notice spells it."""
    key = org_key(facts.organization) if facts.organization else None
    rows = list(queries.incidents_for_org(session, key)) if key else []
    by_code = queries.incidents_for_code(session, securities_code) if securities_code else []
    rows += [r for r in by_code if r not in rows]
    candidates = []
    for r in rows:
        stored = Incident.model_validate(r.data)
        if r.org_key != key and facts.organization:
            stored = stored.model_copy(update={"organization": facts.organization})
        candidates.append(Candidate(r.id, stored, r.created_at.date()))
    return rows, candidates


def _as_correction(facts: Incident) -> Incident:
    """A correction's facts, to merge into the incident it corrects: about that incident
    whatever its parse made of a text that mostly says what was wrong (the spec counts a
    correction alone as no incident), and keeping the incident's title and date."""
    return facts.model_copy(update={"is_incident": True, "title": None, "published": None})


def _joined(session: Session, facts: Incident, joins: int | None) -> IncidentRecord | None:
    """The incident of the article that linked this notice, unless the notice names
    another organization (the link led elsewhere than its subject's notice)."""
    joined = queries.incident(session, joins) if joins is not None else None
    if joined is None or not _same_organization(facts.organization, joined.organization):
        return None
    return joined


def _primary_first(record: IncidentRecord, merged: Incident) -> Incident:
    """`merged`, with the facts of the incident's primary notices stated over it."""
    for notice in record.notices:
        if notice.is_primary:
            merged = merge_facts(merged, Incident.model_validate(notice.data))
    return merged


def _attach(
    session: Session,
    facts: Incident,
    now: dt.datetime,
    copy_of: IncidentRecord | None,
    prov: Provenance,
    stored: tuple[list[IncidentRecord], list[Candidate]],
) -> tuple[IncidentRecord, Event | None, list[str], Incident] | None:
    """The incident this notice belongs to, the event it causes, and the merged facts;
    None for a correction (`amends`) of no stored incident, which opens none. `stored`:
    the organization's incidents (`_candidates`)."""
    rows, candidates = stored
    match = find_match(facts, now.date(), candidates)
    by_facts = next((r for r in rows if r.id == match), None)
    found = _joined(session, facts, prov.joins) or copy_of or by_facts
    if found is None and prov.amends:
        # A correction names the disclosure it corrects, not always in the same words
        # or categories: it belongs to the company's latest incident, or to none.
        found = max(rows, key=lambda r: r.updated_at, default=None)
        if found is None:
            return None
    if found is None:
        fresh = IncidentRecord(history=[], created_at=now, securities_code=prov.securities_code)
        _apply(fresh, facts, now)
        session.add(fresh)
        session.flush()
        return fresh, "new", [], facts
    record = found
    old = Incident.model_validate(record.data)
    if copy_of is not None and by_facts is not None and by_facts.id != copy_of.id:
        # Reached by its words and by its facts: the two incidents were one.
        keep, gone = sorted((copy_of, by_facts), key=lambda r: r.id)
        gone_facts = Incident.model_validate(gone.data)
        old = merge_facts(Incident.model_validate(keep.data), gone_facts)
        keep.history = [*keep.history, keep.data, gone.data]
        queries.absorb_incident(session, keep, gone)
        record = keep
    if copy_of is not None and old.organization:
        # A copy cannot change who the incident happened to; its parse may have misread it.
        facts = facts.model_copy(update={"organization": old.organization})
    merged = merge_facts(old, facts)
    if not prov.primary:
        # The organization's own notice says best what it states; a later article that
        # restates a figure differently does not overrule it.
        merged = _primary_first(record, merged)
    changes = significant_changes(old, merged)
    record.history = [*record.history, record.data]
    _apply(record, merged, now)
    record.securities_code = record.securities_code or prov.securities_code
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
    # The organization's own notices first: the alert's first link is the best source.
    ordered = sorted(record.notices, key=lambda n: not n.is_primary)
    links = list(dict.fromkeys(n.url for n in ordered if n.url)) or [notice.url]
    primary = [n.url for n in ordered if n.is_primary and n.url]
    sources = sorted({n.source_id for n in record.notices} | {notice.source_id})
    tags = tags_of(sources, source_tags)
    # An update is keyed by the notice that caused it, so each real update alerts once.
    revision = notice.id if event == "update" else None
    count = 0
    # The notices' text only for a rule that reads it (a watchlist of subsidiaries); the
    # notice being recorded is one of `record.notices` already.
    text = incident_text(record) if any(r.reads_text for r in rules.rules) else None
    for rule in rules.rules:
        if not matches(rule, facts, event=event, tags=tags, code=record.securities_code, text=text):
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
                        "primary": primary,
                        "sources": sources,
                        "changes": changes,
                    },
                    "created_at": now,
                    "next_attempt_at": now,
                },
            )
            count += int(inserted)
    return count


def _facts(data: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in data.items() if k != "evidence"}


def says_nothing_new(
    session: Session, *, source_id: str, url: str, facts: Incident, text: str | None
) -> bool:
    """Whether the newest notice stored from `url` says what this version says: the same
    parsed facts and the same words, numbers aside. A page whose bytes change on every
    poll (a timestamp, a rotating banner) would otherwise add a notice row per poll."""
    last = queries.last_notice(session, source_id, url)
    if last is None or last.text_key is None or not text:
        return False
    return last.text_key == text_key(text) and _facts(last.data) == _facts(facts.to_json_dict())


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
    text: str | None = None,
    prov: Provenance = Provenance(),
    alerts: bool = True,
) -> Recorded:
    """Store the notice, attach it to an incident and enqueue the event's alerts (unless
    `alerts` is false: the caller records more notices of the incident first, then calls
    `enqueue_alerts` once).

    `source_tags` maps every configured source id to its tags, so that rules restricted
    to tags see the tags of all sources that carried the incident, not only this one.
    `prov.securities_code` (a TDnet notice's company) finds the company's incidents
    whatever name the text gives; a notice that `amends` an earlier one (TDnet's 訂正)
    joins the incident it corrects and never opens one; a `primary` notice joins the
    incident of the article that linked it (`joins`) and its facts win over the
    article's.
    """
    securities_code, amends = prov.securities_code, prov.amends
    sig = signature(text) if text else None
    title = title_key(facts.title or entry_title)
    notice_id = queries.insert_notice(
        session,
        {
            "source_id": source_id,
            "url": url,
            "content_hash": content_hash,
            "media_type": media_type,
            "entry_title": entry_title,
            "is_incident": facts.is_incident,
            "organization": facts.organization,
            "securities_code": securities_code,
            "published": facts.published,
            "data": facts.to_json_dict(),
            "fetched_at": now,
            "incident_id": None,
            "signature": list(sig) if sig is not None else None,
            "title_key": title,
            "text_key": text_key(text) if text else None,
            "text": text if facts.is_incident else None,
            "is_primary": prov.primary,
        },
    )
    copy_of = _copy_of(session, notice_id, title, sig, facts, now)
    # Looked up once: whether a correction has an incident to join, and where this goes.
    stored = _candidates(session, facts, securities_code) if amends else None
    if stored is not None and stored[0]:
        facts = _as_correction(facts)
    if not facts.is_incident and copy_of is None:
        # Only notices of incidents are candidates for copies: an ordinary page's band
        # keys would never be read (most notices of a pass are ordinary pages).
        return Recorded(notice_id, None, None, (), 0)
    if sig is not None:
        queries.add_band_keys(session, notice_id, band_keys(sig))
    if copy_of is not None and not facts.is_incident:
        # A copy of an incident's notice is attached to it, whatever this parse made of
        # the text; it changes none of the incident's facts.
        queries.attach_notice(session, notice_id, copy_of.id, text=text)
        return Recorded(notice_id, copy_of.id, None, (), 0)
    if stored is None:
        stored = _candidates(session, facts, securities_code)
    attached = _attach(session, facts, now, copy_of, prov, stored)
    if attached is None:
        return Recorded(notice_id, None, None, (), 0)
    record, event, changes, merged = attached
    notice = session.get_one(NoticeRecord, notice_id)
    notice.incident = record
    session.flush()
    enqueued = 0
    if event is not None and alerts:
        enqueued = _enqueue(
            session, rules, record, merged, event, notice, changes, now, source_tags or {}
        )
    return Recorded(notice.id, record.id, event, tuple(changes), enqueued)


def enqueue_alerts(
    session: Session,
    *,
    rules: RulesConfig,
    incident_id: int,
    event: Event,
    changes: Sequence[str],
    notice_id: int,
    now: dt.datetime,
    source_tags: Mapping[str, Collection[str]] | None = None,
) -> int:
    """The alerts of `event` for an incident whose notices were recorded with
    `alerts=False`; `notice_id` is the notice that caused it (an update's key)."""
    record = session.get_one(IncidentRecord, incident_id)
    notice = session.get_one(NoticeRecord, notice_id)
    facts = Incident.model_validate(record.data)
    return _enqueue(
        session, rules, record, facts, event, notice, list(changes), now, source_tags or {}
    )
