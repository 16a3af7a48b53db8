"""The text's own sentence on the cause (原因), shortened; not scored, shown to people."""

from __future__ import annotations

import re

from parsers.fields.doc import Doc, Found, shorten

_CAUSE = re.compile(r"原因(?:は|と(?:なり|して)|について)|が原因|によるものです|ためです|ため。$")
_NOT_CAUSE = re.compile(r"原因(?:の)?(?:調査|究明|特定|を調査|については調査中|や影響範囲)|調査中")
_HEADING = re.compile(r"原因(?:について|等|と手口|・.{0,12})?\s*$")


def extract_cause(doc: Doc) -> Found[str | None]:
    """A sentence stating the cause, or the first sentence under a 原因 heading."""
    for i, line in enumerate(doc.lines):
        if _HEADING.search(line.text) and len(line.text) <= 30 and i + 1 < len(doc.lines):
            nxt = doc.lines[i + 1]
            if not _NOT_CAUSE.search(nxt.text) and len(nxt.text) > 15 and "。" in nxt.text:
                text = doc.sentence_at(nxt.start).text
                return Found(shorten(text, 160), shorten(text))
    for sentence in doc.sentences:
        if _CAUSE.search(sentence.text.strip()) and not _NOT_CAUSE.search(sentence.text):
            return Found(shorten(sentence.text, 160), shorten(sentence.text))
    return Found(None)
