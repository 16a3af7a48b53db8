"""The notice's head: issuer, title and date, as printed above the body.

Two layouts cover most notices: a one-line heading (`ORG TITLE DATE`, `TITLE DATE ORG`,
as blogs and listing pages reproduce them) and a letter head (date, addressee, issuer,
representative, title on short lines). News articles have a title line only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.fields.doc import Doc, Span
from parsers.jpdate import DateMatch
from parsers.orgname import LEGAL_FORMS_JA

_LEGAL = "|".join(re.escape(form) for form in LEGAL_FORMS_JA)
ORG_SUFFIX = (
    r"(?:大学|大学院|学園|学院|高等学校|高校|中学校|小学校|幼稚園|機構|協会|財団|法人|組合|連合会|"
    r"センター|病院|医院|クリニック|銀行|信用金庫|信用組合|証券|保険|生命|庁|省|県|都|府|市|区|町|村|"
    r"役場|委員会|研究所|事務所|ホールディングス|グループ|会社|製作所|工業|商事|新聞社|協議会|公社|"
    r"事業団|社|館|美術館|博物館|図書館)"
)
_ORG_TOKEN = re.compile(
    rf"^(?:(?:{_LEGAL})\S{{1,30}}|\S{{1,30}}?(?:{_LEGAL})|[^\s「」、。をがにへはで]{{1,30}}{ORG_SUFFIX})$"
)
_LABEL = re.compile(r"^(?:会社名|社名|法人名|団体名|名称|発信者|発行者)\s*[:：]?\s*")
_NOT_ISSUER = re.compile(
    r"各位|御中|様|代表|取締役|社長|理事長|学長|市長|知事|住所|所在地|TEL|電話|FAX|問い?合わせ|"
    r"コード|担当|部長|本部長|責任者|URL|http"
)
_NOT_TITLE = re.compile(r"各位|御中|代表|取締役|TEL|問い?合わせ")
_TITLE_WORDS = re.compile(
    r"お詫び|おわび|お知らせ|ご報告|報告書?|について|ご案内|発生|に関する|のお願い|注意喚起|被害"
)
# Lines of a letter head are short; the first long line is the body.
_HEAD_LINE_MAX = 50
_HEAD_LINES_MAX = 15


@dataclass(frozen=True)
class Heading:
    """What the head states; each part is None when the head does not print it."""

    organization: str | None
    organization_span: str | None
    title: str | None
    date: DateMatch | None
    body_start: int


def is_full_date(d: DateMatch) -> bool:
    """A date written with its year (not `同月24日` or `11月1日` resolved from context)."""
    return bool(re.match(r"\d{4}|令和|平成|昭和|[RHS]\s*\d", d.text))


def looks_like_org(token: str) -> bool:
    token = token.strip()
    return bool(token) and bool(_ORG_TOKEN.match(token.replace(" ", "")))


def clean_org(text: str) -> str:
    """No spaces inside an organization name (`株式会社 マイネット` → `株式会社マイネット`)."""
    return re.sub(r"\s+", "", _LABEL.sub("", text.strip()))


def _split_org_prefix(head: str) -> tuple[str | None, str]:
    """`ORG TITLE` → (ORG, TITLE); (None, head) when no leading token names an issuer."""
    head = head.strip()
    m = re.match(rf"^((?:{_LEGAL})\S{{1,30}})\s+(\S.*)$", head) or re.match(
        rf"^(\S.{{0,30}}?(?:{_LEGAL}))\s+(\S.*)$", head
    )
    if m:
        return m.group(1), m.group(2)
    first, _, rest = head.partition(" ")
    if rest.strip() and looks_like_org(first):
        return first, rest.strip()
    return None, head


def _one_line_heading(line: Span, date: DateMatch) -> Heading:
    before = line.text[: date.start - line.start].strip()
    after = line.text[date.end - line.start :].strip()
    if after and looks_like_org(after):
        return Heading(clean_org(after), after, before or None, date, line.end)
    org, title = _split_org_prefix(before)
    return Heading(clean_org(org) if org else None, org, title or None, date, line.end)


def _is_issuer_line(text: str) -> bool:
    stripped = _LABEL.sub("", text)
    return (
        not _NOT_ISSUER.search(text)
        and len(stripped) <= 40
        and (bool(re.search(_LEGAL, stripped)) or looks_like_org(stripped))
    )


def parse_heading(doc: Doc) -> Heading:
    """Find issuer, title and date in the head of `doc`."""
    if not doc.lines:
        return Heading(None, None, None, None, 0)
    first = doc.lines[0]
    first_dates = [d for d in doc.dates_in(first.start, first.end) if is_full_date(d)]
    date_only = bool(first_dates) and len(first.text) <= len(first_dates[0].text) + 4
    if first_dates and not date_only:
        return _one_line_heading(first, first_dates[0])
    head = [first]
    for line in doc.lines[1:_HEAD_LINES_MAX]:
        if len(line.text) > _HEAD_LINE_MAX or line.text.endswith("。"):
            break
        head.append(line)
    date = next(
        (d for line in head for d in doc.dates_in(line.start, line.end) if is_full_date(d)), None
    )
    title_line = next(
        (
            line
            for line in head
            if _TITLE_WORDS.search(line.text)
            and not _NOT_TITLE.search(line.text)
            and len(line.text) >= 8
        ),
        None,
    )
    if title_line is None and not date_only:
        title_line = first
    issuer = next(
        (line for line in head if line is not title_line and _is_issuer_line(line.text)), None
    )
    return Heading(
        clean_org(issuer.text) if issuer else None,
        issuer.text if issuer else None,
        title_line.text if title_line else None,
        date,
        head[-1].end,
    )
