"""Dates without a year or month, resolved against the text, and periods."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.jpdate import find_all_dates, find_dates, find_periods, parse_date

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和4年11月16日", D(2022, 11, 16)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("平成31年4月30日", D(2019, 4, 30)),
        ("２０２２年１１月２１日", D(2022, 11, 21)),
        ("R4.11.16", D(2022, 11, 16)),
        ("2014.09.29", D(2014, 9, 29)),
        ("令和4年11月 9 日(水)", D(2022, 11, 9)),
    ],
)
def test_full_dates_still_parse(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


def test_same_month_same_day_and_same_year_resolve_against_the_nearest_earlier_date() -> None:
    text = "2022年8月17日に報告し、同月24日に相談した。同年10月3日に申告し、同日中に連絡した。"
    assert [d.date for d in find_all_dates(text)] == [
        D(2022, 8, 17),
        D(2022, 8, 24),
        D(2022, 10, 3),
        D(2022, 10, 3),
    ]


def test_month_day_and_day_only_take_year_and_month_from_context() -> None:
    text = "県は2022年11月27日に発表した。25日夕、県警から連絡があり、12月1日に再開した。"
    assert [d.date for d in find_all_dates(text)] == [
        D(2022, 11, 27),
        D(2022, 11, 25),
        D(2022, 12, 1),
    ]


def test_a_partial_date_with_nothing_before_it_is_dropped() -> None:
    assert find_all_dates("市は11月17日付で処分した。") == []
    assert find_all_dates("同日、サーバーを停止した。") == []


def test_counts_of_days_are_not_dates() -> None:
    assert [d.text for d in find_all_dates("2018年3月1日に停止し、12日後に再開、23日経過した")] == [
        "2018年3月1日"
    ]


def test_find_dates_keeps_its_contract() -> None:
    (m,) = find_dates("公表日 2022年11月21日")
    assert (m.date, m.text) == (D(2022, 11, 21), "2022年11月21日")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2022年7月19日から同年7月28日までの間に", D(2022, 7, 19), D(2022, 7, 28)),
        ("2020年9月25日~2022年8月12日の期間", D(2020, 9, 25), D(2022, 8, 12)),
        ("2015年4月1日～2016年9月21日", D(2015, 4, 1), D(2016, 9, 21)),
        ("2017年8月5日〜2017年9月15日", D(2017, 8, 5), D(2017, 9, 15)),
        ("2017年8月5日–2017年9月15日", D(2017, 8, 5), D(2017, 9, 15)),
        ("2021年2月22日から2022年4月19日午前中にかけて", D(2021, 2, 22), D(2022, 4, 19)),
        ("2022年10月31日16:01から翌11月1日01:46の間", D(2022, 10, 31), D(2022, 11, 1)),
        ("令和4年6月1日(水)から同月10日(金)まで", D(2022, 6, 1), D(2022, 6, 10)),
    ],
)
def test_periods(text: str, start: dt.date, end: dt.date) -> None:
    (period,) = find_periods(text)
    assert (period.start.date, period.end.date) == (start, end)


def test_two_unrelated_dates_are_no_period() -> None:
    assert find_periods("2022年8月3日に報告し、2022年8月5日に届け出た。") == []
