"""The notice's head: issuer, title and date, as printed above the body.

Two layouts cover most notices: a one-line heading (`ORG TITLE DATE`, `TITLE DATE ORG`,
as blogs and listing pages reproduce them) and a letter head (date, addressee, issuer,
representative, title on short lines). News articles have a title line only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.fields.doc import Doc, Span
from parsers.fields.names import could_be_name, is_generic
from parsers.jpdate import DateMatch
from parsers.orgname import LEGAL_FORMS_JA

_LEGAL = "|".join(re.escape(form) for form in LEGAL_FORMS_JA)
ORG_SUFFIX = (
    r"(?:大学|大学院|学園|学院|高等学校|高校|中学校|小学校|学校|幼稚園|保育園|保育所|こども園|"
    r"分院|診療所|機構|協会|財団|法人|組合|連合会|"
    r"センター|病院|医院|クリニック|銀行|信用金庫|信用組合|証券|保険|生命|庁|省|県|都|府|市|区|町|村|"
    r"役場|委員会|研究所|事務所|(?:通信|水道|交通|財務|運輸|整備|農政|厚生|振興|病院)局|ホールディングス|グループ|会社|製作所|工業|商事|新聞社|協議会|公社|"
    r"事業団|社|館|美術館|博物館|図書館|連盟)"
)
# `が`/`ケ` inside a place name (`東が丘`, `霞が関`, `自由が丘`) is not the particle `が`.
PLACE_GA = r"[がケヶ](?=[丘岡谷崎関浜原森台島瀬沢坂峰尾野里池窪淵根])"
# Cooperatives put their kind before the name (`生活協同組合コープX`, `X農業協同組合` too).
_ORG_PREFIX = r"(?:生活協同組合|農業協同組合|漁業協同組合|事業協同組合|協同組合)"
_ORG_TOKEN = re.compile(
    rf"^(?:(?:{_LEGAL})\S{{1,30}}|{_ORG_PREFIX}[^\s「」、。をがにへはで]{{1,30}}|\S{{1,30}}?(?:{_LEGAL})|"
    rf"(?:[^\s「」、。をがにへはで]|{PLACE_GA}){{1,30}}{ORG_SUFFIX})$"
)
_LABEL = re.compile(r"^(?:会社名|社名|法人名|団体名|名称|発信者|発行者)\s*[:：]?\s*")
_NOT_ISSUER = re.compile(
    r"各位|業種|御中|様|代表|取締役|社長|理事長|学長|市長|知事|住所|所在地|TEL|電話|FAX|問い?合わせ|"
    r"コード|担当|部長|本部長|責任者|URL|http"
)
_NOT_TITLE = re.compile(r"各位|御中|代表|取締役|TEL|問い?合わせ")
_TITLE_WORDS = re.compile(
    r"お詫び|おわび|お知らせ|ご報告|報告書?|について|ご案内|発生|に関する|のお願い|注意喚起|被害"
)
# Lines of a letter head are short; the first long line is the body.
_HEAD_LINE_MAX = 50
_HEAD_LINES_MAX = 15
# A title is a heading line; a line holding a finished sentence or running on longer than
# this is the first paragraph of a text that prints no title (a news excerpt, a pasted body).
_TITLE_MAX = 120


@dataclass(frozen=True)
class Heading:
    """What the head states; each part is None when the head does not print it."""

    organization: str | None
    organization_span: str | None
    title: str | None
    date: DateMatch | None
    body_start: int
    # The site's name printed after a page title (`…に関するお詫び | 通販のXストア`).
    site: str | None = None


def is_full_date(d: DateMatch) -> bool:
    """A date written with its year (not `同月24日` or `11月1日` resolved from context)."""
    return bool(re.match(r"\d{4}|令和|平成|昭和|[RHS]\s*\d", d.text))


def looks_like_org(token: str) -> bool:
    token = token.strip().replace(" ", "")
    return bool(token) and bool(_ORG_TOKEN.match(token)) and not is_generic(token)


# What a notice says of the organization in brackets after its name (`株式会社X(情報処理
# サービス、…)`, a reading `(アイドット…)`); a legal form in brackets (`X(株)`) is the name's.
_BRACKETED_AFTER = re.compile(r"[(（][^()（）]{2,60}[)）]$")


def clean_org(text: str) -> str:
    """No spaces inside an organization name (`株式会社 マイネット` → `株式会社マイネット`),
    and no description in brackets after it."""
    return _BRACKETED_AFTER.sub("", re.sub(r"\s+", "", _LABEL.sub("", text.strip())))


# Words that continue a romanized company name after a space (`株式会社Crestline Japan`,
# `株式会社Example Holdings`): the name does not end at the first space.
_LATIN_TAIL = (
    r"(?:\s(?:Japan|JAPAN|Holdings|HOLDINGS|Group|GROUP|Technologies|Technology|Systems|"
    r"Solutions|International|Partners|Labs|Consulting|Services|Networks|Asia|Pacific))"
)


# A blog's or feed's series tag before a quoted heading (`【セキュリティ事件簿#2024-123】`,
# `【重要】`): a label of the page, not part of the issuer's name.
_TAG = re.compile(r"^(?:[【\[][^】\]]{1,40}[】\]]\s*)+")


def _split_org_prefix(head: str) -> tuple[str | None, str]:
    """`ORG TITLE` → (ORG, TITLE); (None, head) when no leading token names an issuer. A
    repost's series tag before it is not part of either."""
    head = _TAG.sub("", head.strip())
    m = (
        re.match(rf"^((?:{_LEGAL})[A-Za-z][A-Za-z0-9&.\-']*{_LATIN_TAIL}+)\s+(\S.*)$", head)
        or re.match(rf"^((?:{_LEGAL})\S{{1,30}})\s+(\S.*)$", head)
        or re.match(rf"^(\S.{{0,30}}?(?:{_LEGAL}))\s+(\S.*)$", head)
    )
    if m:
        return m.group(1), m.group(2)
    first, _, rest = head.partition(" ")
    if rest.strip() and looks_like_org(first):
        return first, rest.strip()
    return None, head


