"""PDF bytes → text laid out as the notice was written: wrapped lines joined, page furniture
dropped, letter-spaced Japanese repaired.

A PDF has no paragraphs, only positioned lines. Japanese is wrapped at whatever character
meets the right margin, so a naive extraction cuts words and dates (`確認いた⏎しました`,
`2024年5月⏎10日`) and every extractor that reads a sentence or a line then misses them.
The layout says where a break was typed and where the typesetter made it: a line that
runs to the right edge of the text column and is followed, at normal leading, by a line
starting at the left edge was wrapped; a short line, a centred or right-aligned one, or
one followed by a list bullet ended where the author ended it. Running headers and
footers (the same line at the top or bottom of several pages) and page numbers (`- 1 -`,
`1/3`) are dropped so that they do not land in the middle of a sentence.

Japanese PDFs also set characters one by one, so extraction often yields
`株 式 会 社 マ イ ネ ッ ト`. `repair_spacing` undoes that only on lines that are
mostly single characters, so spaces between ASCII words and label/value gaps survive.
"""

from __future__ import annotations

import io
import re
import statistics
import warnings
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTContainer, LTItem, LTPage, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.psexceptions import PSException

from parsers.errors import PdfError

# A hostile or huge PDF must not keep a worker busy for minutes; notices are short.
MAX_PAGES = 200
# What all of a PDF's compressed streams may inflate to. pdfminer inflates a stream whole,
# in memory, so a 1 MB page stream of compressed spaces costs it 2 GB and 10 s; a notice's
# fonts and page streams come to a few MB.
MAX_INFLATED = 128 * 1024 * 1024
_INFLATE_STEP = 1 << 20
_STREAM_START = re.compile(rb">>\s*stream\r?\n")
_FLATE = re.compile(rb"/FlateDecode\b|/Fl\b")

_CJK = (
    r"\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
)
_SPACED_PAIR = re.compile(rf"(?<=[{_CJK}])[ \u3000](?=[{_CJK}])")

# A line that starts a list item or a numbered heading begins a new line even after a full one.
_BULLET = re.compile(
    r"^(?:[・●○■□◆◇▼▽◎※•\-*【\u2460-\u2473]|[(（]\s*[\d０-９]{1,2}\s*[)）]|"
    r"[\d０-９]{1,2}\s*[.．)）、]\D|[\d０-９]{1,2}[ \u3000]|第\s*[\d０-９一二三四五六七八九十]+)"
)
_ENDS_LINE = ("。", "．", ":", "：")
# After a closing bracket the line goes on only into a particle that binds it to the sentence
# (`カード情報(427件)⏎を不正取得`); a list item ending in `（…）` is followed by a new line.
_CLOSES = (")", "）", "」", "』", "】")
_PARTICLE = re.compile(
    r"^(?:を|が|に|の|と|は|で|へ|も|や|から|より|まで|など|等|及び|および|又は|または)"
)
# Cells of a table row: a row ends where it ends, however wide it runs.
_TABLE_GAP = re.compile(r"\t|\u3000{2,}| {3,}")
# A page number standing alone (`- 1 -`, `1/3`, `P.2`, `2ページ`) or ending a running footer.
_PAGE_NUMBER = re.compile(
    r"(?:^|\s)(?:[-‐–—―－ー]\s*\d{1,3}\s*[-‐–—―－ー]|\d{1,3}\s*/\s*\d{1,3}|"
    r"[pP]\.?\s*\d{1,3}|\d{1,3}\s*(?:ページ|頁))$|^\d{1,3}$"
)
# Japanese CID fonts map the wave dash of a range (`9月25日～8月12日`) to a glyph that text
# extraction reads as SMALL TILDE, which NFKC then turns into a space and a combining mark.
_SMALL_TILDE = "\u02dc"
# Characters Japanese typesetting never starts a line with (kinsoku).
_NO_LINE_START = frozenset(
    "、。，．,.)）」』】〕！？!?ー々ゝゞぁぃぅぇぉっゃゅょァィゥェォッャュョ"
)
_WORD_MAX = 40
# Hard-wrapped text (`unwrap_lines`): the narrowest wrap width considered, in display columns
# (30 full-width characters), the shortfall a full line may show (a character carried over
# by kinsoku, a half-width one), how many lines must end there, and the indent that marks a
# centred or right-aligned line.
_WRAP_MIN = 60
_WRAP_SLACK = 3
_WRAP_LINES = 3
_PADDED = 6
# East Asian wide characters: two display columns each.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\ua4cf\uac00-\ud7a3"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)
# Lines at each end of a page where running headers, footers and page numbers sit.
_BAND = 2


