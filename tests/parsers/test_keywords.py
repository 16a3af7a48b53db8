"""match_keyword: NFKC and case folding, first keyword in the caller's order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.keywords import DEFAULT_INCIDENT_KEYWORDS, match_keyword


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("当社サーバーへの不正アクセスに関するお詫び", "不正アクセス"),
        ("ﾗﾝｻﾑｳｪｱ被害について", "ランサムウェア"),  # half-width katakana
        ("ＥＭＯＴＥＴ感染のご報告", "Emotet"),  # full-width Latin, upper case
        ("メールの誤送信に関するお詫び", "誤送信"),
        ("個人情報を含むUSBメモリの紛失について", "紛失"),
        ("お客様情報の漏洩について", "漏洩"),
        ("新製品発売のお知らせ", None),
        ("", None),
    ],
)
def test_default_keywords(title: str, expected: str | None) -> None:
    assert match_keyword(title, DEFAULT_INCIDENT_KEYWORDS) == expected


def test_first_keyword_in_given_order_wins() -> None:
    title = "不正アクセスによる個人情報漏えいのお詫び"
    assert match_keyword(title, ["お詫び", "不正アクセス"]) == "お詫び"
    assert match_keyword(title, ["個人情報", "お詫び"]) == "個人情報"


def test_keywords_are_folded_too() -> None:
    assert match_keyword("emotet infection", ["ＥＭＯＴＥＴ"]) == "ＥＭＯＴＥＴ"
    assert match_keyword("anything", ["", "  "]) is None


def test_default_list_covers_the_documented_terms() -> None:
    for term in ("お詫び", "不正アクセス", "漏えい", "漏洩", "流出", "ランサムウェア", "誤送信",
                 "サイバー攻撃", "個人情報", "不正ログイン", "情報漏れ", "マルウェア", "紛失",
                 "盗難", "誤公開", "誤表示", "攻撃"):  # fmt: skip
        assert term in DEFAULT_INCIDENT_KEYWORDS


@given(st.text(max_size=200))
def test_any_text_is_safe(text: str) -> None:
    found = match_keyword(text, DEFAULT_INCIDENT_KEYWORDS)
    assert found is None or found in DEFAULT_INCIDENT_KEYWORDS
