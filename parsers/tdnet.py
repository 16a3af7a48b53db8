"""TDnet's daily disclosure lists (`I_list_PPP_YYYYMMDD.html`) → disclosures.

The Tokyo Stock Exchange publishes each day's timely disclosures as numbered pages of one
table, `table#main-list-table`, a row per disclosure: time (`td.kjTime`), securities code
(`td.kjCode`: the four-character code and a check digit), company (`td.kjName`), title
linking its PDF (`td.kjTitle`), XBRL (`td.kjXbrl`), exchanges (`td.kjPlace`) and history
(`td.kjHistroy`, spelled so). Withdrawn disclosures keep their row, marked `hyodaiDel`;
a day without any says 開示情報はありません. The other pages of the day are named in the
pager, often only inside an `onclick`, so they are found by name anywhere in the page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.textnorm import nfkc

PAGE_NAME = "I_list_{page:03d}_{day:%Y%m%d}.html"
_PAGE_REF = re.compile(r"I_list_(\d{3})_(\d{8})\.html")
MAX_PAGES = 50  # a day's pages read at most (100 rows each; busy days reach about 20)
# A disclosure that corrects an earlier one: （訂正）… (bracketed) at the start, or …の訂正について,
# …の一部訂正, 訂正のお知らせ anywhere; TSE's titles use these forms for every kind of
# correction, 数値データ訂正 included.
_CORRECTION = re.compile(r"^\s*[\[［(（【〔]訂正|訂正(について|に関する|のお知らせ)|一部訂正")


def page_name(day: dt.date, page: int) -> str:
    return PAGE_NAME.format(page=page, day=day)


@dataclass(frozen=True)
class Disclosure:
    time: str
    securities_code: str
    company: str
    title: str
    url: str
    exchanges: str
    withdrawn: bool

    @property
    def is_correction(self) -> bool:
        return bool(_CORRECTION.search(self.title))


@dataclass(frozen=True)
class DailyPage:
    disclosures: list[Disclosure]
    pages: int  # the day's page count, as far as this page names them


def securities_code(cell: str) -> str:
    """`72030` → `7203`, `130A0` → `130A`: TDnet adds a check digit to the code that
    investors and the exchange use; a four-character cell is already that code."""
    code = nfkc(cell).strip().upper()
    return code[:4] if len(code) == 5 else code


def _text(row: LexborNode, cls: str) -> str:
    cell = row.css_first(f"td.{cls}")
    return " ".join(nfkc(cell.text(separator=" ")).split()) if cell is not None else ""


def _row(row: LexborNode, base_url: str) -> Disclosure | None:
    link = row.css_first("td.kjTitle a[href]")
    code = _text(row, "kjCode")
    if link is None or not code:
        return None
    return Disclosure(
        time=_text(row, "kjTime"),
        securities_code=securities_code(code),
        company=_text(row, "kjName"),
        title=" ".join(nfkc(link.text(separator=" ")).split()),
        url=urljoin(base_url, link.attributes.get("href") or ""),
        exchanges=_text(row, "kjPlace"),
        withdrawn=row.css_first(".hyodaiDel") is not None
        or "hyodaiDel" in (row.attributes.get("class") or ""),
    )


def parse_daily_page(text: str, *, base_url: str, day: dt.date) -> DailyPage:
    """The disclosures of one page of `day`'s list (newest first, as listed) and how many
    pages the day has. A page without the table (an empty day) has none."""
    tree = LexborHTMLParser(text)
    rows = tree.css("table#main-list-table tr")
    found = [d for d in (_row(r, base_url) for r in rows) if d is not None]
    stamp = f"{day:%Y%m%d}"
    named = [int(p) for p, d in _PAGE_REF.findall(text) if d == stamp]
    return DailyPage(found, min(max([1, *named]), MAX_PAGES))
