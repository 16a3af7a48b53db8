"""Published, discovered and exposure-period dates.

Discovery: a date tied to a discovery verb (発覚, 判明, 連絡を受け, 検知…) in the same
sentence. A date inside the clause the verb reports on (`10月31日に…発信していることが
判明`) is the event, not the discovery, unless it opens the sentence (`2022年11月17日、…`).
Exposure: stated periods (`…から…までの間`, `…~…の期間`, a period under a 期間 heading),
and for misdirected data the dates it was made visible and withdrawn.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from parsers.fields.doc import LEAK, MARKER, Doc, Found, Span, shorten
from parsers.fields.heading import Heading, is_full_date, is_prose, issuer_of
from parsers.jpdate import DateMatch, PeriodMatch

_DISCOVERY = re.compile(
    r"発\s?覚|判\s?明|(?:第)?一報(?:を受け|があ(?:り|っ))|"
    # Told by someone (`ご連絡をいただき`, `お問い合わせがあり`, `連絡が担当者にあり`,
    # `連絡に基づいて`), not asking to be told (`ご連絡いただきますよう`).
    r"(?:連絡|報告|指摘|通報|申告|相談|問い?合わせ|申し出)(?:を|が[^、。]{0,12}?に|が)?"
    r"(?:受け|あ(?:り|っ)|いただ(?!きますよう|けます)|頂(?!きますよう|けます))|"
    r"(?:連絡|報告|指摘|通報)に基づ(?:き|いて)|"
    # A message passed on by phone or mail (`市民から「…」との電話があった`).
    r"(?:との|という)(?:お|ご)?(?:電話|メール)(?:が|を)?(?:あ(?:り|っ)|受け)|"
    r"気づ|気付|気が付|気がつ|検知|発見|認知|覚知|把握し|認識し|見つか(?:った|り(?!ませ))|"
    # Found missing (`保管場所に見当たりませんでした`), a report received as labelled
    # (`通報受信日時`), a fact that came to light (`…ことが28日、分かった`).
    r"見当たら(?:ない|なかっ|ず)|見当たりませんでした|(?:通報|連絡|報告|指摘)(?:受信|受付|受理)|"
    r"(?<=、)(?:分か|わか)った|(?<=ことが)(?:分か|わか)った|"
    r"確認(?:しました|いたしました|されました|した(?=ため|ところ|ことから|。|\d|同)|し(?=、)|され(?=、|た。|た、))|"
    r"異常(?:が|を)(?:み|見)られ|異常を(?:検知|確認)"
)
_DENIED = re.compile(
    r"^(?:せず|されず|でき(?:ず|ない|ておりません)|され(?:て)?(?:おりません|いません|ていない)|して(?:おりません|いません))"
)
# What may follow a date before the sentence goes on: its weekday and a clock time.
_WEEKDAY = r"(?:[(（][月火水木金土日祝]+(?:曜日?)?[)）])?"
_CLOCK = r"(?:午前|午後)?\s*\d{1,2}\s*[:時]\s*(?:\d{1,2}\s*分?)?"
# After a date: weekday, time of day, then `、` means the date opens the sentence.
_AFTER_DATE = re.compile(
    rf"\s*{_WEEKDAY}\s*"
    rf"(?:{_CLOCK}\s*(?:頃|ごろ)?|午前|午後|未明|早朝|朝|昼|夕方?|夜|深夜|頃)?\s*"
    r"(?:(?:(?:頃|ごろ)?(?:に|から|以降))?\s*[、:：]|(?:頃|ごろ)?には)"
)
_EMBEDDED = re.compile(r"こと|事(?=[がを])")
# `翌1月19日にUSBメモリを使おうとした際、紛失したことに気付いた`: the date of a
# circumstance the main verb happened in, not of what the verb reports.
_CIRCUMSTANCE = re.compile(r"(?:際|とき|時)(?:に)?、")
# … or of the event that revealed it (`12月20日に入居者が区に通報したことにより事態が発覚`),
# unless what was found is itself a fact the verb reports (`…開封したことにより、…感染して
# いたことが判明`: the opening caused the infection, not its finding).
_REVEALED_BY = re.compile(r"ことによ(?:り|って)|ことで(?=[^きす])|ことから|ことをきっかけに")
# A date marking since when something went on (`1月6日 21:00頃より、…メールが送信されて
# いるとのご報告`) dates that event, not the moment the organization was told of it.
_SINCE_AFTER = re.compile(rf"\s*{_WEEKDAY}\s*(?:{_CLOCK})?\s*(?:頃|ごろ)?\s*より")
_PERIOD_FOLLOW = re.compile(
    r"^\s*(?:の)?(?:期間|間|にかけて)|^\s*(?:に|で)(?!発注|登録|ご?購入|ご?注文)"
)
_PERIOD_LABEL = re.compile(r"期間")
_EXPOSE_START = re.compile(
    r"(?:設定|公開|掲載|アップロード|送信|転送|共有|配信)(?:を)?(?:開始|行|し|され)|(?:に|へ)(?:あげ|上げ|アップ)"
)
# Asking recipients to delete a sent mail (`削除をお願い`, `削除を依頼`) ends nothing: a
# mail once sent stays readable, so a single sending is an event, not a period.
_EXPOSE_END = re.compile(
    r"停止|削除(?!(?:を|の)?(?:お願い|依頼|要請|求め))|非公開|見られない状態|閲覧できない状態|"
    r"閲覧不可|取り下げ|公開を(?:停止|中止|終了)"
)
# Data shown or visible to others during a stated window (`…から…まで発生した`, a display
# fault): the window is when the data were exposed.
_SHOWN_AFTER = re.compile(r"^[、\s]*[^。]{0,8}?(?:発生|表示|閲覧|公開|掲載)")


@dataclass(frozen=True)
class Exposure:
    start: Found[dt.date | None]
    end: Found[dt.date | None]


# A date the page labels as the notice's (`記者発表日時:2025年12月12日18時`, `公開日 …`).
_PUBLISHED_LABEL = re.compile(r"(?:記者)?(?:発表|公表|掲載|公開|配信)(?:日|日時)\s*[:：/]?\s*$")
_LABELLED_LINES = 5
# Lines at the end of a letter that sign it: a date line above the issuer's name.
_CLOSING_LINES = 8


def _labelled_date(doc: Doc) -> DateMatch | None:
    for line in doc.lines[:_LABELLED_LINES]:
        for d in doc.dates_in(line.start, line.end):
            if is_full_date(d) and _PUBLISHED_LABEL.search(doc.text[line.start : d.start]):
                return d
    return None


def _closing_date(doc: Doc) -> DateMatch | None:
    """`令和6年11月15日⏎独立行政法人X⏎Y病院⏎院長 X`: a letter dated where it is signed."""
    lines = doc.lines[-_CLOSING_LINES:]
    for i, line in enumerate(lines[:-1]):
        dates = [d for d in doc.dates_in(line.start, line.end) if is_full_date(d)]
        if dates and len(line.text.strip()) <= len(dates[0].text) + 4:
            signed = any(issuer_of(below.text) for below in lines[i + 1 : i + 3])
            # Prose below it: the head of a notice quoted at the end of a text, not its close.
            if signed and not any(is_prose(below.text) for below in lines[i + 1 :]):
                return dates[0]
    return None


def extract_published(doc: Doc, heading: Heading, *, news: bool) -> Found[dt.date | None]:
    """The head's date, or one labelled as the page's; for an own notice, else the date it
    is signed with; for a news article, else the first full date of its first paragraph."""
    if heading.date is not None:
        return Found(heading.date.date, heading.date.text)
    labelled = _labelled_date(doc)
    if labelled is not None:
        return Found(labelled.date, labelled.text)
    if not news:
        closing = _closing_date(doc)
        return Found(closing.date, closing.text) if closing else Found(None)
    first = next((line for line in doc.lines if line.start >= heading.body_start), None)
    if first is None:
        return Found(None)
    for d in doc.dates_in(first.start, first.end):
        if is_full_date(d):
            return Found(d.date, d.text)
    return Found(None)


def _in_period(doc: Doc, d: DateMatch) -> bool:
    return any(p.span_start <= d.start and d.end <= p.span_end for p in doc.periods)


# A date right after the topic (`この教員は10月15日に…ことに気づき`) dates the main verb.
_TOPIC_BEFORE = re.compile(r"は[、\s]*$")
_RESULT_BEFORE = re.compile(r"(?:結果|ところ)[、\s]*$")


def _attached(doc: Doc, d: DateMatch, verb: re.Match[str]) -> bool:
    """Whether date `d` dates the verb rather than an embedded event."""
    if _SINCE_AFTER.match(doc.text, d.end):
        return False
    circumstance = _CIRCUMSTANCE.search(doc.text, d.end, verb.start())
    if circumstance and not _EMBEDDED.search(doc.text, d.end, circumstance.start()):
        return True
    revealed = _REVEALED_BY.search(doc.text, d.end, verb.start())
    if (
        revealed
        and not _EMBEDDED.search(doc.text, d.end, revealed.start())
        and not _EMBEDDED.search(doc.text, revealed.end(), verb.start())
    ):
        return True
    embedded = _EMBEDDED.search(doc.text, d.end, verb.start()) is not None
    # `調査の結果、同年9月28日に、…攻撃が行われ…たことが判明`: after `結果、` the date
    # opens the finding the verb reports, even when a comma follows it.
    if embedded and _RESULT_BEFORE.search(doc.text, max(0, d.start - 6), d.start):
        return False
    if _AFTER_DATE.match(doc.text, d.end) or _TOPIC_BEFORE.search(
        doc.text, max(0, d.start - 4), d.start
    ):
        return True
    return not embedded


# An incident the organization was part of as it happened (`6月3日、社員が資料を紛失する事象
# が発生しました`, `10月31日早朝に発生したサイバー攻撃により…利用できなくなり`): known that day.
_OCCURRED = re.compile(
    r"(?:事案|事象|事故|不具合|障害|異常)が発生|"
    r"(?<=に)発生(?:した|いたしました|しました)[^。]{0,8}?"
    r"(?:サイバー攻撃|システム障害|障害|不正アクセス|漏えい|漏洩|誤送信|誤配付|誤配布|紛失)"
)
_AT_TIME = re.compile(rf"\s*{_WEEKDAY}\s*(?:午前|午後|未明|早朝|朝|昼|夕方?|夜|深夜)?\s*に")


def _occurred(doc: Doc) -> Found[dt.date | None]:
    """The date an incident known as it happened occurred, when no discovery is dated."""
    for sentence in doc.sentences:
        m = _OCCURRED.search(doc.unquoted, sentence.start, sentence.end)
        if m is None:
            continue
        for d in doc.dates_in(sentence.start, m.start()):
            at = _AT_TIME.match(doc.text, d.end)
            if _opens(doc, sentence, d) or (at and at.end() == m.start()):
                return Found(d.date, shorten(sentence.text))
    return Found(None)


def extract_discovered(doc: Doc) -> Found[dt.date | None]:
    """The earliest date the text ties to the organization learning of the incident; for an
    incident known as it happened, the day it happened."""
    best: tuple[dt.date, str] | None = None
    for sentence in doc.sentences:
        dates = [d for d in doc.dates_in(sentence.start, sentence.end) if not _in_period(doc, d)]
        if not dates:
            continue
        for m in _DISCOVERY.finditer(doc.unquoted, sentence.start, sentence.end):
            if _DENIED.match(doc.text[m.end() : m.end() + 12]):
                continue
            before = [d for d in dates if d.end <= m.start()]
            opening = before[0] if before and _opens(doc, sentence, before[0]) else None
            # A date opening the sentence dates its main verb; later dates before the verb
            # are events it reports (`9月24日、…同月11日に…取得していたことが判明`). Else the
            # date nearest the verb dates it (`15日に発送したところ、18日に連絡があり`).
            attached = [d for d in before if _attached(doc, d, m)]
            candidates = [opening] if opening else attached[-1:]
            candidates += [d for d in dates if _modified_by(doc, m, d)]
            for d in candidates:
                if best is None or d.date < best[0]:
                    best = (d.date, shorten(sentence.text))
    timeline = _timeline_discovered(doc)
    if timeline is not None and (best is None or timeline.value < best[0]):
        return Found(timeline.value, timeline.evidence)
    if best is None:
        return _same_day_discovered(doc) or _occurred(doc)
    return Found(best[0], best[1])


# A finding dated by a short time after an event the text dated before (`メール送信から約10分
# 後、…連絡があり、誤送信が発覚`): the day of that event.
_SAME_DAY = re.compile(
    r"(?:から|後)[、\s]*(?:約|およそ)?\s*\d+\s*(?:分|時間)(?:後|ほど|程度)|直後|直ちに|その日のうちに"
)
_EARLIER_SENTENCES = 3


def _same_day_discovered(doc: Doc) -> Found[dt.date | None] | None:
    for i, sentence in enumerate(doc.sentences):
        for m in _DISCOVERY.finditer(doc.unquoted, sentence.start, sentence.end):
            if _DENIED.match(doc.text[m.end() : m.end() + 12]):
                continue
            if not _SAME_DAY.search(doc.text, sentence.start, m.start()):
                continue
            if doc.dates_in(sentence.start, m.start()):
                continue
            earlier = doc.sentences[max(0, i - _EARLIER_SENTENCES) : i]
            dates = [
                d for s in earlier for d in doc.dates_in(s.start, s.end) if not _in_period(doc, d)
            ]
            if dates:
                return Found(dates[-1].date, shorten(sentence.text))
    return None


# A dated timeline's date line (`■令和4年2月28日(月)`, `2024年5月7日(火)14時頃`): the
# lines below it, up to the next date line, happened that day.
_DATE_LINE_REST = re.compile(rf"\s*{_WEEKDAY}\s*(?:{_CLOCK}\s*(?:頃|ごろ)?)?\s*$")
_TIMELINE_SPAN = 6


def _date_line(doc: Doc, line: Span) -> DateMatch | None:
    """The date a timeline's line stands for: a date alone, or a period alone (`□2月6日(金)
    ~2月9日(月)`: events over several days, the first of which it starts with)."""
    dates = doc.dates_in(line.start, line.end)
    periods = [p for p in doc.periods if line.start <= p.span_start < line.end]
    if len(periods) == 1 and len(dates) == 2:
        date, end = periods[0].start, dates[1].end
    elif len(dates) == 1 and not _in_period(doc, dates[0]):
        date, end = dates[0], dates[0].end
    else:
        return None
    head = doc.text[line.start : date.start].strip(" \u3000")
    if head and not MARKER.fullmatch(head) and head not in _OPENING_BRACKETS:
        return None
    rest = doc.text[end : line.end].rstrip(" \u3000】]")
    return date if _DATE_LINE_REST.match(rest) else None


_OPENING_BRACKETS = ("【", "[", "［", "〔")


def _timeline_discovered(doc: Doc) -> Found[dt.date] | None:
    """The earliest date line of a timeline (two or more date lines, each over its events
    as items or indented lines) whose events include learning of the incident."""
    # Only lines holding a date can be date lines: a long text is not walked line by line.
    holding = sorted({doc.line_index(d.start) for d in doc.dates})
    dated = [(i, d) for i in holding if (d := _date_line(doc, doc.lines[i]))]
    if len(dated) < 2:
        return None
    ends = [i for i, _ in dated[1:]] + [len(doc.lines)]
    for (i, d), end in zip(dated, ends, strict=True):
        below = doc.lines[i + 1 : min(end, i + 1 + _TIMELINE_SPAN)]
        for line in below:
            for m in _DISCOVERY.finditer(doc.unquoted, line.start, line.end):
                if not _DENIED.match(doc.text[m.end() : m.end() + 12]):
                    return Found(d.date, shorten(f"{doc.lines[i].text} {line.text}"))
    return None


# A news sentence's source before its date (`同社によると2024年5月10日、…`).
_ATTRIBUTION = re.compile(r"^[^、。]{1,15}?によ(?:ると|れば)、?")


def _opens(doc: Doc, sentence: Span, d: DateMatch) -> bool:
    lead = _ATTRIBUTION.sub("", doc.text[sentence.start : d.start].strip(" \u3000\n・"))
    return len(lead.strip(" \u3000\n・")) <= 2 and bool(_AFTER_DATE.match(doc.text, d.end))


def _modified_by(doc: Doc, verb: re.Match[str], d: DateMatch) -> bool:
    """`被害を確認した6月10日に…`: the discovery verb modifies the date right after it."""
    if d.start < verb.end() or d.start - verb.end() > 6:
        return False
    joined = verb.group(0) + doc.text[verb.end() : d.start].strip()
    # `発覚日:令和6年7月10日` labels the date; `発覚したのは3月4日` says it.
    return bool(_LABEL_OR_CLEFT.search(joined))


_LABEL_OR_CLEFT = re.compile(
    r"(?:した|された)(?:のは)?$|(?:日|日時)\s*[:：]?$|^(?:発\s?覚|判\s?明)\s*[:：]?$"
)


# A period defining whose records were stored (`…までの間に当サイトからご応募いただいた方の
# 情報`): outside card skimming (where the payments made in the window are the ones captured)
# it says nothing about when data were exposed.
_WHOSE_AFTER = re.compile(
    r"\s*(?:(?:の(?:間|期間)|期間中?)に|に)[^。]{0,30}?"
    r"(?:応募|登録|購入|注文|申込|申し込|入会|加入|契約|受講|受験|来店|受診|利用|入院|通院|在籍|入学)"
    r"[^。]{0,8}?(?:いただいた|いただきました|された|した|の)\s*"
    r"(?:方|お客様|お客さま|会員|皆様|皆さま|者|利用者|顧客|患者様?|患者さま|生徒|学生)"
)
# What the organization did afterwards (`11月15日から18日にかけて、…訪問又は電話により経緯を
# 説明し、お詫びしました`): a period of its response, not of exposure.
_RESPONSE = re.compile(
    r"説明|お詫び|おわび|謝罪|ご連絡|連絡を|訪問|電話(?:にて|で|により)|回収|通知(?:を|し)"
)


