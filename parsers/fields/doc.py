"""The notice text as every extractor sees it: lines, sentences, dates, and shared vocabulary.

Built once per notice, so that all field extractors agree on what a sentence is, which
dates the text holds, and what "leaked" and "not" look like.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Generic, TypeVar

from parsers.jpdate import DateMatch, PeriodMatch, find_all_dates, find_periods

T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    """An extracted value and the shortest span of text that supports it (None if none)."""

    value: T
    evidence: str | None = None


@dataclass(frozen=True)
class Span:
    """A piece of the normalized text with its offsets."""

    text: str
    start: int
    end: int


# Words saying data were (possibly) leaked, exposed or taken.
LEAK = re.compile(
    r"漏えい|漏洩|漏れ|流出|閲覧可能|閲覧でき|閲覧され|閲覧した|見ることができる|見られる状態|"
    r"確認できる状態|確認可能な状態|(?:分|わ)かる状態|(?:外部から|誰でも)?アクセス(?:でき|可能な)る?状態|"
    r"検索できる状態|"
    r"不正取得|不正に取得|取得され|抜き取|誤送信|外部へ送信|外部に送信|"
    r"漏出|公開され|アクセスが行われ|さらされ|不正に閲覧|盗ま|紛失|盗難|所在不明|誤廃棄|"
    r"誤送付|誤配|誤交付|誤発送|誤掲載|誤公開|誤表示|表示され(?:る状態|ていた|ていまし|た|ました)|見える状態|知り得る状態|窃取され|詐取され|持ち出され|持ち出し(?:た|て|が確認|が判明)|"
    r"誤って[^。]{0,30}?(?:送信|送付|添付|公開|掲載|配布|転送|同封|封入)|"
    r"(?:別の|他の|誤った|異なる|無関係の)[^。]{0,12}?(?:送付|送信|郵送|配布|交付|発送|同封)"
)
# A keyword in a condition (`脆弱性を悪用された場合、`, `カード情報を盗まれると、`) says what
# would follow if it happened, not that it did.
CONDITION_AFTER = re.compile(
    r"[^、。]{0,6}?(?:場合|(?<=[るうくすつむぶぐ])と[、,]|たら[、,]|れば[、,])"
)
# Negation or absence following a statement (`…は確認されておりません`, `…はございません`).
NEGATION = re.compile(
    r"ません|ない(?![かで]|よう)|無い|なし|無し|おらず|ず[、。]|ずに|非保持|非通過|未然|ではなく"
)
# A line that starts a list item or a numbered section.
MARKER = re.compile(
    r"^\s*(?:[・●○■□◆◇▼▽\-*•※]|[①-⑳]|\(?\d{1,2}[).．、]|\(\d{1,2}\)|[(（][一二三四五六七八九十\d]+[)）]"
    r"|第\s*\d+|\d+\s*[.．、]|[A-Za-z][).])"
)
SECTION = re.compile(
    r"^\s*(?:\d{1,2}\s*[.．、]|\d{1,2}\s+(?=[^\d\s])|第\s*\d+|[一二三四五六七八九十]+\s*[、.．]|[①-⑳]|\(\d{1,2}\)|（\d{1,2}）)"
)
TOP_SECTION = re.compile(
    r"^\s*(?:\d{1,2}\s*[.．、](?!\d)|\d{1,2}\s+(?=[^\d\s])|第\s*\d+|[一二三四五六七八九十]+\s*[、.．])"
)
_SENTENCE_END = "。!?」』)）"
# A label line heading a block (`【漏えいの恐れのある個人情報】`, `■流出した情報`,
# `対象となる情報:`): short like a list item, but it introduces the lines below it.
LABEL_HEADING = re.compile(
    r"^\s*(?:【[^】]{2,40}】|[■◆□◇▼▽〈《<\[][^。]{2,40}|[^。・]{2,30}[:：]|"
    r"[^。・、,\d]{2,30}(?:情報|項目|内容|データ|対象者?|もの|物)(?:等|など)?(?:について)?)\s*$"
)


def _lines(text: str) -> list[Span]:
    out, pos = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(Span(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(raw) + 1
    return out


def _continues(line: Span, nxt: Span, text: str) -> bool:
    """Whether a hard line break falls inside a sentence (`…に対して、⏎第三者の…`)."""
    if "\t" in line.text or "\t" in nxt.text or MARKER.match(nxt.text):
        return False
    if "\n\n" in text[line.end : nxt.start].replace(" ", "").replace("\u3000", ""):
        return False
    if line.text.endswith(("、", ",")):
        return True
    return len(line.text) >= 30 and not line.text.endswith(tuple(_SENTENCE_END))


# Quoted words end their own sentences inside the one that quotes them.
_QUOTED_SPEECH = re.compile(r"「[^「」\n]{1,200}」")


def _sentences(text: str, lines: list[Span]) -> list[Span]:
    blocks: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        if i and _continues(lines[i - 1], line, text):
            blocks[-1] = (blocks[-1][0], line.end)
        else:
            blocks.append((line.start, line.end))
    out = []
    for start, end in blocks:
        pos = start
        quoted = [(q.start(), q.end()) for q in _QUOTED_SPEECH.finditer(text, start, end)]
        for m in re.finditer(r"。", text[start:end]):
            cut = start + m.end()
            if any(a < cut < b for a, b in quoted):
                continue  # `市民から「…送られてきた。…調べてほしい。」との電話があった。`
            out.append(Span(text[pos:cut], pos, cut))
            pos = cut
        if text[pos:end].strip():
            out.append(Span(text[pos:end], pos, end))
    return out


@dataclass
class Doc:
    """A normalized notice text and the structures built on it."""

    text: str
    lines: list[Span] = field(init=False)
    sentences: list[Span] = field(init=False)
    _line_starts: list[int] = field(init=False, repr=False)
    _sentence_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.lines = _lines(self.text)
        self.sentences = _sentences(self.text, self.lines)
        self._line_starts = [line.start for line in self.lines]
        self._sentence_starts = [s.start for s in self.sentences]

    @cached_property
    def unquoted(self) -> str:
        """The text with quoted passages (「…」『…』) blanked, offsets kept: a quoted notice
        title or someone's words saying `流出` are not the notice stating a leak."""
        return re.sub(r"[「『][^「」『』\n]*[」』]", lambda m: "＿" * len(m.group(0)), self.text)

    @cached_property
    def dates(self) -> list[DateMatch]:
        return find_all_dates(self.text)

    @cached_property
    def periods(self) -> list[PeriodMatch]:
        return find_periods(self.text)

    def dates_in(self, start: int, end: int) -> list[DateMatch]:
        return [d for d in self.dates if start <= d.start and d.end <= end]

    def line_index(self, pos: int) -> int:
        """Index of the line holding `pos` (or the nearest line before it)."""
        return max(0, bisect.bisect_right(self._line_starts, pos) - 1)

    def sentence_at(self, pos: int) -> Span:
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        if i >= 0 and pos < self.sentences[i].end:
            return self.sentences[i]
        return Span("", pos, pos)

    @cached_property
    def _kinds(self) -> list[int]:
        """Each line's part in `context_lines`: top-level heading, heading, list item or prose."""
        return [_line_kind(line.text) for line in self.lines]

    @cached_property
    def _above(self) -> list[int]:
        """For each line, the nearest line above it that is not a list item (-1 if none), so
        that a walk up past a list of thousands of items costs one step, not thousands."""
        out, last = [], -1
        for i, kind in enumerate(self._kinds):
            out.append(last)
            if kind != _ITEM:
                last = i
        return out

    def context_lines(self, index: int, *, back: int = 4) -> list[Span]:
        """The lines that introduce line `index`: headings and prose lines above it (list
        items skipped), at most `back` prose lines and `_MAX_HEADINGS` headings, up to and
        including a top-level heading."""
        out: list[Span] = []
        prose = headings = 0
        i = self._above[index] if 0 <= index < len(self.lines) else -1
        while i >= 0:
            out.append(self.lines[i])
            kind = self._kinds[i]
            if kind == _TOP:
                break
            if kind == _HEADING:
                headings += 1
                if headings >= _MAX_HEADINGS:
                    break
            else:
                prose += 1
                if prose >= back:
                    break
            i = self._above[i]
        return out


