"""TDnet daily list pages in the markup of the real ones (`I_list_PPP_YYYYMMDD.html`):
the date heading, the count, a pager whose page links live in `onclick`, and
`table#main-list-table` with one row of `kj*` cells per disclosure, odd and even rows
classed `oddnew-*` / `evennew-*`, withdrawn ones marked `hyodaiDel`."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    time: str
    code: str  # as TDnet shows it: five characters, the code and a check digit
    company: str
    title: str
    pdf: str
    place: str = "東"
    withdrawn: bool = False


def _row(index: int, row: Row) -> str:
    parity = "odd" if index % 2 == 0 else "even"
    title = html.escape(row.title)
    if row.withdrawn:
        title = f'<span class="hyodaiDel">{title}</span>'
    cells = [
        f'<td class="{parity}new-L kjTime" noWrap>{row.time}</td>',
        f'<td class="{parity}new-M kjCode" noWrap>{row.code}</td>',
        f'<td class="{parity}new-M kjName" noWrap>{html.escape(row.company)}</td>',
        f'<td class="{parity}new-M kjTitle" align="left">'
        f'<a href="{row.pdf}" target="_blank">{title}</a></td>',
        f'<td class="{parity}new-M kjXbrl" noWrap></td>',
        f'<td class="{parity}new-M kjPlace" noWrap>{row.place}</td>',
        f'<td class="{parity}new-R kjHistroy" noWrap></td>',
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def daily_page(day: dt.date, rows: list[Row], *, page: int = 1, pages: int = 1) -> bytes:
    pager = "".join(
        f'<div class="{"pager-O" if p == page else "pager-M"}" '
        f"onclick=\"pagerLink('I_list_{p:03d}_{day:%Y%m%d}.html')\">{p}</div>"
        for p in range(1, pages + 1)
    )
    if rows:
        body = (
            '<table id="main-list-table" cellspacing="0" cellpadding="0">'
            + "".join(_row(i, r) for i, r in enumerate(rows))
            + "</table>"
        )
    else:
        body = '<div class="kaijiNone">開示情報はありません。</div>'
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html lang="ja"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>適時開示情報閲覧サービス</title></head><body>
<div id="header"><img src="images/logo.gif" alt="TDnet"></div>
<div id="kaiji-date-1">{day.year}年{day.month:02d}月{day.day:02d}日</div>
<div class="kaijiSum">全{len(rows)}件</div>
<div id="pager-box-top">{pager}</div>
{body}
<div id="pager-box-bottom">{pager}</div>
<div id="footer">Copyright Japan Exchange Group, Inc.</div>
</body></html>""".encode()