def _response_period(doc: Doc, p: PeriodMatch) -> bool:
    sentence = doc.sentence_at(p.span_start)
    rest = doc.unquoted[p.span_end : sentence.end]
    return bool(_RESPONSE.search(rest)) and not LEAK.search(
        doc.unquoted, sentence.start, sentence.end
    )


# A window in which mails or papers were sent by mistake (JUDGEMENTS: not an exposure period).
_SENT_IN = re.compile(
    r"(?:の間)?[、\s]*[^。]{0,40}?(?:誤って|間違って|誤った)[^。]{0,30}?"
    r"(?:送信|送付|配信|発送|郵送)(?:し|され|いた|を)"
)


def _stated_period(
    doc: Doc, p: PeriodMatch, *, misdirected: bool = False, skimming: bool = False
) -> bool:
    after = doc.text[p.span_end : p.span_end + 8]
    if misdirected and _SHOWN_AFTER.match(doc.text[p.span_end : p.span_end + 16]):
        return True
    if _SENT_IN.match(doc.text, p.span_end):
        return False  # `…から…までの間、…誤って送信しました`: when mails went out, an event
    if p.text.endswith("まで") and after.startswith("に"):
        return False  # `…までに発注された`: a deadline defining whose records, not exposure
    if not skimming and _WHOSE_AFTER.match(doc.text, p.span_end):
        return False
    if _response_period(doc, p):
        return False
    if _PERIOD_FOLLOW.match(after):
        return True
    line = doc.lines[doc.line_index(p.span_start)]
    if _PERIOD_LABEL.search(doc.text[line.start : p.span_start]):
        return True
    alone = len(line.text) <= len(p.text) + 8
    heads = doc.context_lines(doc.line_index(p.span_start), back=1)
    return alone and any(_PERIOD_LABEL.search(h.text) for h in heads)


