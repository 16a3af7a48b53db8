"""Whether the text reports a specific security or personal-data incident at all."""

from __future__ import annotations

from parsers.fields.doc import LEAK, Doc, Found, negated_after, shorten
from parsers.schema import Category

_DATA_WORDS = ("個人情報", "情報", "データ", "お客様", "メールアドレス", "氏名")


def _leak_statement(doc: Doc) -> str | None:
    """A sentence stating that data were (possibly) leaked or exposed."""
    for sentence in doc.sentences:
        plain = doc.unquoted[sentence.start : sentence.end]
        if not any(word in plain for word in _DATA_WORDS):
            continue
        for m in LEAK.finditer(plain):
            if not negated_after(plain, m.end()):
                return shorten(sentence.text)
    return None


def extract_is_incident(doc: Doc, categories: Found[list[Category]]) -> Found[bool]:
    """True when a category is stated or a leak is stated. A phishing mention alone is a
    warning, not an incident, unless something was leaked or harmed."""
    leak = _leak_statement(doc)
    cats = set(categories.value)
    if cats and cats != {Category.PHISHING}:
        return Found(True, categories.evidence)
    if leak is not None:
        return Found(True, leak)
    return Found(False)