# A news lead's opening (`X社は 8 日、`, `汐見市は3月2日、`): a sentence, even when a line
# break cuts it before its full stop.
_NEWS_LEAD = re.compile(
    r"^[^、。「」]{2,40}?(?:は|が)\s?(?:\d{1,2}\s?月\s?)?\d{1,2}\s?日(?:まで)?に?、"
)


def is_prose(text: str) -> bool:
    """A paragraph rather than a heading: it ends a sentence, holds one, runs long, or opens
    as a news lead does."""
    text = text.strip()
    return (
        len(text) > _TITLE_MAX
        or text.endswith("。")
        or "。" in text[:-1]
        or bool(_NEWS_LEAD.match(text))
    )


def _one_line_heading(line: Span, date: DateMatch) -> Heading:
    before = _TAG.sub("", line.text[: date.start - line.start]).strip()
    after = line.text[date.end - line.start :].strip()
    if after and looks_like_org(after):
        return Heading(clean_org(after), after, before or None, date, line.end)
    org, title = _split_org_prefix(before)
    return Heading(clean_org(org) if org else None, org, title or None, date, line.end)


# An issuer signing its title (`…について(お詫び)株式会社X`), or a title that opens with
# where it happened (`X病院における個人情報の紛失について`).
_SIGNED_TITLE = re.compile(
    rf"^(.*?(?:について|お詫び|おわび|お知らせ|ご報告|[)）]))\s*((?:{_LEGAL})\S{{1,30}})$"
)
_TITLE_PLACE = re.compile(
    r"^((?!当|弊|本|同)[^\s、。「」()（）]{2,30}?)(?:における|で発生した|での|"
    # What the attack was on (`X大学への不正アクセスによる…`).
    r"(?:への|に対する)(?=不正|サイバー|攻撃|ランサム))"
)
# A shop's own site named in its title (`Xネットショップへの不正アクセスによる…`): the shop.
_TITLE_SHOP = re.compile(
    r"^((?!当|弊|本|同)[^\s、。「」()（）]{2,20}?)(?:公式)?(?:ネットショップ|オンラインショップ|"
    r"オンラインストア|通販サイト|ウェブショップ|WEBショップ|Webショップ)(?:への|における|で)"
)


