"""Whether a notice is a first report, an update of an earlier notice, or the last one."""

from __future__ import annotations

import datetime as dt
import re

from parsers.fields.doc import Doc, Found
from parsers.schema import Stage

# The investigator's final report received (`最終報告書を受領`) or one still to come
# (`最終報告は…予定`) is not this notice calling itself the last.
_FINAL = re.compile(
    r"(?:最終報告|最終報(?!告)|最終のご報告|最終版)"
    r"(?!書?(?:を|が)?(?:受領|受け|提出|入手|届)|書?(?:は|を|につきましては)[^。]{0,30}?予定)"
)
_NOTICE_VERB = r"(?:お知らせ|公表|開示|発表|ご報告|報告|掲載|ご案内|公開)"
_UPDATE = re.compile(
    r"続報|第\s*[2-9二三四五六七八九]\s*報|中間報告|経過報告|進捗(?:状況)?(?:について|のお知らせ|のご報告|を(?:お知らせ|ご報告))"
    rf"|付(?:で|にて)?(?:の|に)?\s*[「『][^」』]{{3,80}}[」』]\s*(?:にて|で|において|の)?\s*(?:{_NOTICE_VERB}|につき)"
    rf"|{_NOTICE_VERB}(?:いた)?しました\s*(?:[「『]|とおり|通り)"
    rf"|{_NOTICE_VERB}(?:いた)?して(?:おりました|いました)"
    rf"|(?:前回|先般|先日|既に|以前)(?:の)?\s*{_NOTICE_VERB}"
    rf"|(?:公表|発表|開示|お知らせ)済|{_NOTICE_VERB}(?:いた)?しました、[^。]{{0,40}}?(?:事案|事故|事象|件)"
    r"|既報|[(（]その\s*[2-9][)）]"
    # A reference to its first report (`(第一報:https://…)`) or to what it announced
    # (`11月7日に発表いたしました、「…」につきまして`).
    r"|[(（]\s*第\s*[一1]\s*報\s*[:：]"
    rf"|{_NOTICE_VERB}(?:いた)?しました、[^。]{{0,80}}?につき(?:まして)?"
    # A news article recalling the organization's earlier word (`…と発表していた`).
    r"|(?:発表|公表)して(?:いた|おり)"
)


# A news follow-up recalls the organization's own earlier announcement (`同社は7月5日に
# システム障害の発生を公表し`): a date before the article's own, then 公表/発表.
_RECALLED = re.compile(
    r"(?:同|当|弊)(?:社|市|町|村|区|県|大学|学|院|校|法人|組合|機構|金庫|行|財団|協会|"
    r"グループ|センター)(?:は|では|が)"
)
_ANNOUNCED = re.compile(r"(?:公表|発表)(?:し|済)")


def _earlier_announcement(doc: Doc, published: dt.date) -> str | None:
    for sentence in doc.sentences:
        subject = _RECALLED.search(sentence.text)
        if subject is None:
            continue
        start = sentence.start + subject.end()
        for d in doc.dates_in(start, sentence.end):
            verb = _ANNOUNCED.search(doc.text, d.end, min(sentence.end, d.end + 40))
            if d.date < published and verb and "。" not in doc.text[d.end : verb.start()]:
                return doc.text[d.start : verb.end()]
    return None


def extract_stage(doc: Doc, published: dt.date | None = None) -> Found[Stage]:
    """`final` when the text calls itself the last report; `update` when it refers to an
    earlier public notice of the same incident (for a dated article, also its subject's
    earlier announcement); `report` otherwise."""
    m = _FINAL.search(doc.text)
    if m:
        return Found(Stage.FINAL, m.group(0))
    m = _UPDATE.search(doc.text)
    if m:
        return Found(Stage.UPDATE, m.group(0))
    recalled = _earlier_announcement(doc, published) if published else None
    if recalled:
        return Found(Stage.UPDATE, recalled)
    return Found(Stage.REPORT)
