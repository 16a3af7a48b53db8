"""Japanese counts → int."""

from __future__ import annotations

import pytest

from parsers.counts import find_counts, parse_count


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,938件", 1938),
        ("約40,000件", 40000),
        ("4万件", 40000),
        ("約4万件", 40000),
        ("1万2千件", 12000),
        ("2.5万件", 25000),
        ("147,545名", 147545),
        ("のべ378名", 378),
        ("最大で1,938件", 1938),
        ("１２３件", 123),
        ("三百名", 300),
        ("二千五百件", 2500),
        ("一万二千人", 12000),
        ("十件", 10),
        ("247名分", 247),
        ("124,058 件", 124058),
    ],
)
def test_parse_count(text: str, value: int) -> None:
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["数万件", "十数件", "一部", "第214回", ""])
def test_not_a_count(text: str) -> None:
    assert parse_count(text) is None


def test_find_counts_gives_unit_and_span() -> None:
    text = "クレジットカード情報5471件及び個人情報最大5521件、対象者247名分"
    found = find_counts(text)
    assert [(c.value, c.unit) for c in found] == [(5471, "件"), (5521, "件"), (247, "名")]
    assert [text[c.start : c.end] for c in found] == ["5471件", "最大5521件", "247名分"]


def test_ordinals_and_digits_glued_to_other_numbers_are_skipped() -> None:
    assert find_counts("第3件目") == []