@dataclass(frozen=True)
class _Line:
    """One positioned text line of a page (PDF points, y grows upwards)."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    lead: float  # width of what the line starts with that a wrap could not have split
    trailing: str  # the whitespace the line ended with before the line break

    @property
    def em(self) -> float:
        """The line's height: the font size, near enough, and a full-width character's width."""
        return max(self.y1 - self.y0, 1.0)


@dataclass(frozen=True)
class _Page:
    lines: list[_Line]
    width: float


def _is_letter_spaced(line: str) -> bool:
    """True when most tokens of the line are single characters (`会 社 名 株 式 会 社`)."""
    tokens = [t for t in re.split(r"[ \u3000]", line.strip()) if t]
    if len(tokens) < 3:
        return False
    singles = sum(1 for t in tokens if len(t) == 1)
    return singles / len(tokens) >= 0.6


# A date typeset with spaces (`2023 年 7 月 7 日`) is one date, not letter-spacing.
_SPACED_DATE = re.compile(r"(?<=\d)[ \u3000]+(?=[年月日])|(?<=[年月])[ \u3000]+(?=\d)")


def repair_spacing(text: str) -> str:
    """Close spaced dates; remove single spaces between two CJK/kana characters on
    letter-spaced lines only."""
    lines = _SPACED_DATE.sub("", text).split("\n")
    return "\n".join(
        _SPACED_PAIR.sub("", line) if _is_letter_spaced(line) else line for line in lines
    )


def _text_lines(item: LTItem) -> Iterator[LTTextLine]:
    """The text lines under a layout item, in pdfminer's reading order."""
    if isinstance(item, LTTextLine):
        yield item
    elif isinstance(item, LTContainer):
        for child in item:
            yield from _text_lines(child)


def _page(layout: LTPage) -> _Page:
    """The page's lines top to bottom. Pieces sharing a baseline (table cells, a label and
    its value set apart) become one line with tabs between them, left to right."""
    pieces = sorted(
        (line for line in _text_lines(layout) if line.get_text().strip()),
        key=lambda line: (-line.y1, line.x0),
    )
    rows: list[list[LTTextLine]] = []
    for piece in pieces:
        row = rows[-1] if rows else None
        middle = (piece.y0 + piece.y1) / 2
        if row is not None and row[0].y0 <= middle <= row[0].y1:
            row.append(piece)
        else:
            rows.append([piece])
    lines = []
    for row in rows:
        row.sort(key=lambda line: line.x0)
        text = "\t".join(repair_spacing(_clean(piece.get_text())) for piece in row)
        lines.append(
            _Line(
                text,
                row[0].x0,
                max(piece.x1 for piece in row),
                min(piece.y0 for piece in row),
                max(piece.y1 for piece in row),
                _lead_width(row[0]),
                _trailing(row[-1].get_text()),
            )
        )
    return _Page(lines, layout.width)


def _lead_width(line: LTTextLine) -> float:
    """The width a line needed at the end of the line above to have started there: its first
    character, its first word if it starts with Latin letters or digits, plus the next
    character when that one may not begin a line (`閲覧可。` moves to the next line whole)."""
    chars = [c for c in line if isinstance(c, LTChar) and c.get_text().strip()][:_WORD_MAX]
    if not chars:
        return 0.0
    unit = 1
    if chars[0].get_text().isascii() and chars[0].get_text().isalnum():
        while unit < len(chars) and re.match(r"[A-Za-z0-9.,@/:_-]", chars[unit].get_text()):
            unit += 1
    if unit < len(chars) and chars[unit].get_text() in _NO_LINE_START:
        unit += 1
    return chars[unit - 1].x1 - chars[0].x0


def _trailing(text: str) -> str:
    body = text.rstrip("\n")
    return body[len(body.rstrip()) :][:1]


def _clean(text: str) -> str:
    return text.strip().replace(_SMALL_TILDE, "~")


def _band(page: _Page) -> list[_Line]:
    """The top and bottom lines of a page, where furniture sits."""
    by_height = sorted(page.lines, key=lambda line: -line.y1)
    return by_height[:_BAND] + by_height[_BAND:][-_BAND:]


def _furniture_key(text: str) -> str:
    """A running header or footer compared without its page number or spacing."""
    return re.sub(r"\s+", "", _PAGE_NUMBER.sub("", text))


def _drop_furniture(pages: list[_Page]) -> list[_Page]:
    """Pages without page numbers and without header/footer lines repeated on 2+ pages."""
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_furniture_key(line.text) for line in _band(page)})
    out = []
    for page in pages:
        band = {id(line) for line in _band(page)}
        drop = {
            id(line)
            for line in page.lines
            if id(line) in band
            and (
                not _furniture_key(line.text)
                or (_PAGE_NUMBER.search(line.text) and len(line.text) <= 8)
                or seen[_furniture_key(line.text)] >= 2
            )
        }
        out.append(_Page([line for line in page.lines if id(line) not in drop], page.width))
    return out


