"""CSV cells that a spreadsheet shows as text, whatever a scraped notice put in them.

Titles, organizations and services come from pages an attacker may write. A cell that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by Excel,
LibreOffice and Google Sheets (OWASP, CSV injection); full-width `＝` is one after the
NFKC folding those programs apply. Such cells get a leading `'`, and control characters,
which no field of the schema holds honestly, are removed (line breaks become spaces).
"""

from __future__ import annotations

import re
import unicodedata

_FORMULA_START = frozenset("=+-@\t\r")
_LINE_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def spreadsheet_text(text: str) -> str:
    """`text` as a cell a spreadsheet will not evaluate."""
    cleaned = _CONTROL.sub("", _LINE_BREAKS.sub(" ", text))
    first = unicodedata.normalize("NFKC", cleaned.lstrip(" \u3000"))[:1]
    return "'" + cleaned if first and first in _FORMULA_START else cleaned
