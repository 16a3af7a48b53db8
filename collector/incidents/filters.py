"""The incident filter: one set of query parameter names for every page, feed, API call
and export, read from a query string and checked, each mistake named in one line.

    category=ransomware&category=web_skimming  any of these categories
    org=ワコム            organization contains this (normalized as merging does:
                          legal forms, width and spaces set aside)
    since=2024-01-01      published (or first seen, for an undated notice) on or after
    until=2024-12-31      … on or before
    min_people=1000       people_affected at least
    min_cards=1           cards_affected at least
    card_data=true        card data leaked (true/false)
    tag=vendor            one of its notices came from a source with this tag
    watchlist=vendors     the organization is on this alert rule's watchlist
    stage=update          report | update | final
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlencode

from alerts.rules import RulesConfig
from collector.incidents.record import incident_text
from collector.store.models import IncidentRecord
from parsers.orgname import org_key
from parsers.schema import Category, Stage

PARAMETERS = (
    "category",
    "org",
    "since",
    "until",
    "min_people",
    "min_cards",
    "card_data",
    "tag",
    "watchlist",
    "stage",
)
MAX_ORG_QUERY = 200


class BadFilter(ValueError):
    """A query parameter that cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class IncidentFilter:
    category: tuple[Category, ...] = ()
    org: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    min_people: int | None = None
    min_cards: int | None = None
    card_data: bool | None = None
    tag: str | None = None
    watchlist: str | None = None
    stage: Stage | None = None
    # Set from `watchlist` and `org` when read: what matching compares with.
    _watch: Callable[[IncidentRecord], bool] | None = field(default=None, compare=False, repr=False)
    _org_key: str | None = field(default=None, compare=False, repr=False)

    def is_empty(self) -> bool:
        return not self.query()

    def query(self) -> list[tuple[str, str]]:
        """The filter as query parameters, for links that keep it (pagination, the feed)."""
        pairs: list[tuple[str, str]] = [("category", c.value) for c in self.category]
        for f in fields(self):
            if f.name.startswith("_") or f.name == "category":
                continue
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, bool):
                pairs.append((f.name, "true" if value else "false"))
            elif isinstance(value, dt.date):
                pairs.append((f.name, value.isoformat()))
            else:
                pairs.append((f.name, str(value)))
        return pairs

    def query_string(self, **extra: str) -> str:
        return urlencode([*self.query(), *extra.items()])

    def matches(self, record: Any, tags: Collection[str]) -> bool:
        """Whether a stored incident (an IncidentRecord) passes; `tags` are those of the
        sources that carried its notices."""
        data: Mapping[str, Any] = record.data
        if self.category and not set(data.get("categories") or ()) & set(self.category):
            return False
        if self._org_key is not None and self._org_key not in org_key(record.organization or ""):
            return False
        day = record.published or record.created_at.date()
        if self.since is not None and day < self.since:
            return False
        if self.until is not None and day > self.until:
            return False
        if self.min_people is not None and (record.people_affected or 0) < self.min_people:
            return False
        if self.min_cards is not None and (record.cards_affected or 0) < self.min_cards:
            return False
        if self.card_data is not None and bool(record.card_data_leaked) != self.card_data:
            return False
        if self.tag is not None and self.tag not in tags:
            return False
        if self._watch is not None and not self._watch(record):
            return False
        return self.stage is None or data.get("stage") == self.stage.value


def read_filter(params: Sequence[tuple[str, str]], rules: RulesConfig) -> IncidentFilter:
    """The filter of a query string's parameters (other parameters are the caller's:
    `limit`, `cursor`, `page`). Raises BadFilter on the first unusable value."""
    values: dict[str, list[str]] = {}
    for name, value in params:
        if name in PARAMETERS:
            values.setdefault(name, []).append(value.strip())
    for name, given in values.items():
        if name != "category" and len(given) > 1:
            raise BadFilter(f"{name}: give it once (got {len(given)} values)")
    one = {name: given[0] for name, given in values.items() if given[0] != ""}
    org = one.get("org")
    key = org_key(org) if org else None
    if org is not None and (len(org) > MAX_ORG_QUERY or not key):
        raise BadFilter(f"org: {'too long' if key else 'nothing left once normalized'}")
    watchlist = one.get("watchlist")
    since, until = _date(one, "since"), _date(one, "until")
    if since is not None and until is not None and since > until:
        raise BadFilter(f"since {since} is after until {until}")
    return IncidentFilter(
        category=tuple(_enum(Category, "category", v) for v in values.get("category", []) if v),
        org=org,
        since=since,
        until=until,
        min_people=_count(one, "min_people"),
        min_cards=_count(one, "min_cards"),
        card_data=_bool(one, "card_data"),
        tag=one.get("tag"),
        watchlist=watchlist,
        stage=_enum(Stage, "stage", one["stage"]) if "stage" in one else None,
        _watch=_watchlist(rules, watchlist) if watchlist else None,
        _org_key=key,
    )


def _watchlist(rules: RulesConfig, name: str) -> Callable[[IncidentRecord], bool]:
    for rule in rules.rules:
        if rule.name == name:
            if not rule.has_watchlist:
                raise BadFilter(f"watchlist: rule {name!r} has no organization list")
            return lambda record: rule.watches(
                record.organization,
                code=record.securities_code,
                text=incident_text(record) if rule.reads_text else None,
            )
    known = ", ".join(repr(r.name) for r in rules.rules if r.has_watchlist) or "none"
    raise BadFilter(f"watchlist: no rule named {name!r} (rules with a watchlist: {known})")


def _enum(kind: Any, name: str, value: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise BadFilter(f"{name}: {value!r} is not one of {allowed}") from None


def _date(values: Mapping[str, str], name: str) -> dt.date | None:
    if name not in values:
        return None
    try:
        return dt.date.fromisoformat(values[name])
    except ValueError:
        raise BadFilter(f"{name}: {values[name]!r} is not a date (YYYY-MM-DD)") from None


def _count(values: Mapping[str, str], name: str) -> int | None:
    if name not in values:
        return None
    raw = values[name]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise BadFilter(f"{name}: {raw!r} is not a whole number")
    return int(raw)


def _bool(values: Mapping[str, str], name: str) -> bool | None:
    if name not in values:
        return None
    raw = values[name].lower()
    if raw in ("true", "1", "yes"):
        return True
    if raw in ("false", "0", "no"):
        return False
    raise BadFilter(f"{name}: {values[name]!r} is not true or false")
