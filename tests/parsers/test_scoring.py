"""Scoring per the spec: exact scalars, normalized organization, F1 lists, null = null."""

from __future__ import annotations

import pytest

from parsers.scoring import SCORED_FIELDS, score_fields, score_notice

GOLD = {
    "is_incident": True,
    "organization": "株式会社ワコム",
    "published": "2022-11-21",
    "stage": "report",
    "categories": ["unauthorized_access", "web_skimming"],
    "people_affected": 147545,
    "cards_affected": None,
    "data_items": ["name", "email"],
    "card_data_leaked": False,
    "exposure_start": None,
    "exposure_end": None,
    "discovered": "2022-08-19",
    "reported_to": [],
}


def test_identical_parse_scores_one_on_every_field() -> None:
    scores = score_fields(GOLD, dict(GOLD))
    assert set(scores) == set(SCORED_FIELDS) and set(scores.values()) == {1.0}
    assert score_notice(GOLD, dict(GOLD)) == 1.0


@pytest.mark.parametrize("name", ["ワコム", "株式会社 ワコム", "株 式 会 社 ワ コ ム", "ﾜｺﾑ"])
def test_organization_ignores_spaces_legal_form_and_width(name: str) -> None:
    assert score_fields(GOLD, GOLD | {"organization": name})["organization"] == 1.0


def test_organization_gold_may_list_alternatives() -> None:
    gold = GOLD | {"organization": ["福知山公立大学", "福知山公立大学北近畿地域連携機構"]}
    assert score_fields(gold, GOLD | {"organization": "福知山公立大学"})["organization"] == 1.0
    assert score_fields(gold, GOLD | {"organization": "北近畿"})["organization"] == 0.0


def test_lists_score_f1_and_scalars_exact() -> None:
    parsed = GOLD | {"categories": ["unauthorized_access"], "people_affected": 147546}
    scores = score_fields(GOLD, parsed)
    assert scores["categories"] == pytest.approx(2 / 3)
    assert scores["people_affected"] == 0.0
    assert score_fields(GOLD, GOLD | {"reported_to": ["ppc"]})["reported_to"] == 0.0


def test_null_against_a_value_is_wrong_both_ways() -> None:
    assert score_fields(GOLD, GOLD | {"discovered": None})["discovered"] == 0.0
    assert score_fields(GOLD, GOLD | {"exposure_start": "2022-01-01"})["exposure_start"] == 0.0


def test_only_is_incident_is_scored_for_a_gold_non_incident() -> None:
    gold = {"is_incident": False, "organization": None, "categories": []}
    parsed = {"is_incident": False, "organization": "X", "categories": ["other"]}
    assert score_fields(gold, parsed) == {"is_incident": 1.0}
    assert score_notice(gold, parsed | {"is_incident": True}) == 0.0
