"""Aggregating per-notice scores into the figures `owabi eval` prints.

Scoring one notice is `parsers.scoring`'s job; this module only collects: the mean per
field over the notices where the field is scored, the worst notices, and every miss
with gold and parsed values side by side. Pure, so a change in how the corpus score is
aggregated is tested without files.

Beside the mean, the *informative* score counts only the fields that say something: a
field of a notice is informative when the gold label or the parse holds a value (not
null, not an empty list, not false). Most fields of most notices are null on both sides
and score 1 for free; the informative score is what is left when those are set aside.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from parsers.scoring import SCORED_FIELDS, score_fields

# A notice that could not be parsed is scored as if every field came back null.
NULL_PARSE: Mapping[str, Any] = {}


@dataclass(frozen=True)
class Miss:
    """One field of one notice that scored below 1 (a partial list F1 is a miss too)."""

    notice: str
    field: str
    gold: Any
    parsed: Any
    score: float


@dataclass(frozen=True)
class NoticeScore:
    name: str
    score: float
    fields: dict[str, float]
    error: str | None = None


@dataclass(frozen=True)
class FieldStat:
    field: str
    mean: float
    scored: int
    misses: int
    informative: float | None = None  # mean where gold or parse has a value
    informative_scored: int = 0


@dataclass(frozen=True)
class Evaluation:
    notices: list[NoticeScore]
    fields: list[FieldStat]
    misses: list[Miss]
    # The score of every (notice, field) pair where gold or parse has a value.
    informative_scores: tuple[float, ...] = ()

    @property
    def score(self) -> float:
        """The corpus score: the mean of the notice scores (0 for no notices)."""
        if not self.notices:
            return 0.0
        return sum(n.score for n in self.notices) / len(self.notices)

    @property
    def informative(self) -> float:
        """The mean over informative (notice, field) pairs (1 when there is none)."""
        if not self.informative_scores:
            return 1.0
        return sum(self.informative_scores) / len(self.informative_scores)

    @property
    def failed(self) -> list[NoticeScore]:
        return [n for n in self.notices if n.error is not None]

    def worst(self, count: int = 5) -> list[NoticeScore]:
        """The `count` lowest-scoring imperfect notices, lowest first (ties by name)."""
        imperfect = [n for n in self.notices if n.score < 1.0]
        return sorted(imperfect, key=lambda n: (n.score, n.name))[:count]

    def fields_under(self, minimum: float) -> list[FieldStat]:
        return [f for f in self.fields if f.mean < minimum]


@dataclass(frozen=True)
class Labelled:
    """One notice's gold label and its parse (`parsed` None when parsing failed)."""

    name: str
    gold: Mapping[str, Any]
    parsed: Mapping[str, Any] | None
    error: str | None = None


def has_value(value: Any) -> bool:
    """Whether a label or parse says something in this field."""
    return value not in (None, [], False, "")


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def evaluate(items: Iterable[Labelled]) -> Evaluation:
    """Score every notice and aggregate; fields keep the spec's order."""
    notices: list[NoticeScore] = []
    misses: list[Miss] = []
    per_field: dict[str, list[float]] = {name: [] for name in SCORED_FIELDS}
    telling: dict[str, list[float]] = {name: [] for name in SCORED_FIELDS}
    for item in sorted(items, key=lambda i: i.name):
        parsed = NULL_PARSE if item.parsed is None else item.parsed
        scores = score_fields(item.gold, parsed)
        notices.append(
            NoticeScore(item.name, sum(scores.values()) / len(scores), scores, item.error)
        )
        for field, value in scores.items():
            gold, got = item.gold.get(field), parsed.get(field)
            per_field[field].append(value)
            if has_value(gold) or has_value(got):
                telling[field].append(value)
            if value < 1.0:
                misses.append(Miss(item.name, field, gold, got, value))
    fields = [
        FieldStat(
            name,
            sum(values) / len(values),
            len(values),
            sum(v < 1.0 for v in values),
            _mean(telling[name]),
            len(telling[name]),
        )
        for name, values in per_field.items()
        if values
    ]
    informative = tuple(v for values in telling.values() for v in values)
    return Evaluation(notices, fields, misses, informative)
