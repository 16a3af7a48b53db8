"""Incident keywords: a hint on a feed or listing entry's title and summary.

Real notices hide behind link texts such as `お知らせ` or a bare date, so a keyword does
not decide whether an entry is read; the notice parser does, once it has the text. The
collector reads entries with a keyword first, and on a source's first pass it reads the
old entries of its archive only when they have one. Matching is on NFKC-folded,
case-folded text so that half-width katakana (ﾗﾝｻﾑｳｪｱ), full-width Latin (ＥＭＯＴＥＴ) and
case all agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from parsers.textnorm import nfkc

# Specific terms first: `match_keyword` reports the first one that matches, and
# "ランサムウェア" says more about an entry than "攻撃" or "お詫び".
DEFAULT_INCIDENT_KEYWORDS: tuple[str, ...] = (
    "不正アクセス",
    "不正ログイン",
    "不正サインイン",
    "不正利用",
    "乗っ取り",
    "ランサムウェア",
    "ランサムウエア",
    "マルウェア",
    "マルウエア",
    "エモテット",
    "Emotet",
    "サイバー攻撃",
    "改ざん",
    "改竄",
    "漏えい",
    "漏洩",
    "情報漏れ",
    "流出",
    "誤送信",
    "誤公開",
    "誤掲載",
    "誤表示",
    "誤送付",
    "誤配送",
    "誤廃棄",
    "紛失",
    "盗難",
    "持ち出し",
    "閲覧可能",
    "感染",
    "個人情報",
    "インシデント",
    "攻撃",
    "被害",
    "お詫び",
    "おわび",
)


def _fold(text: str) -> str:
    return nfkc(text).casefold()


def match_keyword(text: str, keywords: Sequence[str]) -> str | None:
    """The first keyword (in `keywords` order, as given) found in `text`, or None."""
    folded = _fold(text)
    for keyword in keywords:
        needle = _fold(keyword)
        if needle and needle in folded:
            return keyword
    return None
