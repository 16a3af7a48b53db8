"""Japanese dates: Western and era years, full-width digits, slashes and dots.

Every date layout owabi understands lives here, so that listings, feeds and
notices agree on what a date is.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from parsers.textnorm import nfkc

# First year of each era (year 1 = this Western year).
ERAS: dict[str, int] = {
    "令和": 2019,
    "平成": 1989,
    "昭和": 1926,
    "R": 2019,
    "H": 1989,
    "S": 1926,
}

_ERA_NAMES = "令和|平成|昭和"
_FULL_DATE = re.compile(
    rf"(?P<era>{_ERA_NAMES})\s*(?P<ey>元|\d{{1,2}})\s*年\s*(?P<em>\d{{1,2}})\s*月\s*(?P<ed>\d{{1,2}})\s*日"
    r"|(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|(?<![\d.])(?P<sy>(?:19|20)\d{2})\s*(?P<sep>[/.\-])\s*(?P<sm>\d{1,2})\s*(?P=sep)\s*(?P<sd>\d{1,2})(?![\d])"
    r"|(?<![A-Za-z])(?P<le>[RHS])\s*(?P<ly>\d{1,2})\s*\.\s*(?P<lm>\d{1,2})\s*\.\s*(?P<ld>\d{1,2})(?!\d)"
)


@dataclass(frozen=True)
class DateMatch:
    """A full date found in text, with where it stood (for evidence spans)."""

    date: dt.date
    start: int
    end: int
    text: str


def _era_year(era: str, year: str) -> int:
    return ERAS[era] + (1 if year == "元" else int(year)) - 1


def _build(year: int, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(year, int(month), int(day))
    except ValueError:
        return None


def _date_of(m: re.Match[str]) -> dt.date | None:
    g = m.groupdict()
    if g["era"]:
        return _build(_era_year(g["era"], g["ey"]), g["em"], g["ed"])
    if g["y"]:
        return _build(int(g["y"]), g["m"], g["d"])
    if g["sy"]:
        return _build(int(g["sy"]), g["sm"], g["sd"])
    return _build(_era_year(g["le"], g["ly"]), g["lm"], g["ld"])


def find_dates(text: str) -> list[DateMatch]:
    """Every full (year, month, day) date in `text`, in order.

    The text is NFKC-normalized first; offsets refer to the normalized text,
    which has the same length as the input for the characters that matter here.
    """
    norm = nfkc(text)
    out: list[DateMatch] = []
    for m in _FULL_DATE.finditer(norm):
        d = _date_of(m)
        if d is not None:
            out.append(DateMatch(d, m.start(), m.end(), m.group(0)))
    return out


def parse_date(text: str) -> dt.date | None:
    """The first full date in `text`, or None."""
    found = find_dates(text)
    return found[0].date if found else None


# --- Dates without a year or month, and periods -------------------------------------------
#
# Notices write one full date and then lean on it: `同年11月1日`, `同月24日`, `同日`,
# `10月15日`, `25日夕`. These are resolved against the nearest earlier date in the text
# (full or already resolved), never against today: a date with nothing to lean on is
# dropped, because a guessed year is worse than no date.

_PARTIAL_DATE = re.compile(
    r"(?P<same_year>同年|本年|今年)\s*(?P<py_m>\d{1,2})\s*月\s*(?P<py_d>\d{1,2})\s*日"
    r"|同月\s*(?P<pm_d>\d{1,2})\s*日"
    r"|(?P<same_day>同日)"
    r"|(?<![\d年度])(?P<md_m>\d{1,2})\s*月\s*(?P<md_d>\d{1,2})\s*日"
    r"|(?<![\d月年度第])(?P<d_only>\d{1,2})\s*日(?=\s*(?:[(（][月火水木金土日](?:曜日?)?[)）]|に|、|の|夕|朝|昼|夜|午|未明|深夜|以降|から))"
)

# What may stand between the two ends of a period: a time of day, a weekday, then the
# separator, then an optional `翌`.
_PERIOD_GAP = re.compile(
    r"\s*(?:[(（][月火水木金土日祝・]+(?:曜日?)?[)）])?\s*"
    r"(?:(?:午前|午後)?\s*\d{1,2}\s*[:時]\s*(?:\d{1,2}\s*分?)?\s*(?:頃|ごろ)?|午前中|午後|正午|頃|ごろ)?\s*"
    r"(?:から|より|[~～〜–—―－\-])\s*(?:翌|同)?\s*$"
)
_PERIOD_TAIL = re.compile(
    r"\s*(?:[(（][月火水木金土日祝・]+(?:曜日?)?[)）])?\s*"
    r"(?:(?:午前|午後)?\s*\d{1,2}\s*[:時]\s*(?:\d{1,2}\s*分?)?\s*(?:頃|ごろ)?|午前中|午後|正午)?\s*"
    r"(?:まで)?"
)


@dataclass(frozen=True)
class PeriodMatch:
    """`start から end まで` (or with `~`, `～`, `〜`, `–`) as written in the text."""

    start: DateMatch
    end: DateMatch
    span_start: int
    span_end: int
    text: str


def _nearest_year(ref: dt.date, month: int, day: int) -> dt.date:
    """`12月25日` after `2024年1月10日` is 2023-12-25, and `1月5日` after `2023年12月25日` is
    2024-01-05: a month and day without a year mean the one nearest the date leaned on
    (a timeline crossing New Year, a notice dated just after the events it reports)."""
    candidates = []
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ValueError(f"no date {month}/{day}")
    return min(candidates, key=lambda d: (abs((d - ref).days), d.year != ref.year))


def _resolve(m: re.Match[str], ref: dt.date | None) -> dt.date | None:
    """The date a partial match means, given the nearest earlier date `ref`."""
    if ref is None:
        return None
    g = m.groupdict()
    try:
        if g["same_year"]:
            return dt.date(ref.year, int(g["py_m"]), int(g["py_d"]))
        if g["pm_d"]:
            return dt.date(ref.year, ref.month, int(g["pm_d"]))
        if g["same_day"]:
            return ref
        if g["md_m"]:
            return _nearest_year(ref, int(g["md_m"]), int(g["md_d"]))
        return dt.date(ref.year, ref.month, int(g["d_only"]))
    except ValueError:
        return None


def find_all_dates(text: str) -> list[DateMatch]:
    """Full dates plus the partial ones (`同月24日`, `同日`, `11月1日`) resolved, in order.

    Offsets refer to `nfkc(text)`, as in `find_dates`. A partial date with no earlier
    date to resolve against is left out.
    """
    norm = nfkc(text)
    full = find_dates(norm)
    taken = [(f.start, f.end) for f in full]
    partial = [
        m
        for m in _PARTIAL_DATE.finditer(norm)
        if not any(s < m.end() and m.start() < e for s, e in taken)
    ]
    events: list[tuple[int, DateMatch | re.Match[str]]] = [(f.start, f) for f in full]
    events += [(m.start(), m) for m in partial]
    events.sort(key=lambda item: item[0])
    out: list[DateMatch] = []
    ref: dt.date | None = None
    for _, item in events:
        if isinstance(item, DateMatch):
            out.append(item)
            ref = item.date
            continue
        d = _resolve(item, ref)
        if d is not None:
            out.append(DateMatch(d, item.start(), item.end(), item.group(0)))
            ref = d
    return out


# A window within one day (`15日午前10時ごろから午後2時40分ごろまで`): start = end.
_TIME = r"(?:午前|午後)?\s*\d{1,2}\s*[:時]\s*(?:\d{1,2}\s*分?)?\s*(?:頃|ごろ)?"
_SAME_DAY_WINDOW = re.compile(
    rf"\s*(?:[(（][月火水木金土日祝・]+(?:曜日?)?[)）])?\s*{_TIME}\s*(?:から|より|[~～〜])\s*{_TIME}\s*まで"
)


def find_periods(text: str) -> list[PeriodMatch]:
    """Every `date から date (まで)` or `date ~ date`, and `date time から time まで` (one
    day); ends resolved as in find_all_dates."""
    norm = nfkc(text)
    dates = find_all_dates(norm)
    out: list[PeriodMatch] = []
    for d in dates:
        window = _SAME_DAY_WINDOW.match(norm, d.end)
        if window:
            out.append(PeriodMatch(d, d, d.start, window.end(), norm[d.start : window.end()]))
    for first, second in itertools.pairwise(dates):
        if not _PERIOD_GAP.match(norm, first.end, second.start) or second.date < first.date:
            continue
        tail = _PERIOD_TAIL.match(norm, second.end)
        end = tail.end() if tail else second.end
        out.append(PeriodMatch(first, second, first.start, end, norm[first.start : end]))
    return sorted(out, key=lambda p: p.span_start)