def _title_with_issuer(title: Span | None, issuer: Span | None) -> tuple[str | None, str | None]:
    """(issuer the title names, title without it): `株式会社X 当社サーバーへの…`."""
    if title is None:
        return None, None
    org, rest = _split_org_prefix(title.text)
    if org is None:
        signed = _SIGNED_TITLE.match(title.text)
        if signed:
            org, rest = signed.group(2), signed.group(1)
    if org is None:
        place = _TITLE_PLACE.match(title.text)
        if place and looks_like_org(place.group(1)):
            org, rest = place.group(1), title.text
        shop = _TITLE_SHOP.match(title.text)
        if org is None and shop and could_be_name(shop.group(1)):
            org, rest = shop.group(1), title.text
    if org is None:
        m = re.match(
            rf"^((?:{_LEGAL})[^\s、]{{1,30}}|[^\s、]{{1,30}}?(?:{_LEGAL}))、\s*(\S.*)$", title.text
        )
        org, rest = (m.group(1), m.group(2)) if m else (None, title.text)
    if org is None or issuer is not None:
        return None, rest
    return org, rest


# A department after the issuer (`例示市 市民生活部 市民課`, `X大学 情報基盤センター`,
# `株式会社X お客様相談窓口`): the issuer is the organization, not its office.
_DEPARTMENT = re.compile(
    r"^\S{0,16}?(?:部|局|室|課|係|センター|窓口|本部|事務局|グループ|チーム|担当|相談室|支所|事務所)$"
)
_MUNICIPAL_UNIT = re.compile(
    r"^((?:東京都|北海道|大阪府|京都府|\S{2,3}県)?\S{1,8}?[市区町村])(?:役場|役所)?"
    r"(?:\S{1,12}?(?:部|局|室|課|係))+$"
)
_PREFECTURE = re.compile(r"^(?:東京都|北海道|大阪府|京都府|\S{2,3}県)(?=\S{1,10}?[市区町村]$)")


# A municipality's facility named after it (`市立X市民病院Y分院 管理課`): the facility, not
# the municipality with departments.
_FACILITY_NAMED = re.compile(r"病院|分院|診療所|学校|高校|大学|図書館|保育園|保育所|幼稚園")


# A town or village named with its district (`東松浦郡玄海町`).
_DISTRICT = re.compile(r"^\S{1,5}郡(?=\S{1,6}[町村]$)")


def municipality(name: str) -> str:
    """`東京都港区` → `港区`, `東松浦郡玄海町` → `玄海町`: a municipality calls itself by its own
    name."""
    return _DISTRICT.sub("", _PREFECTURE.sub("", name))


# Who signs for the issuer, after its name on the same line (`株式会社X 代表取締役 山田 太郎`,
# `例示市 市長 山田太郎`).
_SIGNER = re.compile(
    r"[ \u3000]+(?:代表取締役(?:社長)?|取締役社長|代表執行役(?:社長)?|代表理事|理事長|学長|総長|"
    r"病院長|院長|市長|町長|村長|区長|知事|校長|社長|会長|所長)(?:[ \u3000]+\S{1,6}){0,2}$"
)


# A head signing with its office glued to the name (`横手市長 髙橋 大`, `例示県知事 山田 太郎`).
_GLUED_SIGNER = re.compile(
    r"^(\S{1,10}?(?:市|町|村|区|県|都|府|道))(?:長|知事)[ \u3000]+\S{1,6}(?:[ \u3000]+\S{1,6})?$"
)


def issuer_of(text: str) -> str | None:
    """The organization an issuer or sign-off line names, its departments dropped; None
    when the line names none."""
    glued = _GLUED_SIGNER.match(text.strip())
    if glued:
        return municipality(glued.group(1))
    text = _SIGNER.sub("", text.strip())
    stripped = _LABEL.sub("", text)
    if len(stripped) > 40:
        return None
    tokens = stripped.split()
    if (
        len(tokens) > 1
        and looks_like_org(tokens[0])
        and not _NOT_ISSUER.search(tokens[0])
        and all(_DEPARTMENT.match(t) for t in tokens[1:])
    ):
        return municipality(tokens[0])
    if _NOT_ISSUER.search(text):
        return None
    m = _MUNICIPAL_UNIT.match("".join(tokens))
    if m and not _FACILITY_NAMED.search(m.group(0), m.end(1)):
        return municipality(m.group(1))
    if re.search(_LEGAL, stripped) or looks_like_org(stripped):
        return clean_org(stripped)
    return None


