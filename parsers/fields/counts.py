"""People and card counts: which of the text's numbers is the headline figure.

A count counts when its sentence (or the heading above its line) says data leaked and
it is not a count of mails, accesses or files. `件` next to card words is a card count;
`名`/`人` always count people. Disjoint groups listed one per line (対象1 / 対象2,
学内 / 学外) are summed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from parsers.counts import CountMatch, find_counts
from parsers.fields.doc import (
    HELD,
    LEAK,
    Doc,
    Found,
    Span,
    introduced_by_leak,
    is_item_line,
    negated_after,
    shorten,
)

# Accounts count as the records of their holders (`5万9044IDに対し不正ログイン`).
_PEOPLE_UNITS = ("件", "名", "人", "アカウント", "ID")
_NOT_RECORDS_BEFORE = re.compile(
    r"(?:メール|アクセス|ファイル|通知|サーバ|端末|タイトル|回数|文書件数|書類件数|法人数)[^、。]{0,3}$"
)
_NOT_RECORDS_AFTER = re.compile(
    r"^\s*(?:の)?(?:迷惑)?(?:電子)?(?:メール(?!アドレス)|アクセス|ファイル|通(?![知帳信販院学勤常]))"
)
_GROUP_LABEL = re.compile(
    r"対象\s*\d|学内|学外|教職員|学生|生徒|児童|関係者|お客様|会員|職員|従業員|社員|保護者|患者|"
    r"利用者|利用客|取引先|顧客|受講者|応募者|卒業生|組合員|企業|団体|事業者|[1-9一二三四五六]年生"
)
# Not a group of people whose data leaked: parts of a total, or the recipients of a
# misdirected mailing (`対象のお客様宛:233件`).
# A cleft sentence (`流出した可能性があるのは…914人分の…`) restates the count in prose.
_NOT_GROUP = re.compile(r"内訳|うち|内数|上記|合計|総計|^計|宛|のは")
# A group's line: its label, then its count, alone, in brackets or heading the items (`学内 学生
# 312名分の氏名、学籍番号`, `(1)生徒 612名:氏名、住所`, `ア 入院患者(4人)の氏名`), or a table
# row (`入院患者<TAB>120人<TAB>氏名`). Prose (a line with `。` before its count) is none.
# The count starts a number (not inside a digit run), so a line of thousands of digits is
# tried once, not once per digit.
_GROUP_LINE = re.compile(
    r"^(?P<label>[^。]{1,80}?)\s*[:：]?\s*(?:約|最大|のべ|延べ)?\s*"
    r"(?P<count>(?<![\d,])\d[\d,]*\s*(?:件|名|人))(?:分)?\s*(?:$|の|[(（:：\t]|(?P<closed>[)）]))"
)
_TOTAL_LINE = re.compile(r"^\s*(?:計|合計|総計|総数|全体)\s*[:：]?\s*(?:約|最大|のべ|延べ)?\s*\d")
# A total (`…の計500名`, `合計で500名`) outranks the parts listed beside it; a sub-count
# (`うち会員300名`, `内訳`) never is the headline figure.
_TOTAL_BEFORE = re.compile(
    r"(?:計|合計|総計|総数|全体で|合わせて|あわせて)(?:で|は|が)?\s*[:：]?\s*$"
)
# `内` alone marks a part only as its own word (`その内`), not inside one (`学内者`, `社内`).
_SUB_BEFORE = re.compile(
    # `このうち、最大2万9773人`: part of the count before; `顧客のうち、最大で1万1975人分`: the
    # customers affected, out of all of them.
    r"(?:(?:この|その)うち[、,]?|うち|(?<![\u4e00-\u9fff])内(?:訳|数)?)[^、。\d]{0,20}$"
)
_SUB_SENTENCE = re.compile(r"^\s*(?:なお、)?(?:その|この|上記の?|これらの)?(?:うち|内訳)")
_CARD = re.compile(r"カード")
_OF_CARDS = re.compile(r"(?:分)?の(?:クレジット)?カード")
_CLAUSE_START = re.compile(r".*(?:、|及び|および|並びに|ならびに|と|。)", re.DOTALL)


@dataclass(frozen=True)
class Counts:
    people: Found[int | None]
    cards: Found[int | None]
    # The people whose records may include card data, when only some of `people` are.
    card_records: Found[int | None] = field(default_factory=lambda: Found(None))
    # Whether the sentence stating `people` speaks of card data: only then are they the
    # card holders when no card count is given (`カード情報を含む個人情報 1,234件`).
    people_with_cards: bool = False


def _states_leak(doc: Doc, sentence: Span) -> bool:
    return _leak_stated(doc.unquoted[sentence.start : sentence.end])


@functools.lru_cache(maxsize=64)
def _leak_stated(plain: str) -> bool:
    """Per sentence, not per count: a text of thousands of counts in one sentence (no `。`)
    is read once, not once per count."""
    return any(not negated_after(plain, m.end()) for m in LEAK.finditer(plain))


# A count stated as the number of personal data or of breached accounts (`個人情報の件数
# 31,429件`, `個人情報の数としては…合計約2万名`, `不正ログインが確認されたアカウントは…`).
_COUNT_OF_DATA = re.compile(
    r"個人情報(?:の)?(?:データ)?(?:の)?(?:件数|数|人数)|対象(?:者|人)数|(?:影響|漏えい|漏洩|流出)(?:人数|件数)|"
    # A sentence about the count itself (`件数は…486人分だということです`).
    r"^\s*(?:件数|人数)は|"
    # `送信されていた顧客情報は、11,941件`: the data a leak verb qualifies, as the subject its
    # count is said of (not what the organization holds: `お預かりしているお客様情報は約12万件`).
    r"(?:され|し)(?:てい)?た(?:可能性の?ある)?(?:個人|顧客|会員|お客様|利用者|患者)(?:の)?情報"
    r"(?:は|が)[、\s]*(?:約|最大|計)?\s*$|"
    r"不正(?:ログイン|アクセス)(?:件数|(?:が確認され|され|を受け)た(?:アカウント|ID|会員))"
)


# People counted as the owners of the data (`46人分の個人情報が書かれたメモ帳`, `のべ1400人余り
# の名前や住所`): what an incident notice counts so is what was exposed.
_OF_PERSONAL_DATA = re.compile(
    r"(?:分|余り)?の(?:個人情報|氏名|名前|住所|成績|診療情報|(?:電子)?カルテ|診療録|患者情報|"
    r"顧客情報|会員情報|(?:電子|個人)?メールアドレス)"
)


_ATTACKED_AFTER = re.compile(r"(?:分)?(?:に対し(?:て)?|が|で)[^。]{0,6}?不正(?:ログイン|アクセス)")


_LABEL_WINDOW = 80
_AT_START_ONLY = re.compile(r"\s*(?:件数|人数)は")


@functools.lru_cache(maxsize=64)
def _held(plain: str) -> bool:
    return HELD.search(plain) is not None


@functools.lru_cache(maxsize=64)
def _addressed_to_those_affected(plain: str) -> bool:
    return bool(
        re.search(r"対象|該当", plain) and re.search(r"お客様|方|者|会員|皆様|皆さま", plain)
    )


def _leak_context(doc: Doc, count: CountMatch, held: bool) -> bool:
    sentence = doc.sentence_at(count.start)
    plain = doc.unquoted[sentence.start : sentence.end]
    if _states_leak(doc, sentence):
        return True
    if count.unit in ("名", "人") and _OF_PERSONAL_DATA.match(doc.text, count.end):
        return True
    if count.unit in ("ID", "アカウント") and _ATTACKED_AFTER.match(doc.text, count.end):
        return True  # `5万9044IDに対し不正ログインが発生`: the accounts broken into
    # What names the count stands just before it; a window keeps a sentence of thousands of
    # counts linear.
    window_start = max(sentence.start, count.start - _LABEL_WINDOW)
    if _COUNT_OF_DATA.search(doc.unquoted[window_start : count.start]):
        return window_start == sentence.start or not _AT_START_ONLY.match(
            doc.unquoted, window_start
        )
    if _OF_CARDS.match(doc.text, count.end) and _held(plain):
        return True  # `…のほか、81件のクレジットカード情報が含まれていた`
    index = doc.line_index(count.start)
    if index > 0 and re.match(r"\s*(?:約|最大)?\d", doc.lines[index].text):
        # A count under its label (`個人情報の件数⏎22,796件`).
        label = doc.lines[index - 1].text
        if _COUNT_OF_DATA.search(label) and len(label) <= 30:
            return True
    if held and _held(plain) and not _IF.search(plain):
        return True  # `USBメモリには…児童延べ112人分の氏名…が保存されていた`
    if _SUB_SENTENCE.match(plain) and sentence.start > 0:
        # `…が漏えいした可能性があります。そのうちクレジットカード情報1,024件…`
        previous = doc.sentence_at(sentence.start - 1)
        if previous.text and _states_leak(doc, previous):
            return True
    if _addressed_to_those_affected(plain):
        return True
    line = doc.lines[index].text
    # A long label line that ends in its count, not a sentence (`…の期間中に入力された
    # クレジットカード情報 最大7,093件`), sits under its heading like a list item.
    if not is_item_line(line) and (line.endswith("。") or count.end < doc.lines[index].end - 2):
        return False
    return introduced_by_leak(doc, index, back=2, held=held)


# Staff who acted (`本学教員1名がフィッシングメールの…`), not people whose data leaked.
_ACTOR = re.compile(
    r"(?:教員|教諭|職員|従業員|社員|担当者|委託先|看護師|医師|技師|薬剤師|警察官|巡査|校長|教頭|担任|"
    r"課長|部長)(?:ら)?の?\s*$"
)
_ACTOR_AFTER = re.compile(r"^\s*(?:が|は|で)")
_ARRESTED = re.compile(r"逮捕|送検|起訴|疑いで")
# People who reported it (`受信した1人から連絡があり`) or were disciplined for it (`職員57人を
# 懲戒処分`): not people whose data leaked.
_NOT_AFFECTED_AFTER = re.compile(
    r"\s*[)）]?(?:から|より)[^。]{0,40}?(?:連絡|指摘|通報|申し出|問い合わせ)|"
    r"\s*を(?:懲戒|処分|停職|減給|戒告|免職|訓告|厳重注意)|"
    # Those a file was shared with or sent to (`生徒計82名と共有された`), not whose data it held.
    r"\s*(?:と(?:共有|送信|送付|配布|配信)|に対し(?:て)?[^。]{0,30}?(?:共有|送信|送付|配布|配信))|"
    # Those it leaked to (`顧客情報1件が、別の顧客3名に流出`); those a mail went to are
    # often whose addresses it showed (`学生12名に送信したメールにおいて、宛先を誤り`).
    r"\s*(?:の方)?に(?:流出|漏えい|漏洩|誤送付|誤配信)|"
    # People arrested or charged (`元社員1名の計4名を、…違反の疑いで逮捕`).
    r"\s*を[、\s]*[^。]{0,40}?(?:逮捕|送検|起訴|疑いで)|\s*(?:が|は)[^。]{0,40}?(?:逮捕|送検|起訴)さ|"
    # Postings counted, not records (`3件の情報発信において`).
    r"\s*の(?:情報発信|発信|投稿|書き込み)|"
    # Incidents counted, not records (`事案が2件発生`, `2件、個人情報を紛失する事案`).
    r"\s*(?:の)?(?:事案|事故|事象|インシデント)|\s*[、,][^。]{0,20}?事案(?:が|を)?(?:あり|発生)"
)
_INCIDENTS_BEFORE = re.compile(r"(?:事案|事故|事象)(?:が|は)\s*$")


def _is_record_count(doc: Doc, count: CountMatch) -> bool:
    before = doc.text[max(0, count.start - 12) : count.start].replace("メールアドレス", "")
    after = doc.text[count.end : count.end + 8]
    if _ACTOR.search(before) and (
        _ACTOR_AFTER.match(after) or _ARRESTED.search(doc.sentence_at(count.start).text)
    ):
        return False
    if _NOT_AFFECTED_AFTER.match(doc.text, count.end, count.end + 50):
        return False
    if _INCIDENTS_BEFORE.search(before):
        return False
    if count.unit in ("名", "人") and count.text.endswith("分"):
        return True  # `通知書は17名分`: data of so many people, whatever held it
    return not (_NOT_RECORDS_BEFORE.search(before) or _NOT_RECORDS_AFTER.match(after))


def _is_sub_count(doc: Doc, count: CountMatch) -> bool:
    line = doc.lines[doc.line_index(count.start)]
    before = doc.text[max(line.start, count.start - 24) : count.start]
    return bool(_SUB_BEFORE.search(before))


def _is_total(doc: Doc, count: CountMatch) -> bool:
    if re.match(r"(?:計|合計|総計|総数)", count.text):
        return True
    line = doc.lines[doc.line_index(count.start)]
    return bool(_TOTAL_BEFORE.search(doc.text[max(line.start, count.start - 8) : count.start]))


# What a count names right after it (`20万件個人情報`, `300名の顧客情報`): not card data.
_OF_PERSONAL_RECORDS = re.compile(r"(?:分)?の?(?:個人情報|顧客情報|会員情報)")
# The card data of part of the people (`このうち、最大2万9773人ではクレジットカード情報も`).
_CARDS_AMONG = re.compile(r"(?:で|に)?(?:は|も)?[^。、]{0,6}?(?:クレジット)?カード")
_CARD_SUBJECT = re.compile(r"カード(?:情報|番号)(?:が|は)[^、。]{0,6}$")
# Fraudulent charges counted (`不正使用は…約300件`), not cards.
_USES_BEFORE = re.compile(r"不正(?:使用|利用)(?:(?:は|が)[^。カ]{0,20})?$")


def _is_card_count(doc: Doc, count: CountMatch) -> bool:
    sentence = doc.sentence_at(count.start)
    head = doc.text[sentence.start : count.start]
    clause = _CLAUSE_START.sub("", head)[-20:]
    if count.unit != "件":
        # `お客様3,870名のクレジットカード情報`: the people whose card data it is.
        if _OF_CARDS.match(doc.text, count.end):
            return True
        # `クレジットカード情報が最大112,132人分`: card data counted by their holders.
        if _CARD_SUBJECT.search(clause):
            return True
        # `うちクレジットカード情報を含むお客様300名`: records that include card data.
        return _is_sub_count(doc, count) and bool(
            _CARD.search(clause) or _CARDS_AMONG.match(doc.text, count.end)
        )
    if _OF_PERSONAL_RECORDS.match(doc.text, count.end) or _USES_BEFORE.search(head):
        return False
    if _CARD.search(clause):
        return True
    if re.match(r"\s*[(（]?\s*(?:うち|内訳)", doc.text[count.end : count.end + 4]):
        return False  # `22,796件(うち、クレジットカード情報を含む…)`: the cards are the part
    return bool(_CARD.search(sentence.text)) and "個人情報" not in clause


def _group_sum(doc: Doc) -> Found[int | None] | None:
    """`学内教職員 485件 / 学内学生 849件 / 学外関係者 788件` → 2122, when ≥2 such lines sit
    together under a leak heading; a `計` line right below them is taken as it stands."""
    groups: list[tuple[int, int, str]] = []
    for i, line in enumerate(doc.lines):
        m = _GROUP_LINE.match(line.text)
        if not m or not _GROUP_LABEL.search(m.group("label")) or _NOT_GROUP.search(line.text):
            continue
        if _OF_CARDS.match(line.text, m.end("count")):
            continue  # the card holders among the groups, not a group of its own
        if m.group("closed") and not m.group("label").endswith(("(", "（")):
            continue  # `…(37件・対象者438名分)`: a detail of an item, not a group's count
        counts = find_counts(m.group("count"))
        if counts:
            groups.append((i, counts[0].value, line.text))
    if len(groups) < 2 or groups[-1][0] - groups[0][0] > 30:
        return None
    if not introduced_by_leak(doc, groups[0][0], back=3):
        return None
    last = groups[-1][0]
    for line in doc.lines[last + 1 : last + 3]:
        total = find_counts(line.text) if _TOTAL_LINE.match(line.text) else []
        if total:
            return Found(total[0].value, shorten(line.text, 60))
    return Found(sum(v for _, v, _ in groups), " / ".join(shorten(t, 60) for _, _, t in groups))


_IF = re.compile(r"場合|際は|際には|ください")
# `申込児童104人の保護者86件のメールアドレス`: the first count only describes the second.
_DESCRIBES_NEXT = re.compile(r"(?:分)?の[^、。\d]{1,10}?(?:約|最大|計)?\d")
_RECORDS_NEXT = re.compile(
    r"(?:分)?の[^、。\d]{0,6}?(?:アドレス|情報|データ)[^、。\d]{0,4}?(?:約|最大|計)?\d"
)
_JOINED = re.compile(r"[、,]|及び|および|並びに|ならびに|と|/")


def _inline_groups(doc: Doc, first: CountMatch) -> Found[int | None] | None:
    """`生徒123名及び保護者98名の氏名…` → 221: disjoint groups counted side by side in the
    sentence of the headline count, each count right after its own group's name."""
    sentence = doc.sentence_at(first.start)
    counts = [
        c
        for c in find_counts(sentence.text)
        if c.unit in _PEOPLE_UNITS
        and not re.match(r"(?:計|合計|総計|総数)", c.text)
        and not _NOT_AFFECTED_AFTER.match(sentence.text, c.end, c.end + 50)
    ]
    labels: list[str] = []
    for c in counts:
        before = _JOINED.split(sentence.text[max(0, c.start - 12) : c.start])[-1]
        m = _GROUP_LABEL.search(before)
        if m is None or _SUB_BEFORE.search(before) or re.search(r"計|うち|内訳", before):
            return None
        labels.append(m.group(0))
    if len(counts) < 2 or len(set(labels)) < len(labels):
        return None
    return Found(sum(c.value for c in counts), shorten(sentence.text))


