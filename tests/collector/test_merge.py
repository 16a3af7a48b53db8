"""Merging decisions are pure: tested without a store."""

from __future__ import annotations

import datetime as dt

from collector.incidents.merge import Candidate, find_match, merge_facts, significant_changes
from parsers.schema import Category, DataItem, Incident, Stage

D = dt.date(2024, 5, 10)


def inc(**kw: object) -> Incident:
    base: dict[str, object] = {
        "is_incident": True,
        "organization": "株式会社テスト",
        "published": D,
        "categories": [Category.UNAUTHORIZED_ACCESS],
    }
    return Incident.model_validate(base | kw)


def test_match_needs_same_org_overlap_and_nearby_date() -> None:
    cands = [Candidate(1, inc(), D)]
    assert find_match(inc(organization="テスト"), D, cands) == 1
    assert find_match(inc(organization="株式会社ほか"), D, cands) is None
    assert find_match(inc(categories=[Category.MISDELIVERY]), D, cands) is None
    far = inc(published=D + dt.timedelta(days=400))
    assert find_match(far, D, cands) is None


def test_shared_service_is_enough_overlap() -> None:
    cands = [Candidate(7, inc(services=["テストストア"]), D)]
    notice = inc(categories=[Category.WEB_SKIMMING], services=["テストストア"])
    assert find_match(notice, D, cands) == 7


def test_merge_keeps_stated_values_and_unites_lists() -> None:
    old = inc(people_affected=100, data_items=[DataItem.NAME], cards_affected=None)
    new = inc(people_affected=None, data_items=[DataItem.EMAIL], cards_affected=50)
    merged = merge_facts(old, new)
    assert merged.people_affected == 100 and merged.cards_affected == 50
    assert merged.data_items == [DataItem.NAME, DataItem.EMAIL]


def test_significant_changes() -> None:
    old = inc(people_affected=100)
    assert significant_changes(old, merge_facts(old, inc(people_affected=100))) == []
    assert significant_changes(old, merge_facts(old, inc(people_affected=150)))
    assert significant_changes(old, merge_facts(old, inc(card_data_leaked=True)))
    assert significant_changes(old, merge_facts(old, inc(stage=Stage.FINAL)))
    ransom = inc(categories=[Category.RANSOMWARE])
    assert significant_changes(old, merge_facts(old, ransom)) == ["new categories: ransomware"]