# What a head prints besides its title: the kind of document, a section of the site.
_DOC_LABEL = re.compile(r"^(?:プレス|ニュース)?リリース$|^報道(?:発表|資料)$|^(?:重要な)?お知らせ$")


def _untitled_heading(text: str) -> bool:
    """A head line that can be a title without title words (`X、EDRサービスの提供を開始`):
    not an addressee, a document label, an issuer or a bare date."""
    return (
        len(text) >= 8
        and not _NOT_TITLE.search(text)
        and not _DOC_LABEL.match(text)
        and not _is_issuer_line(text)
        and not re.fullmatch(r"[\d年月日/.\s()（）月火水木金土]+|(?:令和|平成)\S*", text)
    )


def _is_issuer_line(text: str) -> bool:
    return issuer_of(text) is not None


# A head line dating the incident, not the notice (`発生時期 2021/6/3`, `発覚日:…`).
_EVENT_LABEL = re.compile(r"(?:発生|発覚|判明|事故|紛失|漏えい)(?:日|日時|時期|期間)?\s*[:：]?\s*$")


def _wrapped_title(
    doc: Doc, head: list[Span], title: Span | None, issuer: Span | None
) -> Span | None:
    """A title wrapped over two lines (`Xネットショップへの不正アクセスによる…および⏎個人情報漏洩
    に関するご質問等`) is one: the line before it runs into it when it is no label, date,
    issuer or title of its own."""
    if title is None or title not in head or head.index(title) == 0:
        return title
    before = head[head.index(title) - 1]
    if (
        before is issuer
        or _TITLE_WORDS.search(before.text)
        or _NOT_TITLE.search(before.text)
        or _DOC_LABEL.match(before.text)
        or doc.dates_in(before.start, before.end)
        or len(before.text) < 12
        or re.search(r"[、。.)）」】]$", before.text)
    ):
        return title
    return Span(before.text + title.text, before.start, title.end)


def parse_heading(doc: Doc) -> Heading:
    """Find issuer, title and date in the head of `doc`."""
    if not doc.lines:
        return Heading(None, None, None, None, 0)
    first = doc.lines[0]
    if is_prose(first.text):
        return Heading(None, None, None, None, first.start)
    first_dates = [d for d in doc.dates_in(first.start, first.end) if is_full_date(d)]
    date_only = bool(first_dates) and len(first.text) <= len(first_dates[0].text) + 4
    if first_dates and not date_only:
        return _one_line_heading(first, first_dates[0])
    head = [first]
    for line in doc.lines[1:_HEAD_LINES_MAX]:
        if line.text.endswith("。"):
            break
        if len(line.text) > _HEAD_LINE_MAX:
            # A press release's long title (`【無料ウェビナー】「…」を8月6日に開催`) closes
            # the head when no shorter line has titled it.
            if not is_prose(line.text) and not any(_TITLE_WORDS.search(h.text) for h in head):
                head.append(line)
            break
        head.append(line)
    date = next(
        (
            d
            for line in head
            for d in doc.dates_in(line.start, line.end)
            if is_full_date(d) and not _EVENT_LABEL.search(doc.text[line.start : d.start])
        ),
        None,
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
    if title_line is None:
        title_line = next((line for line in head if _untitled_heading(line.text)), None)
    if title_line is None and not date_only and not _NOT_TITLE.search(first.text):
        title_line = first
    issuer = next(
        (line for line in head if line is not title_line and _is_issuer_line(line.text)), None
    )
    title_line = _wrapped_title(doc, head, title_line, issuer)
    prefix, title = _title_with_issuer(title_line, issuer)
    organization: str | None
    span: str | None
    if issuer is not None:
        organization, span = issuer_of(issuer.text), issuer.text
    else:
        organization, span = (clean_org(prefix), prefix) if prefix else (None, None)
    title, site = _site_title(title)
    return Heading(organization, span, title, date, head[-1].end, site)


# A page title followed by its site's name, as a browser tab shows it.
_SITE_SEPARATOR = re.compile(r"\s+[|｜]\s+|\s*｜\s*")


def _site_title(title: str | None) -> tuple[str | None, str | None]:
    """`…に関するお詫び | 通販のXストア` → (the title, the site's name)."""
    parts = _SITE_SEPARATOR.split(title) if title else []
    if len(parts) < 2 or len(parts[0].strip()) < 8:
        return title, None
    return parts[0].strip(), parts[-1].strip() or None