# A second group said to have had only part of the data leaked (`また、カード情報以外の個人
# 情報のみが流出した可能性のあるお客さまは最大63,049名`): disjoint from the first, so added.
_ONLY = re.compile(r"のみ(?:が|を)?[^。]{0,20}?(?:流出|漏えい|漏洩|閲覧|対象)")


def _only_group(
    doc: Doc, first: CountMatch, found: list[CountMatch], held: bool
) -> Found[int] | None:
    """The second group, among the text's counts `found`, after the first one's sentence."""
    first_sentence = doc.sentence_at(first.start)
    if _ONLY.search(first_sentence.text):
        return None
    for count in found:
        if count.start < first_sentence.end:
            continue
        sentence = doc.sentence_at(count.start)
        if sentence.start - first_sentence.end > 200:
            break
        if count.unit not in ("名", "人") or not _ONLY.search(
            doc.text[sentence.start : count.start]
        ):
            continue
        if _leak_context(doc, count, held) and not _is_card_count(doc, count):
            return Found(count.value, shorten(sentence.text))
    return None


def _states_exactly(rounded: int, exact: int) -> bool:
    """Whether `exact` is the figure a round count (`約12万件`, `1万1千人`, `5800人余り`)
    rounded: a lead or sub-headline rounds what the body states (`12万580件`, `5816人`)."""
    for unit in (1000, 100):
        if rounded >= unit * 10 and rounded % unit == 0 and exact % unit != 0:
            return abs(exact - rounded) < rounded * 0.1
    return False


