"""Pure decisions about incidents: which stored incident a new notice belongs to,
what the merged facts are, and whether the change is worth an `update` alert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.orgname import org_key
from parsers.schema import LIST_FIELDS, MAPPING_FIELDS, Incident, Stage

MERGE_WINDOW = dt.timedelta(days=120)


@dataclass(frozen=True)
class Candidate:
    """A stored incident that could absorb a notice."""

    id: int
    facts: Incident
    first_seen: dt.date


def _anchor(facts: Incident, fallback: dt.date) -> dt.date:
    return facts.published or facts.discovered or fallback


def same_incident(notice: Incident, seen_on: dt.date, candidate: Candidate) -> bool:
    """Same organization, overlapping kind or service, and dates close together."""
    if not notice.organization or not candidate.facts.organization:
        return False
    if org_key(notice.organization) != org_key(candidate.facts.organization):
        return False
    kinds = set(notice.categories) & set(candidate.facts.categories)
    services = set(notice.services) & set(candidate.facts.services)
    if not kinds and not services:
        return False
    gap = abs(_anchor(notice, seen_on) - _anchor(candidate.facts, candidate.first_seen))
    return gap <= MERGE_WINDOW


def find_match(notice: Incident, seen_on: dt.date, candidates: Sequence[Candidate]) -> int | None:
    """The id of the closest matching incident, or None for a new one."""
    matches = [c for c in candidates if same_incident(notice, seen_on, c)]
    if not matches:
        return None
    best = min(
        matches,
        key=lambda c: abs(_anchor(notice, seen_on) - _anchor(c.facts, c.first_seen)),
    )
    return best.id


def _later_stage(a: Stage, b: Stage) -> Stage:
    order = [Stage.REPORT, Stage.UPDATE, Stage.FINAL]
    return max(a, b, key=order.index)


def merge_facts(old: Incident, new: Incident) -> Incident:
    """The latest stated values win; lists are united; nothing stated is lost to a null."""
    merged = old.model_copy(deep=True)
    for field in type(new).model_fields:
        value = getattr(new, field)
        if field in LIST_FIELDS:
            union = list(dict.fromkeys([*getattr(old, field), *value]))
            setattr(merged, field, union)
        elif field in MAPPING_FIELDS:
            setattr(merged, field, {**getattr(old, field), **value})
        elif field == "stage":
            merged.stage = _later_stage(old.stage, new.stage)
        elif field == "card_data_leaked":
            merged.card_data_leaked = old.card_data_leaked or new.card_data_leaked
        elif field == "published":
            merged.published = old.published or new.published
        elif value is not None:
            setattr(merged, field, value)
    return merged


def significant_changes(old: Incident, new: Incident) -> list[str]:
    """What makes `new` (already merged) worth an update alert over `old`."""
    changes: list[str] = []
    for field in ("people_affected", "cards_affected"):
        before, after = getattr(old, field), getattr(new, field)
        if after is not None and (before is None or after > before):
            changes.append(f"{field}: {before} → {after}")
    if new.card_data_leaked and not old.card_data_leaked:
        changes.append("card data confirmed")
    added = [c.value for c in new.categories if c not in old.categories]
    if added:
        changes.append("new categories: " + ", ".join(added))
    if new.stage is Stage.FINAL and old.stage is not Stage.FINAL:
        changes.append("final report")
    return changes
