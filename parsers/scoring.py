"""Field-by-field scoring of a parse against a gold label, as the spec's Scoring section says.

Exact match for scalars (organization compared after NFKC with spaces and legal-form
words removed), F1 for lists, and null = null counts as right. A gold organization may
be a list of acceptable spellings. For a gold non-incident only `is_incident` is scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from parsers.orgname import org_key
from parsers.schema import LIST_FIELDS

SCORED_FIELDS = (
    "is_incident",
    "organization",
    "published",
    "stage",
    "categories",
    "people_affected",
    "cards_affected",
    "data_items",
    "card_data_leaked",
    "exposure_start",
    "exposure_end",
    "discovered",
    "reported_to",
)


def _f1(gold: list[Any], parsed: list[Any]) -> float:
    g, p = set(gold or []), set(parsed or [])
    if not g and not p:
        return 1.0
    if not g or not p:
        return 0.0
    hit = len(g & p)
    if hit == 0:
        return 0.0
    precision, recall = hit / len(p), hit / len(g)
    return 2 * precision * recall / (precision + recall)


def _org(gold: Any, parsed: Any) -> float:
    if gold is None or parsed is None:
        return float(gold is None and parsed is None)
    options = gold if isinstance(gold, list) else [gold]
    return float(any(org_key(o) == org_key(parsed) for o in options))


def _scalar(gold: Any, parsed: Any) -> float:
    return float(_plain(gold) == _plain(parsed))


def _plain(value: Any) -> Any:
    """Dates, enums and strings compare by their JSON form."""
    if value is None or isinstance(value, bool | int):
        return value
    return str(getattr(value, "value", value))


def score_fields(gold: Mapping[str, Any], parsed: Mapping[str, Any]) -> dict[str, float]:
    """Per-field scores in [0, 1]; only `is_incident` when gold says it is no incident."""
    fields = SCORED_FIELDS if gold.get("is_incident", True) else ("is_incident",)
    out: dict[str, float] = {}
    for name in fields:
        g, p = gold.get(name), parsed.get(name)
        if name in LIST_FIELDS:
            out[name] = _f1([_plain(x) for x in g or []], [_plain(x) for x in p or []])
        elif name == "organization":
            out[name] = _org(g, p)
        else:
            out[name] = _scalar(g, p)
    return out


def score_notice(gold: Mapping[str, Any], parsed: Mapping[str, Any]) -> float:
    """The notice's score: the mean over its scored fields."""
    scores = score_fields(gold, parsed)
    return sum(scores.values()) / len(scores)