def _column(pages: list[_Page]) -> tuple[float, float]:
    """The text column's left and right edges, the same on every page. Margins are taken as
    symmetric unless lines (wrapped, justified or right-aligned ones) end further right."""
    lines = [line for page in pages for line in page.lines]
    left = min(line.x0 for line in lines)
    ends = sorted((line.x1 for line in lines), reverse=True)
    mirror = max(page.width for page in pages) - left
    for x1, following in pairwise(ends):
        if x1 - following <= 0.25 * lines[0].em:
            return left, max(x1, mirror)
    return left, mirror


def _paragraph_gap(page: _Page) -> float:
    """The blank space between lines above which a blank line was typed."""
    gaps = [a.y0 - b.y1 for a, b in pairwise(page.lines)]
    usual = [g for g in gaps if 0 <= g < 3 * page.lines[0].em]
    return (statistics.median(usual) if usual else 0.0) + 0.8 * page.lines[0].em


def _centred(line: _Line, column: tuple[float, float]) -> bool:
    left, right = column
    indent = line.x0 - left
    return indent > 0.5 * line.em and abs(indent - (right - line.x1)) < line.em


# Words that only ever open a sentence (`なお、`, `ただし、`): a line starting with one
# begins anew even when the line above, a list item, ends at the margin without `。`.
_OPENS_SENTENCE = re.compile(r"(?:なお|ただし)[、,]?|(?:また|さらに|おって)[、,]|※")


def _may_run_on(a: str, b: str) -> bool:
    """What the words allow: no break after `。` or a label's colon (a sentence that ends at
    the margin loses nothing by the break; a list item run into the next line would lose its
    line), none before a bullet or a numbered heading, none in a table row, and after a
    closing bracket only into a particle binding it to the sentence."""
    a, b = a.strip(), b.strip()
    if a.endswith(_ENDS_LINE) or _BULLET.match(b) or _OPENS_SENTENCE.match(b):
        return False
    if a.endswith(_CLOSES) and not _PARTICLE.match(b):
        return False
    return not (_TABLE_GAP.search(a) or _TABLE_GAP.search(b))


def _wrapped(a: _Line, b: _Line, column: tuple[float, float]) -> bool:
    """Whether line `a` runs on into `b`. A typesetter breaks a line only when what comes
    next does not fit, so `a` must leave less room at the right edge than `b`'s first
    character (or word) needs, and must start at the left edge (not be centred, right-aligned
    or a table row). `b` then starts at the left edge too, or under the text of a bullet
    item. A centred title wraps into a centred line."""
    left, right = column
    em = a.em
    if right - a.x1 > b.lead + 0.3 * em or a.x0 > left + 8 * em or _centred(a, column):
        return False
    if not _may_run_on(a.text, b.text):
        return False
    if _centred(b, column):
        return True
    indent = b.x0 - a.x0
    if indent > 0.5 * em:
        return bool(_BULLET.match(a.text)) and indent <= 3 * em
    return b.x0 >= left - em


def _joiner(raw_end: str) -> str:
    """A line break in Japanese is no space; a space the line itself ended with is kept."""
    return " " if raw_end.isspace() else ""


def _layout(pages: list[_Page]) -> str:
    pages = [page for page in pages if page.lines]
    if not pages:
        return ""
    column = _column(pages)
    out: list[str] = []
    last: _Line | None = None
    for page in pages:
        paragraph = _paragraph_gap(page)
        for i, line in enumerate(page.lines):
            if last is not None:
                gap = last.y0 - line.y1 if i else 0.0
                near = -0.5 * last.em <= gap <= paragraph
                if near and _wrapped(last, line, column):
                    out.append(_joiner(last.trailing))
                else:
                    out.append("\n" if i and near else "\n\n")
            out.append(line.text)
            last = line
    return "".join(out)


def _width(text: str) -> int:
    """Display width: full-width (East Asian wide) characters take two columns."""
    return len(text) + len(_WIDE.findall(text))


def _indent(line: str) -> int:
    return _width(line[: len(line) - len(line.lstrip())])