def _event_dates(doc: Doc, pattern: re.Pattern[str]) -> list[tuple[DateMatch, Span]]:
    """(date, sentence) for each verb of `pattern` with a date before it in its sentence."""
    out = []
    for sentence in doc.sentences:
        dates = doc.dates_in(sentence.start, sentence.end)
        for m in pattern.finditer(doc.text, sentence.start, sentence.end):
            before = [d for d in dates if d.end <= m.start()]
            if before:
                out.append((before[-1], sentence))
    return out


def extract_exposure(doc: Doc, *, misdirected: bool, skimming: bool = False) -> Exposure:
    """Earliest start and latest end of the stated exposure periods; for misdirected data,
    missing ends are filled from when it was sent or made visible and when that stopped.
    `skimming`: card data were captured as typed, so the window of payments is exposure."""
    start: Found[dt.date | None] = Found(None)
    end: Found[dt.date | None] = Found(None)
    stated = [
        p for p in doc.periods if _stated_period(doc, p, misdirected=misdirected, skimming=skimming)
    ]
    if skimming:
        # A window found for the card leak outranks the wider one defining whose records
        # (`…までの期間にご購入いただいたお客様のうち、…までの間に決済された…`).
        found = [p for p in stated if not _WHOSE_AFTER.match(doc.text, p.span_end)]
        stated = found or stated
    for p in stated:
        if start.value is None or p.start.date < start.value:
            start = Found(p.start.date, p.text)
        if end.value is None or p.end.date > end.value:
            end = Found(p.end.date, p.text)
    if misdirected and start.value is None and end.value is None:
        start, end = _visible_period(doc)
    return Exposure(start, end)


def _visible_period(doc: Doc) -> tuple[Found[dt.date | None], Found[dt.date | None]]:
    """When misdirected data became visible and when that stopped. A start needs an end:
    a mail sent on one date with nothing withdrawn is a single event, not a period."""
    starts = _event_dates(doc, _EXPOSE_START)
    first = min(starts, key=lambda item: item[0].date) if starts else None
    ends = [
        (d, s)
        for d, s in _event_dates(doc, _EXPOSE_END)
        if first is None or d.date >= first[0].date
    ]
    if not ends:
        return Found(None), Found(None)
    last, last_sentence = min(ends, key=lambda item: item[0].date)
    end: Found[dt.date | None] = Found(last.date, shorten(last_sentence.text))
    if first is None:
        return Found(None), end
    return Found(first[0].date, shorten(first[1].text)), end