_TOP, _HEADING, _ITEM, _PROSE = range(4)
# Sub-headings read above a line before giving up on reaching its section's heading: a
# notice nests a handful; a run of thousands is a table or garbage, not context.
_MAX_HEADINGS = 12


# A numbered group with its count (`1 患者様の情報 最大48,983件`) sits under a heading such
# as `【流出した可能性のある情報】`: a sub-heading, not a section of its own.
_GROUP_COUNT_END = re.compile(r"(?:約|最大|計)?\s*\d[\d,]*\s*(?:件|名|人)(?:分)?\s*$")


def _line_kind(text: str) -> int:
    if TOP_SECTION.match(text) and not _GROUP_COUNT_END.search(text):
        return _TOP
    if SECTION.match(text) or LABEL_HEADING.match(text):
        return _HEADING
    return _ITEM if is_item_line(text) else _PROSE


# Where a new clause with its own predicate begins (`…ありますが、不正利用は…ません`).
_CLAUSE_BREAK = re.compile(
    r"(?:ますが|ですが|たが|ものの|けれど|ところ)、|が、(?=現時点|現在|これまで)|。|"
    # A verb's continuative form ends its clause (`攻撃を受け一部のシステムに障害が発生し、
    # 受注ができない`): a denial after it is the next clause's.
    r"(?:を受け|され)(?:、|(?=[一-龥]))|し、"
)


