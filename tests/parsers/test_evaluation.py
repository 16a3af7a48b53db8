"""Aggregation of notice scores: per-field means over scored notices, worst, misses."""

from __future__ import annotations

import pytest

from parsers.evaluation import Labelled, evaluate
from parsers.scoring import SCORED_FIELDS

FULL = {
    "is_incident": True,
    "organization": "株式会社テスト",
    "published": "2024-03-01",
    "stage": "report",
    "categories": ["unauthorized_access"],
    "people_affected": 100,
    "cards_affected": None,
    "data_items": ["name", "email"],
    "card_data_leaked": False,
    "exposure_start": None,
    "exposure_end": None,
    "discovered": "2024-02-20",
    "reported_to": ["ppc"],
}
NON_INCIDENT = {**dict.fromkeys(FULL), "is_incident": False}


def test_perfect_parses_score_one_with_no_misses() -> None:
    result = evaluate([Labelled("a", FULL, dict(FULL)), Labelled("b", FULL, dict(FULL))])
    assert result.score == 1.0
    assert result.misses == [] and result.worst() == [] and result.failed == []
    assert [f.field for f in result.fields] == list(SCORED_FIELDS)
    assert {(f.mean, f.scored, f.misses) for f in result.fields} == {(1.0, 2, 0)}


def test_field_means_count_only_the_notices_where_the_field_is_scored() -> None:
    wrong_org = {**FULL, "organization": "別会社"}
    result = evaluate(
        [Labelled("a", FULL, wrong_org), Labelled("n", NON_INCIDENT, {"is_incident": False})]
    )
    stats = {f.field: f for f in result.fields}
    assert (stats["is_incident"].scored, stats["is_incident"].mean) == (2, 1.0)
    assert (stats["organization"].scored, stats["organization"].mean) == (1, 0.0)
    assert stats["organization"].misses == 1
    # Notice "a" misses 1 of 13 fields; "n" is scored on is_incident alone.
    assert result.score == pytest.approx((12 / 13 + 1.0) / 2)
    assert [f.field for f in result.fields_under(1.0)] == ["organization"]


def test_partial_list_f1_is_a_miss_with_gold_and_parsed_side_by_side() -> None:
    parsed = {**FULL, "data_items": ["name"]}
    result = evaluate([Labelled("a", FULL, parsed)])
    (miss,) = result.misses
    assert (miss.notice, miss.field) == ("a", "data_items")
    assert (miss.gold, miss.parsed) == (["name", "email"], ["name"])
    assert miss.score == pytest.approx(2 / 3)


def test_a_failed_parse_counts_as_all_null_and_is_listed() -> None:
    result = evaluate([Labelled("broken", FULL, None, "PdfError: broken PDF")])
    (notice,) = result.failed
    assert notice.error == "PdfError: broken PDF"
    # Only the fields whose gold is null (or an empty list) survive an all-null parse.
    right = {"cards_affected", "exposure_start", "exposure_end"}
    assert notice.score == pytest.approx(len(right) / len(SCORED_FIELDS))
    assert {m.field for m in result.misses} == set(SCORED_FIELDS) - right
    assert all(m.parsed is None for m in result.misses)


def test_worst_lists_imperfect_notices_lowest_first_up_to_count() -> None:
    stated = [k for k, v in FULL.items() if v is not None and k != "is_incident"]
    items = [Labelled(f"n{i}", FULL, {**FULL, **dict.fromkeys(stated[:i])}) for i in range(8)]
    items.append(Labelled("m3", FULL, {**FULL, **dict.fromkeys(stated[:3])}))
    result = evaluate(items)
    assert [n.name for n in result.worst()] == ["n7", "n6", "n5", "n4", "m3"]  # ties by name
    assert [n.name for n in result.worst(10)][-1] == "n1"  # n0 is perfect: never "worst"


def test_no_notices_scores_zero() -> None:
    result = evaluate([])
    assert result.score == 0.0 and result.fields == []


def test_the_informative_score_sets_aside_fields_null_on_both_sides() -> None:
    """Two notices; of their 26 scored fields only those where gold or parse says
    something count: a right organization, a missed count, a wrong extra category."""
    gold_a = {"is_incident": True, "organization": "X市", "people_affected": 12}
    parsed_a = {"is_incident": True, "organization": "X市", "categories": ["misdelivery"]}
    gold_b = {"is_incident": True, "organization": "Y社"}
    parsed_b = {"is_incident": True, "organization": "Y社"}
    result = evaluate([Labelled("a", gold_a, parsed_a), Labelled("b", gold_b, parsed_b)])
    # a: is_incident 1, organization 1, people 0, categories 0; b: is_incident 1, org 1
    assert result.informative == 4 / 6
    assert result.score > result.informative
    people = next(f for f in result.fields if f.field == "people_affected")
    assert (people.informative, people.informative_scored) == (0.0, 1)
    exposure = next(f for f in result.fields if f.field == "exposure_start")
    assert (exposure.informative, exposure.informative_scored) == (None, 0)
