"""Japanese counts: `1,938件`, `約4万件`, `1万2千件`, `のべ378名`, `三百名` → int.

Every count layout owabi understands lives here, so that the field extractors only
decide *which* count is the headline figure, never how to read one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from parsers.textnorm import nfkc

_KANJI_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "億": 100_000_000}

# Units a notice counts people, records or cards in. `名分`/`人分` are folded to 名/人.
UNITS = ("件", "名", "人", "枚", "通", "社", "団体", "台", "校", "口座", "アカウント", "ID")

_NUMBER = (
    r"\d[\d,]*(?:\.\d+)?(?:\s*[万千百億]\s*(?:\d[\d,]*)?)*|[〇零一二三四五六七八九十百千万億]+"
)
_PREFIX = r"約|およそ|最大で?|のべ|延べ|計|合計|総計|総数"
_COUNT = re.compile(
    rf"(?:(?P<prefix>{_PREFIX})\s*)?(?<![\d,.第数])(?P<num>{_NUMBER})\s*"
    rf"(?P<unit>{'|'.join(UNITS)})(?P<share>分)?"
)
# Words made of a kanji count that count nobody (`一人暮らし`, `一人ひとり`, `一件ずつ`).
_IDIOM_AFTER = re.compile(r"暮らし|ひとり|一人|ずつ|残らず|当たり|あたり|につき")


@dataclass(frozen=True)
class CountMatch:
    """A count found in text; offsets refer to the NFKC-normalized text."""

    value: int
    unit: str
    start: int
    end: int
    text: str


def _kanji_below_man(s: str) -> int | None:
    """`二千五百` → 2500; digits and 十/百/千 only."""
    total, digit = 0, None
    for ch in s:
        if ch in _KANJI_DIGITS:
            if digit is not None:
                return None
            digit = _KANJI_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
    return total + (digit or 0)


def _arabic_below_man(s: str) -> float | None:
    """`2千5百`, `12,000`, `2.5` → number; the part of a count below 万 (or its head)."""
    total = 0.0
    for num, unit in re.findall(r"(\d[\d,]*(?:\.\d+)?)?([千百]?)", s):
        if not num and not unit:
            continue
        value = float(num.replace(",", "")) if num else 1.0
        total += value * (_SMALL_UNITS[unit] if unit else 1)
    return total


def _part(s: str) -> float | None:
    if not s:
        return 0
    if re.fullmatch(r"[〇零一二三四五六七八九十百千]+", s):
        return _kanji_below_man(s)
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?(?:[千百]\d*)*", s):
        return _arabic_below_man(s)
    return None


def _number(s: str) -> int | None:
    """A bare number (arabic, kanji, or either with 万/億) → int; None if it is not one."""
    rest = s.replace(" ", "")
    if not rest or rest[0] in _BIG_UNITS:
        return None
    total = 0.0
    for unit in ("億", "万"):
        if unit in rest:
            head, rest = rest.split(unit, 1)
            part = _part(head)
            if part is None:
                return None
            total += part * _BIG_UNITS[unit]
    tail = _part(rest)
    if tail is None or not math.isfinite(total + tail):
        # A run of hundreds of digits overflows float to inf: no count, not a crash.
        return None
    return round(total + tail)


def find_counts(text: str) -> list[CountMatch]:
    """Every `<number><unit>` in `text`, in order (`約`, `最大`, `のべ` taken at face value)."""
    norm = nfkc(text)
    out: list[CountMatch] = []
    for m in _COUNT.finditer(norm):
        value = _number(m.group("num"))
        if value is None:
            continue
        if not m.group("num")[0].isdigit() and _IDIOM_AFTER.match(norm, m.end()):
            continue
        out.append(CountMatch(value, m.group("unit"), m.start(), m.end(), m.group(0)))
    return out


def parse_count(s: str) -> int | None:
    """The first count in `s` (`約40,000件` → 40000), or a bare number; None if neither."""
    found = find_counts(s)
    if found:
        return found[0].value
    bare = nfkc(s).strip()
    for prefix in ("約", "およそ", "最大で", "最大", "のべ", "延べ"):
        bare = bare.removeprefix(prefix)
    return _number(bare.strip())