_INTRODUCES = re.compile(r"以下|下記|次の|[:：]\s*$")
# Headings naming the data an incident concerns without a leak verb (`対象となる情報`,
# `記録されていた情報`, `紛失物`): only as a heading, where they introduce the list below.
_HELD_HEADING = re.compile(
    r"(?:対象と(?:なる|なった)|対象の|(?:記録|保存|記載|格納)され(?:てい)?(?:る|た)|含まれ(?:てい)?(?:る|た)|"
    r"該当する|関係する)(?:個人)?(?:情報|データ|項目)|紛失(?:物|した(?:もの|物|書類))|"
    r"個人情報の(?:内容|項目|種類)"
)


# Where data sat (`…が記録されていた`, `…が含まれる`). In a lost or misdirected medium,
# or right after a sentence stating a leak, that is the data exposed.
HELD = re.compile(
    r"(?:記録|保存|記載|格納|添付)(?:され|し)(?:てい|てお|た|ま)|含まれ|含む|入って|入った"
)


def introduced_by_leak(doc: Doc, index: int, *, back: int = 4, held: bool = False) -> bool:
    """Whether line `index` sits under a heading, or follows a sentence introducing a list
    (`…漏えいした可能性のある情報は以下のとおりです`), that states a leak. With `held` (the
    notice is about a lost or misdirected medium), saying what it held is enough."""
    for n, head in enumerate(doc.context_lines(index, back=back)):
        plain = doc.unquoted[head.start : head.end]
        heading = SECTION.match(head.text) or len(head.text) <= 40
        m = (
            LEAK.search(plain)
            or (_HELD_HEADING.search(plain) if heading else None)
            or (HELD.search(plain) if held else None)
        )
        if m is None or negated_after(plain, m.end()):
            continue
        # The prose line right above a list introduces it even without `以下`.
        if heading or _INTRODUCES.search(head.text) or (n == 0 and head.text.endswith("。")):
            return True
    return False


def labelled_leak(text: str) -> bool:
    """A label line naming leaked data before its values (`・含まれる情報:氏名、住所`)."""
    m = re.match(r"^[\s・●○■□◆◇\-*•]*([^:：]{2,24})[:：]", text)
    if m is None:
        return False
    label = m.group(1)
    hit = LEAK.search(label) or _HELD_HEADING.search(label)
    return hit is not None and not negated_after(label, hit.end())


_ENUMERATED = re.compile(r"[、・,]")


def is_item_line(text: str) -> bool:
    """A list item or a short label line (`・氏名`, `学内教職員 485件`), not prose."""
    if MARKER.match(text) and not SECTION.match(text):
        return True
    if "。" not in text and len(list(itertools.islice(_ENUMERATED.finditer(text), 4))) == 4:
        return True  # a long enumeration (`工学部学生名簿:所属、学生番号、氏名、性別、…`)
    return len(text) <= 60 and not text.rstrip(")）").endswith("。")


# Double negatives that affirm (`漏えいの可能性を否定できません` = it may have leaked).
AFFIRMING = re.compile(
    r"否定(?:することは|することが|は)?(?:でき|出来)(?:ない|ません|ず)|とは限ら(?:ない|ず)"
)


# A clause is read at most this far past `pos`, and from a little before it (an affirming
# phrase may start there): a text of thousands of items in one clause stays linear.
CLAUSE_REACH = 300
_BEFORE = 20


def clause_from(text: str, pos: int, ends: re.Pattern[str]) -> tuple[str, int]:
    """The clause `pos` stands in, up to the first of `ends` after it, with affirming double
    negatives masked; and where `pos` falls in it."""
    limit = min(len(text), pos + CLAUSE_REACH)
    cut = ends.search(text, pos, limit)
    start = max(0, pos - _BEFORE)
    clause = AFFIRMING.sub(
        lambda m: "＿" * len(m.group(0)), text[start : cut.start() if cut else limit]
    )
    return clause, pos - start


def negated_after(text: str, pos: int) -> bool:
    """Whether what stands at `pos` is denied later in its own clause."""
    clause, at = clause_from(text, pos, _CLAUSE_BREAK)
    return bool(NEGATION.search(clause, at))


def affirmed(sentence: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The first match of `pattern` in `sentence` that the sentence does not deny."""
    for m in pattern.finditer(sentence):
        if not negated_after(sentence, m.end()):
            return m
    return None


def shorten(text: str, limit: int = 120) -> str:
    """Evidence is for a person's eye: one line, bounded length."""
    one = re.sub(r"\s+", " ", text).strip()
    return one if len(one) <= limit else one[: limit - 1] + "…"
