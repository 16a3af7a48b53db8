"""Whether a notice is a first report, an update of an earlier notice, or the last one."""

from __future__ import annotations

import re

from parsers.fields.doc import Doc, Found
from parsers.schema import Stage

_FINAL = re.compile(r"最終報告|最終報|最終のご報告|最終版")
_NOTICE_VERB = r"(?:お知らせ|公表|開示|発表|ご報告|報告|掲載|ご案内|公開)"
_UPDATE = re.compile(
    r"続報|第\s*[2-9二三四五六七八九]\s*報|中間報告|経過報告|進捗(?:状況)?(?:について|のお知らせ|のご報告|を(?:お知らせ|ご報告))"
    rf"|付(?:で|にて)?(?:の|に)?\s*[「『][^」』]{{3,80}}[」』]\s*(?:にて|で|において|の)?\s*(?:{_NOTICE_VERB}|につき)"
    rf"|{_NOTICE_VERB}(?:いた)?しました\s*(?:[「『]|とおり|通り)"
    rf"|{_NOTICE_VERB}(?:いた)?して(?:おりました|いました)"
    rf"|(?:前回|先般|先日|既に|以前)(?:の)?\s*{_NOTICE_VERB}"
    r"|既報"
)


def extract_stage(doc: Doc) -> Found[Stage]:
    """`final` when the text calls itself the last report; `update` when it refers to an
    earlier public notice of the same incident; `report` otherwise."""
    m = _FINAL.search(doc.text)
    if m:
        return Found(Stage.FINAL, m.group(0))
    m = _UPDATE.search(doc.text)
    if m:
        return Found(Stage.UPDATE, m.group(0))
    return Found(Stage.REPORT)