def unwrap_lines(text: str) -> str:
    """Join the hard line breaks of text copied out of a PDF, where every line of a paragraph
    ends at the same width (`…判明いた⏎しました`). The wrap width is the one most lines of
    at least `_WRAP_MIN` columns end at; text without such a width (one paragraph a line, as
    web pages and most text files give it) is returned unchanged. A line at the wrap width
    runs on into the next unless the words forbid it (`_may_run_on`) or the next line is
    indented (a new paragraph, or a centred or right-aligned line)."""
    lines = text.split("\n")
    width = _wrap_width(lines)
    if width is None:
        return text
    paragraphs = [[lines[0]]]
    for last, line in pairwise(lines):
        head = paragraphs[-1][0]
        if (
            last.strip()
            and line.strip()
            and _width(last.rstrip()) >= width - _WRAP_SLACK
            and _indent(head) < _PADDED
            and (_indent(line) == 0 or (_BULLET.match(head.strip()) and _indent(line) <= 6))
            and not (last.rstrip()[-1:].isascii() and line.lstrip()[:1].isascii())
            and _may_run_on(last, line)
        ):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return "\n".join(
        "".join([part[0].rstrip(), *(p.strip() for p in part[1:-1]), part[-1].lstrip()])
        if len(part) > 1
        else part[0]
        for part in paragraphs
    )


def _wrap_width(lines: list[str]) -> int | None:
    """The width at which the text was wrapped, or None when it was not: at least
    `_WRAP_LINES` lines end within `_WRAP_SLACK` columns of it and hardly any run past it
    (right-aligned or centred lines, padded with spaces, do not count)."""
    widths = [_width(line.rstrip()) for line in lines if line.strip() and _indent(line) < _PADDED]
    long = sorted((w for w in widths if w >= _WRAP_MIN), reverse=True)
    best, support = None, 0
    for i, w in enumerate(long[:2]):  # one line may run past the wrap width, not two
        ending = sum(1 for v in long[i:] if v >= w - _WRAP_SLACK)
        if ending > support:
            best, support = w, ending
    return best if support >= _WRAP_LINES else None


def _inflated_size(stream: bytes, layers: int, budget: int) -> int:
    """How many bytes `layers` nested Flate filters make of `stream`, counting in steps and
    stopping past `budget`, so that a bomb is measured without being held in memory.
    Undecodable data counts as what it gave so far (pdfminer has its own say on it)."""
    inflaters = [zlib.decompressobj() for _ in range(layers)]

    def pieces(data: bytes, depth: int) -> Iterator[bytes]:
        inflater = inflaters[depth]
        while True:
            piece = inflater.decompress(data, _INFLATE_STEP)
            if depth + 1 < layers:
                yield from pieces(piece, depth + 1)
            else:
                yield piece
            data = inflater.unconsumed_tail
            if not data and len(piece) < _INFLATE_STEP:
                return

    total = 0
    try:
        for piece in pieces(stream, 0):
            total += len(piece)
            if total > budget:
                break
    except zlib.error:
        pass
    return total


def _check_inflation(data: bytes) -> None:
    """Refuse a PDF whose Flate streams inflate to more than MAX_INFLATED in all, before
    pdfminer inflates any of them. Every stream object appears in the file as
    `<<…>> stream … endstream` (object streams cannot hold streams), so a scan finds them all."""
    budget = MAX_INFLATED
    for found in _STREAM_START.finditer(data):
        start = found.end()
        end = data.find(b"endstream", start)
        header = data[data.rfind(b"obj", 0, found.start()) + 1 : found.start()]
        layers = len(_FLATE.findall(header))
        if layers:
            budget -= _inflated_size(data[start : end if end >= 0 else len(data)], layers, budget)
            if budget < 0:
                raise PdfError(
                    f"PDF streams inflate to over {MAX_INFLATED // (1 << 20)} MB (a compression"
                    " bomb?); refused"
                )


def pdf_to_text(data: bytes) -> str:
    """The text of a PDF in reading order: wrapped lines joined, running headers, footers
    and page numbers dropped, a blank line where a page or a paragraph break was typed.

    Raises PdfError (one line, no traceback text) for bytes that are not a PDF,
    a broken or encrypted file, or a PDF with no extractable text (a scan).
    """
    if not data.lstrip()[:5] == b"%PDF-":
        raise PdfError("not a PDF: the %PDF- header is missing")
    _check_inflation(data)
    try:
        with warnings.catch_warnings(action="ignore"):
            layouts = extract_pages(
                io.BytesIO(data),
                maxpages=MAX_PAGES,
                laparams=LAParams(all_texts=True, boxes_flow=None),
            )
            pages = [_page(layout) for layout in layouts]
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise PdfError(f"encrypted PDF, cannot be read: {type(exc).__name__}") from exc
    except (PDFException, PSException) as exc:
        raise PdfError(f"broken PDF: {type(exc).__name__}") from exc
    except (
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        AssertionError,
    ) as exc:
        # pdfminer reports some malformed structures as plain Python errors, and checks
        # some tokens with `assert` (an octal escape above \377 in a string).
        raise PdfError(f"broken PDF: {type(exc).__name__}") from exc
    text = _layout(_drop_furniture(pages))
    if not text.strip():
        raise PdfError("PDF has no extractable text (scanned image or empty pages)")
    return text
