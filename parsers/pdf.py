"""PDF bytes → text, with the letter-spaced Japanese that PDF extraction produces repaired.

Japanese PDFs set characters one by one, so text extraction often yields
`株 式 会 社 マ イ ネ ッ ト`. `repair_spacing` undoes that only on lines that are
mostly single characters, so spaces between ASCII words and label/value gaps survive.
"""

from __future__ import annotations

import io
import re
import warnings

from pdfminer.high_level import extract_text
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.psexceptions import PSException

from parsers.errors import PdfError

# A hostile or huge PDF must not keep a worker busy for minutes; notices are short.
MAX_PAGES = 200

_CJK = (
    r"\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
)
_SPACED_PAIR = re.compile(rf"(?<=[{_CJK}])[ \u3000](?=[{_CJK}])")


def _is_letter_spaced(line: str) -> bool:
    """True when most tokens of the line are single characters (`会 社 名 株 式 会 社`)."""
    tokens = [t for t in re.split(r"[ \u3000]", line.strip()) if t]
    if len(tokens) < 3:
        return False
    singles = sum(1 for t in tokens if len(t) == 1)
    return singles / len(tokens) >= 0.6


def repair_spacing(text: str) -> str:
    """Remove single spaces between two CJK/kana characters on letter-spaced lines only."""
    return "\n".join(
        _SPACED_PAIR.sub("", line) if _is_letter_spaced(line) else line for line in text.split("\n")
    )


def _tidy(raw: str) -> str:
    """Pages become blank-line-separated blocks; runs of blank lines collapse to one."""
    pages = [page.strip("\n") for page in raw.split("\f")]
    text = "\n\n".join(page for page in pages if page.strip())
    return re.sub(r"\n{3,}", "\n\n", text)


def pdf_to_text(data: bytes) -> str:
    """The text of a PDF in reading order, pages separated by blank lines.

    Raises PdfError (one line, no traceback text) for bytes that are not a PDF,
    a broken or encrypted file, or a PDF with no extractable text (a scan).
    """
    if not data.lstrip()[:5] == b"%PDF-":
        raise PdfError("not a PDF: the %PDF- header is missing")
    try:
        with warnings.catch_warnings(action="ignore"):
            raw = extract_text(io.BytesIO(data), maxpages=MAX_PAGES, laparams=LAParams())
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise PdfError(f"encrypted PDF, cannot be read: {type(exc).__name__}") from exc
    except (PDFException, PSException) as exc:
        raise PdfError(f"broken PDF: {type(exc).__name__}") from exc
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        # pdfminer reports some malformed structures as plain Python errors.
        raise PdfError(f"broken PDF: {type(exc).__name__}") from exc
    text = repair_spacing(_tidy(raw))
    if not text.strip():
        raise PdfError("PDF has no extractable text (scanned image or empty pages)")
    return text