def extract_counts(doc: Doc, *, held: bool = False, body_start: int = 0) -> Counts:
    """The headline people count (or the sum of listed groups) and card count. `held`: the
    notice is about a lost or misdirected medium, so what it held counts as exposed. A
    count in the head (before `body_start`) is taken only when the body states none: a
    headline rounds (`15万人分`) what the body states exactly (`約15万8千人分`)."""
    people: Found[int | None] = Found(None)
    total: Found[int | None] = Found(None)
    cards: Found[int | None] = Found(None)
    people_count: CountMatch | None = None
    card_count: CountMatch | None = None
    found = find_counts(doc.text)
    ordered = [c for c in found if c.start >= body_start] + [
        c for c in found if c.start < body_start
    ]
    for count in ordered:
        if count.unit not in _PEOPLE_UNITS or count.value <= 0:
            continue
        if not _is_record_count(doc, count) or not _leak_context(doc, count, held):
            continue
        evidence = shorten(doc.sentence_at(count.start).text)
        if _DESCRIBES_NEXT.match(doc.text, count.end):
            # `7409人のクレジットカード情報7645件`, `登壇者103名のアドレス105件`: the people
            # whose records are counted next.
            records_next = _OF_CARDS.match(doc.text, count.end) or _RECORDS_NEXT.match(
                doc.text, count.end
            )
            if count.unit in ("名", "人") and people.value is None and records_next:
                people, people_count = Found(count.value, evidence), count
            continue
        if _is_card_count(doc, count):
            if cards.value is None or _states_exactly(cards.value, count.value):
                cards = Found(count.value, evidence)
                card_count = count
        elif _is_sub_count(doc, count):
            continue
        elif total.value is None and _is_total(doc, count):
            total = Found(count.value, evidence)
        elif people.value is None or (
            people_count is not None and _states_exactly(people.value, count.value)
        ):
            people = _inline_groups(doc, count) or Found(count.value, evidence)
            people_count = count
        elif (
            people_count is not None
            and people_count.unit == "件"
            and count.unit in ("名", "人")
            and doc.sentence_at(count.start) == doc.sentence_at(people_count.start)
        ):
            # `調査票37件・対象者911人分`: records counted beside the people they are about.
            people = Found(count.value, evidence)
            people_count = None
    if total.value is not None:
        return Counts(total, cards)
    if people_count is not None and people.value is not None:
        only = _only_group(doc, people_count, found, held)
        if only is not None:
            both: Found[int | None] = Found(
                people.value + only.value, f"{people.evidence} / {only.evidence}"
            )
            return Counts(both, cards, card_records=people)
    grouped = _group_sum(doc)
    if grouped is not None:
        return Counts(grouped, cards)
    if people.value is None and card_count is not None and card_count.unit in ("名", "人"):
        # `7409人のクレジットカード情報が漏えい`: the card holders are the people affected.
        people = cards
    with_cards = False
    if people_count is not None:
        # … in its sentence or the next (`…個人情報データは最大で335件。流出したクレジット
        # カード情報については以下の通り`).
        sentence = doc.sentence_at(people_count.start)
        following = next((s for s in doc.sentences if s.start >= sentence.end), sentence)
        with_cards = bool(_CARD.search(sentence.text) or _CARD.search(following.text))
    return Counts(people, cards, people_with_cards=with_cards)
