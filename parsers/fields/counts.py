"""People and card counts: which of the text's numbers is the headline figure.

A count counts when its sentence (or the heading above its line) says data leaked and
it is not a count of mails, accesses or files. `件` next to card words is a card count;
`名`/`人` always count people. Disjoint groups listed one per line (対象1 / 対象2,
学内 / 学外) are summed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.counts import CountMatch, find_counts
from parsers.fields.doc import (
    LEAK,
    Doc,
    Found,
    introduced_by_leak,
    is_item_line,
    negated_after,
    shorten,
)

_PEOPLE_UNITS = ("件", "名", "人")
_NOT_RECORDS_BEFORE = re.compile(
    r"(?:メール|アクセス|ファイル|通知|サーバ|端末|タイトル|回数)[^、。]{0,3}$"
)
_NOT_RECORDS_AFTER = re.compile(r"^\s*(?:の)?(?:迷惑)?(?:電子)?(?:メール|アクセス|ファイル|通)")
_GROUP_LABEL = re.compile(
    r"対象\s*\d|学内|学外|教職員|学生|生徒|児童|関係者|お客様|会員|職員|従業員|保護者|患者|利用者|"
    r"取引先|顧客|受講者|応募者|卒業生|組合員"
)
_NOT_GROUP = re.compile(r"内訳|うち|内数|上記|合計|総計|^計")
_GROUP_LINE = re.compile(
    r"^(?P<label>.+?)\s*[:：]?\s*(?:約|最大)?\s*(?P<count>\d[\d,]*\s*(?:件|名|人))(?:分)?\s*$"
)
_CARD = re.compile(r"カード")
_CLAUSE_START = re.compile(r".*(?:、|及び|および|並びに|ならびに|と|。)", re.DOTALL)


@dataclass(frozen=True)
class Counts:
    people: Found[int | None]
    cards: Found[int | None]


def _leak_context(doc: Doc, count: CountMatch) -> bool:
    sentence = doc.sentence_at(count.start)
    plain = doc.unquoted[sentence.start : sentence.end]
    if any(not negated_after(plain, m.end()) for m in LEAK.finditer(plain)):
        return True
    if "対象" in plain and re.search(r"お客様|方|者|会員", plain):
        return True
    index = doc.line_index(count.start)
    if not is_item_line(doc.lines[index].text):
        return False
    return introduced_by_leak(doc, index, back=2)


def _is_record_count(doc: Doc, count: CountMatch) -> bool:
    before = doc.text[max(0, count.start - 12) : count.start].replace("メールアドレス", "")
    after = doc.text[count.end : count.end + 8]
    return not (_NOT_RECORDS_BEFORE.search(before) or _NOT_RECORDS_AFTER.match(after))


def _is_card_count(doc: Doc, count: CountMatch) -> bool:
    if count.unit != "件":
        return False
    sentence = doc.sentence_at(count.start)
    head = doc.text[sentence.start : count.start]
    clause = _CLAUSE_START.sub("", head)[-20:]
    if _CARD.search(clause):
        return True
    return bool(_CARD.search(sentence.text)) and "個人情報" not in clause


def _group_sum(doc: Doc) -> Found[int | None] | None:
    """`学内教職員 485件 / 学内学生 849件 / 学外関係者 788件` → 2122, when ≥2 such lines sit
    together under a leak heading."""
    groups: list[tuple[int, int, str]] = []
    for i, line in enumerate(doc.lines):
        m = _GROUP_LINE.match(line.text)
        if not m or not _GROUP_LABEL.search(m.group("label")) or _NOT_GROUP.search(line.text):
            continue
        counts = find_counts(m.group("count"))
        if counts:
            groups.append((i, counts[0].value, line.text))
    if len(groups) < 2 or groups[-1][0] - groups[0][0] > 30:
        return None
    if not introduced_by_leak(doc, groups[0][0], back=3):
        return None
    return Found(sum(v for _, v, _ in groups), " / ".join(shorten(t, 60) for _, _, t in groups))


def extract_counts(doc: Doc) -> Counts:
    """The headline people count (or the sum of listed groups) and card count."""
    people: Found[int | None] = Found(None)
    cards: Found[int | None] = Found(None)
    for count in find_counts(doc.text):
        if count.unit not in _PEOPLE_UNITS or count.value <= 0:
            continue
        if not _is_record_count(doc, count) or not _leak_context(doc, count):
            continue
        evidence = shorten(doc.sentence_at(count.start).text)
        if _is_card_count(doc, count):
            if cards.value is None:
                cards = Found(count.value, evidence)
        elif people.value is None:
            people = Found(count.value, evidence)
    grouped = _group_sum(doc)
    if grouped is not None:
        people = grouped
    return Counts(people, cards)
