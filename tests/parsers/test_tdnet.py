"""TDnet list pages: rows, codes, withdrawn rows, the day's page count and corrections."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.tdnet import page_name, parse_daily_page, securities_code
from tests.support.tdnet import Row, daily_page

DAY = dt.date(2026, 12, 3)
BASE = "https://www.release.tdnet.info/inbs/I_list_001_20261203.html"


def _parse(rows: list[Row], **kw: int) -> list:  # type: ignore[type-arg]
    page = parse_daily_page(daily_page(DAY, rows, **kw).decode(), base_url=BASE, day=DAY)
    return [page.pages, *page.disclosures]


def test_a_row_gives_time_code_company_title_pdf_and_exchange() -> None:
    pages, d = _parse(
        [Row("15:30", "39990", "サンプル電機", "不正アクセスに関するお知らせ", "1401.pdf")]
    )
    assert pages == 1
    assert (d.time, d.securities_code, d.company, d.exchanges) == (
        "15:30",
        "3999",
        "サンプル電機",
        "東",
    )
    assert d.title == "不正アクセスに関するお知らせ"
    assert d.url == "https://www.release.tdnet.info/inbs/1401.pdf"
    assert not d.withdrawn and not d.is_correction


@pytest.mark.parametrize(
    ("cell", "code"),
    [("72030", "7203"), ("130A0", "130A"), ("7203", "7203"), ("７２０３０", "7203")],
)
def test_the_check_digit_is_dropped_from_the_code(cell: str, code: str) -> None:
    assert securities_code(cell) == code


def test_the_pager_names_the_days_pages_even_inside_onclick() -> None:
    rows = [Row("09:00", "11110", "甲社", "配当予想の修正に関するお知らせ", "a.pdf")]
    assert _parse(rows, page=2, pages=4)[0] == 4
    text = daily_page(DAY, rows, pages=3).decode().replace("20261203", "20261202")
    assert parse_daily_page(text, base_url=BASE, day=DAY).pages == 1  # another day's pages


def test_a_withdrawn_row_is_marked() -> None:
    _, d = _parse(
        [Row("10:00", "22220", "乙社", "個人情報の漏えいについて", "b.pdf", withdrawn=True)]
    )
    assert d.withdrawn


def test_an_empty_day_has_no_disclosures() -> None:
    assert _parse([]) == [1]


@pytest.mark.parametrize(
    "title",
    [
        "（訂正）「当社サーバーへの不正アクセスについて」の一部訂正について",
        "(訂正・数値データ訂正)「2026年3月期決算短信」の一部訂正",
        "【訂正】ランサムウェア被害に関するお知らせ",
        "「第三者による不正アクセスに関するお知らせ」の訂正について",
        "個人情報漏えいに関する公表内容の訂正のお知らせ",
    ],
)
def test_corrections_are_recognised_in_the_forms_tse_titles_use(title: str) -> None:
    _, d = _parse([Row("16:00", "33330", "丙社", title, "c.pdf")])
    assert d.is_correction


@pytest.mark.parametrize(
    "title",
    [
        "不正アクセスに関するお知らせ",
        "業績予想の修正に関するお知らせ",
        "訂正報告書の提出に関する調査委員会の設置",
    ],
)
def test_other_titles_are_not_corrections(title: str) -> None:
    _, d = _parse([Row("16:00", "33330", "丙社", title, "c.pdf")])
    assert not d.is_correction


def test_page_names_follow_tdnet() -> None:
    assert page_name(DAY, 1) == "I_list_001_20261203.html"
    assert page_name(DAY, 12) == "I_list_012_20261203.html"
