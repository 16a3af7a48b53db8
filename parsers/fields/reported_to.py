"""Authorities the organization reported to (done, not planned, not advised to readers)."""

from __future__ import annotations

import re

from parsers.fields.doc import Doc, Found, shorten
from parsers.schema import Authority

_AUTHORITIES: tuple[tuple[Authority, re.Pattern[str]], ...] = (
    # A hard line break of PDF-derived text may fall inside the name (`個人情報保護委⏎員会`).
    (Authority.PPC, re.compile(r"\s*".join("個人情報保護委員会"))),
    (
        Authority.POLICE,
        re.compile(
            r"警察|県警|府警|道警|警視庁|捜査機関|捜査当局|交番|駐在所|"
            # A police station by its short name (`中央署に届け出た`), not a department
            # (`部署`) or a tax, fire or labour office.
            r"[^\s、。・「」()（）]{1,6}(?<!部)(?<!官)(?<!税務|消防|監督)署(?=に|へ)"
        ),
    ),
    (
        Authority.OTHER_AUTHORITY,
        re.compile(
            r"総務省|経済産業省|文部科学省|厚生労働省|国土交通省|農林水産省|環境省|法務省|"
            r"文科省|厚労省|経産省|国交省|農水省|金融庁|財務局|総合通信局|"
            # Ministries' regional bureaus (`関東信越厚生局`, `東北農政局`, `近畿運輸局`).
            r"厚生局|農政局|経済産業局|運輸局|整備局|財務事務所|"
            r"監督官庁(?!である個人情報保護委員会)|所管官庁|関係官庁|関係省庁|監督当局|教育委員会|"
            # `中小企業庁に報告`, not `中小企業庁によると`.
            r"[^\s、。・]{1,6}(?:省|(?<!警視)庁)(?=に(?!よ)|[へと]|等|など|および|及び)|"
            # A prefecture's office supervising private schools, welfare or health
            # (`県総務部私学振興課`): reporting upward to it, as a school board is.
            r"(?:県|都|府|道)(?!警)(?:庁)?[^\s、。・「」]{0,10}?[部局](?:[^\s、。・「」]{1,10}?課)?"
            r"(?=[にへと]|等|など|および|及び)|(?<=[、と])(?:県|都|府)(?=に|へ)"
        ),
    ),
)
_VERB = re.compile(
    r"報告|届出|届け出|届け(?=る|た|て|まし)|通報|相談|申告|被害届|遺失(?:物)?届|紛失届|盗難届|"
    r"提出|告訴|告発|連絡(?:を)?(?=し|いた|済)"
)
# `…に報告するとともに、…` narrates what was done alongside another step, unless the
# sentence puts it in the future before the verb (`今後、…に報告するとともに`).
_ALONGSIDE = re.compile(r"^(?:する|いたす|致す|る)とともに")
_FUTURE = re.compile(r"今後|予定")
# Nor is a document for submitting (`行政庁への提出書類`), or someone else who reported to
# the police (`被害を届け出た人の氏名`).
_NOT_DONE_AFTER = re.compile(
    r"^(?:を受け|窓口|する|します|いたします|致します|させていただきます|の予定|予定|を予定|"
    r"を検討|とともに|して(?:まいり|参り)|(?:して)?ください|下さい|書類|用紙|様式|"
    r"た(?:人|方|者)(?:の|が|は))"
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
        after = doc.text[verb.end() : verb.end() + 12]
        if _ALONGSIDE.match(after) and not _FUTURE.search(doc.text, sentence.start, verb.start()):
            return True
        if not _NOT_DONE_AFTER.match(after):
            return True
    return False


# The police reporting on their own officers (`X県警の警察官が…紛失`) report to no police.
_POLICE_FORCE = re.compile(r"県警|府警|道警|警視庁|警察(?:署|本部)$")


def extract_reported_to(doc: Doc, organization: str | None = None) -> Found[list[Authority]]:
    """The authorities the text says were told; not the organization itself."""
    found: dict[Authority, str] = {}
    own_police = bool(organization and _POLICE_FORCE.search(organization))
    for authority, pattern in _AUTHORITIES:
        if authority is Authority.POLICE and own_police:
            continue
        for m in pattern.finditer(doc.unquoted):
            if _reported(doc, m):
                found[authority] = shorten(doc.sentence_at(m.start()).text)
                break
    evidence = " / ".join(dict.fromkeys(found.values())) or None
    return Found(sorted(found, key=list(Authority).index), evidence)
