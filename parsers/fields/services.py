"""Named sites or services affected, as the text quotes them in 「」."""

from __future__ import annotations

import re

from parsers.fields.doc import Doc, Found

_QUOTED = re.compile(r"「([^「」\n]{2,60})」")
_SERVICE_WORD = re.compile(
    r"サイト|ストア|ショップ|サービス|システム|アプリ|\.com|\.jp|オンライン|通販"
)
_CONTEXT_BEFORE = re.compile(
    r"(?:運営|提供|利用|ご利用|管理|導入)(?:する|している|していた|の)?\s*$"
)
_NOT_NAME = re.compile(
    r"について|お知らせ|お詫び|ます|です|。|、|といいます|以下|弊社|当社|^@|@.*\\."
)
_PAREN = re.compile(r"[(（](?:以下|https?:|URL)[^)）]*[)）]")


def extract_services(doc: Doc) -> Found[list[str]]:
    found: dict[str, str] = {}
    for m in _QUOTED.finditer(doc.text):
        name = _PAREN.sub("", m.group(1)).strip()
        if not name or _NOT_NAME.search(name):
            continue
        before = doc.text[max(0, m.start() - 12) : m.start()]
        if _SERVICE_WORD.search(name) or _CONTEXT_BEFORE.search(before):
            found.setdefault(name, m.group(0))
    evidence = " / ".join(found.values()) or None
    return Found(list(found), evidence)
