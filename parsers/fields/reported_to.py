"""Authorities the organization reported to (done, not planned, not advised to readers)."""

from __future__ import annotations

import re

from parsers.fields.doc import Doc, Found, shorten
from parsers.schema import Authority

_AUTHORITIES: tuple[tuple[Authority, re.Pattern[str]], ...] = (
    (Authority.PPC, re.compile(r"個人情報保護委員会")),
    (Authority.POLICE, re.compile(r"警察|県警|府警|道警|警視庁")),
    (
        Authority.OTHER_AUTHORITY,
        re.compile(
            r"総務省|経済産業省|文部科学省|厚生労働省|国土交通省|農林水産省|金融庁|財務局|"
            r"総合通信局|監督官庁(?!である個人情報保護委員会)|所管官庁|関係官庁|関係省庁|教育委員会|"
            r"[^\s、。・]{1,6}省(?=[にへ]|等|など|および|及び)"
        ),
    ),
)
_VERB = re.compile(r"報告|届出|届け出|通報|相談|申告|被害届|遺失(?:物)?届|紛失届|盗難届|提出")
_NOT_DONE_AFTER = re.compile(
    r"^(?:を受け|窓口|する|します|いたします|致します|させていただきます|の予定|予定|を予定|"
    r"を検討|とともに|して(?:まいり|参り)|(?:して)?ください|下さい)"
)
_FROM = re.compile(r"^(?:[^\s、。]{0,12}?)(?:から|より)")


def _reported(doc: Doc, m: re.Match[str]) -> bool:
    sentence = doc.sentence_at(m.start())
    if _FROM.match(doc.text[m.end() : m.end() + 14]):
        return False  # `県警から連絡があり`: the authority told them
    if "今後" in doc.text[max(sentence.start, m.start() - 15) : m.start()]:
        return False
    window_end = sentence.end
    if sentence.end - sentence.start < 50:
        line = doc.line_index(sentence.end - 1)
        follow = doc.lines[line + 1 : line + 3]
        window_end = follow[-1].end if follow else sentence.end
    for verb in _VERB.finditer(doc.text, m.end(), window_end):
        if not _NOT_DONE_AFTER.match(doc.text[verb.end() : verb.end() + 12]):
            return True
    return False


def extract_reported_to(doc: Doc) -> Found[list[Authority]]:
    found: dict[Authority, str] = {}
    for authority, pattern in _AUTHORITIES:
        for m in pattern.finditer(doc.unquoted):
            if _reported(doc, m):
                found[authority] = shorten(doc.sentence_at(m.start()).text)
                break
    evidence = " / ".join(dict.fromkeys(found.values())) or None
    return Found(sorted(found, key=list(Authority).index), evidence)
