"""parse_listing / detect_selectors on real listing captures and the common list layouts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import listing
from parsers.errors import ParseError
from parsers.listing import (
    ListingEntry,
    ListingSelectors,
    detect_selectors,
    parse_listing,
    read_listing,
)

FEEDS = Path("/work/shared/corpus/feeds")
JPCERT = (FEEDS / "jpcert_top_listing_2018_excerpt.html").read_text(encoding="utf-8")
SURUTTO = (FEEDS / "surutto_kansai_news_listing_2018_excerpt.html").read_text(encoding="utf-8")


def test_jpcert_top_listing_is_detected() -> None:
    entries = parse_listing(JPCERT, base_url="https://www.jpcert.or.jp/")
    assert len(entries) == 17  # 注意喚起 6 + JVN 6 + お知らせ 5
    assert entries[0] == ListingEntry(
        title="2018年 3月マイクロソフトセキュリティ更新プログラムに関する注意喚起",
        url="https://www.jpcert.or.jp/at/2018/at180011.html",
        date=dt.date(2018, 3, 14),
    )
    assert (
        ListingEntry(
            title="Dnsmasq に複数の脆弱性",
            url="https://jvn.jp/vu/JVNVU93453933/",
            date=dt.date(2018, 3, 15),
        )
        in entries
    )
    assert all(e.date is not None for e in entries)
    urls = {e.url for e in entries}
    assert "https://www.jpcert.or.jp/rss/jpcert.rdf" not in urls  # the "RSS" link lists


def test_jpcert_selectors() -> None:
    assert detect_selectors(JPCERT) == ListingSelectors(
        item="ul.list > li", title="span.right_area", date="span.left_area"
    )


def test_surutto_news_listing_is_detected() -> None:
    entries = parse_listing(SURUTTO, base_url="http://www.surutto.com/")
    assert len(entries) == 8  # the one item without a link is not an entry
    assert entries[1] == ListingEntry(
        title="サイトアクセス不具合についてのお詫びとお知らせ",
        url="http://www.surutto.com/newsrelease/apology.pdf",
        date=dt.date(2018, 2, 27),
    )
    # The <time> wins over a date quoted in the title.
    assert entries[2].date == dt.date(2018, 2, 1)
    assert entries[2].title.startswith("2018年1月31日の営業終了")
    assert entries[-1].date == dt.date(2017, 4, 7)


@pytest.mark.parametrize("html", [JPCERT, SURUTTO])
def test_detected_selectors_reproduce_auto_detection(html: str) -> None:
    selectors = detect_selectors(html)
    assert selectors is not None
    base = "https://example.jp/"
    assert parse_listing(html, base_url=base, selectors=selectors) == parse_listing(
        html, base_url=base
    )


NAV = """<header><nav><ul class="menu">
<li><a href="/a">2022/01/01 会社案内</a></li><li><a href="/b">2022/01/02 採用</a></li>
<li><a href="/c">2022/01/03 製品</a></li><li><a href="/d">2022/01/04 IR</a></li>
</ul></nav></header>"""
FOOTER = """<footer><p><a href="/privacy">プライバシー</a>
<a href="/sitemap">サイトマップ</a></p></footer>"""


def test_dl_dt_dd_listing() -> None:
    html = f"""<html><body>{NAV}<main><h2>お知らせ</h2><dl class="news">
    <dt>2022年11月21日</dt><dd><a href="/news/2022/1121.html">不正アクセスに関するお詫び</a></dd>
    <dt>令和4年11月1日</dt>
    <dd><a href="/news/2022/1101.html">システムメンテナンスのお知らせ</a></dd>
    <dt>２０２２．１０．０５</dt><dd><a href="/news/2022/1005.html">新製品のお知らせ</a></dd>
    </dl></main>{FOOTER}</body></html>"""
    assert parse_listing(html, base_url="https://example.co.jp/") == [
        ListingEntry("不正アクセスに関するお詫び", "https://example.co.jp/news/2022/1121.html",
                     dt.date(2022, 11, 21)),
        ListingEntry("システムメンテナンスのお知らせ", "https://example.co.jp/news/2022/1101.html",
                     dt.date(2022, 11, 1)),
        ListingEntry("新製品のお知らせ", "https://example.co.jp/news/2022/1005.html",
                     dt.date(2022, 10, 5)),
    ]  # fmt: skip


def test_table_listing() -> None:
    rows = "".join(
        f'<tr><td class="date">2022/11/{d:02d}</td>'
        f'<td><a href="n{d}.html">お知らせ{d}</a></td></tr>'
        for d in (21, 14, 7)
    )
    table = f'<table class="news"><tr><th>日付</th><th>件名</th></tr>{rows}</table>'
    html = f"<html><body>{NAV}{table}</body></html>"
    entries = parse_listing(html, base_url="https://example.jp/ir/index.html")
    assert entries == [
        ListingEntry(f"お知らせ{d}", f"https://example.jp/ir/n{d}.html", dt.date(2022, 11, d))
        for d in (21, 14, 7)
    ]
    selectors = detect_selectors(html)
    assert selectors is not None
    assert selectors.item is not None
    assert selectors.item.endswith("> tr")
    assert selectors.date == "td.date"


def test_div_listing_with_date_after_title() -> None:
    items = "".join(
        f'<div class="item"><a href="/p/{n}">2021年{n}月のお知らせ</a>'
        f'<span class="d">2022.0{n}.15</span></div>'
        for n in (3, 2, 1)
    )
    html = f'<body><div class="news-list">{items}</div>{FOOTER}</body>'
    entries = parse_listing(html, base_url="https://example.jp/")
    assert [(e.title, e.date) for e in entries] == [
        (f"2021年{n}月のお知らせ", dt.date(2022, n, 15)) for n in (3, 2, 1)
    ]


def test_page_without_a_dated_list() -> None:
    html = f"<body>{FOOTER}<p>ようこそ</p></body>"
    assert parse_listing(html, base_url="https://example.jp/") == []
    assert detect_selectors(html) is None


def test_explicit_selectors() -> None:
    html = """<ul id="topics">
    <li><span class="cat"><a href="/cat/info">info</a></span>
        <a class="t" href="/n/1">件名1</a><em>2022/4/1</em></li>
    <li><span class="cat"><a href="/cat/info">info</a></span>
        <a class="t" href="/n/2">件名2</a></li>
    </ul>"""
    selectors = ListingSelectors(item="#topics > li", link="a.t", date="em")
    assert parse_listing(html, base_url="https://example.jp/", selectors=selectors) == [
        ListingEntry("件名1", "https://example.jp/n/1", dt.date(2022, 4, 1)),
        ListingEntry("件名2", "https://example.jp/n/2", None),
    ]
    # Without `link`, the first link in the item is taken.
    first = parse_listing(html, base_url="https://example.jp/", selectors=ListingSelectors("li"))
    assert first[0].url == "https://example.jp/cat/info"


@pytest.mark.parametrize(
    "selectors", [ListingSelectors(), ListingSelectors(item="li[["), ListingSelectors("li", "a[[")]
)
def test_bad_selectors(selectors: ListingSelectors) -> None:
    with pytest.raises(ParseError) as info:
        parse_listing(
            "<ul><li><a href=/x>x</a></li></ul>", base_url="https://e.jp/", selectors=selectors
        )
    assert info.value.code == "bad_selector"


def test_base_href_dedupe_fragments_and_schemes() -> None:
    html = """<html><head><base href="https://cdn.example.jp/news/"></head><body><ul class="n">
    <li>2022/1/3 <a href="a.html#top">A</a></li>
    <li>2022/1/2 <a href="a.html">A again</a></li>
    <li>2022/1/1 <a href="javascript:void(0)">script</a></li>
    <li>2022/1/1 <a href="mailto:x@example.jp">mail</a></li>
    <li>2021/12/31 <a href="//other.example.jp/b">B</a></li>
    </ul></body></html>"""
    entries = parse_listing(html, base_url="https://example.jp/")
    assert [(e.url, e.title) for e in entries] == [
        ("https://cdn.example.jp/news/a.html", "A"),
        ("https://other.example.jp/b", "B"),
    ]


def test_max_entries() -> None:
    items = "".join(f'<li>2022/1/{d} <a href="/{d}">n{d}</a></li>' for d in range(1, 29))
    html = f'<ul class="n">{items}</ul>'
    assert len(parse_listing(html, base_url="https://e.jp/", max_entries=5)) == 5


# The per-node steps of list detection and extraction; a page built to be slow must not
# make them do more.
WORK = ("_text", "_descendants", "_extract", "_situation", "_item_date")


def _work(html: str, **options: Any) -> tuple[int, Counter[str]]:
    """Entries found, and how often each per-node step ran (nodes walked, for
    `_descendants`)."""
    done: Counter[str] = Counter()
    with pytest.MonkeyPatch.context() as patch:
        for name in WORK:
            step = getattr(listing, name)

            def counted(*args: Any, _step: Any = step, _name: str = name) -> Any:
                result = _step(*args)
                done[_name] += len(result) if _name == "_descendants" else 1
                return result

            patch.setattr(listing, name, counted)
        entries = parse_listing(html, base_url="https://example.jp/", **options)
    return len(entries), done


def _links_page(n: int) -> str:
    items = "".join(
        f'<li><span>2022/11/{i % 28 + 1:02d}</span><a href="/n/{i}">お知らせ {i}</a></li>'
        for i in range(n)
    )
    junk = "<a href=/z>z</a>" * n
    return f"<html><body>{NAV}<div>{junk}</div><ul class=n>{items}</ul>{junk}</body></html>"


def test_hostile_page_with_100000_links_is_cheap() -> None:
    found, work = _work(_links_page(100_000), max_entries=500)
    assert found == 500
    assert work == _work(_links_page(1_000), max_entries=500)[1]  # 100× the page, same work


def test_deeply_nested_page_is_cheap() -> None:
    def nested(depth: int) -> str:
        return "<div>" * depth + '<a href="/x">2022/1/1 x</a>' * 3 + "</div>" * depth

    assert _work(nested(20_000))[1] == _work(nested(2_000))[1]


@settings(deadline=None, max_examples=200)
@given(st.text(max_size=500))
def test_arbitrary_text_never_raises(text: str) -> None:
    entries = parse_listing(text, base_url="https://example.jp/")
    assert all(e.url.startswith(("http://", "https://")) for e in entries)
    detect_selectors(text)


_TOKENS = ["<ul>", "</ul>", "<li>", "</li>", "<dl>", "<dt>", "<dd>", "<tr>", "<td>", "<a href='/",
           "x'>", "</a>", "2022/1/2", "令和4年5月6日", "<div class='c'>", "</div>", "<nav>",
           "<base href='", "javascript:", "#", "題", " "]  # fmt: skip


@settings(deadline=None, max_examples=200)
@given(st.lists(st.sampled_from(_TOKENS), max_size=80).map("".join))
def test_listing_like_markup_never_raises(html: str) -> None:
    entries = parse_listing(html, base_url="https://example.jp/")
    assert len({e.url for e in entries}) == len(entries)
    selectors = detect_selectors(html)
    if selectors is not None:
        assert parse_listing(html, base_url="https://example.jp/", selectors=selectors) == entries


def test_a_listing_nested_deep_is_read_without_quadratic_parsing() -> None:
    items = "".join(
        f'<li><span class="date">2024年5月{d}日</span><a href="/news/{d}.html">告知 {d}</a></li>'
        for d in range(1, 11)
    )
    page = "<html><body>" + "<div>" * 100_000 + f"<ul>{items}</ul>" + "</div>" * 100_000
    entries = parse_listing(page + "</body></html>", base_url="https://corp.example/")
    assert [e.url for e in entries][:2] == [
        "https://corp.example/news/1.html",
        "https://corp.example/news/2.html",
    ]


def _dated_list(tag: str, name: str, count: int) -> str:
    items = "".join(
        f'<li><span>2024年5月{day}日</span><a href="/{name}/{day}.html">{name} {day}</a></li>'
        for day in range(1, count + 1)
    )
    return f'<{tag} class="{name}">{items}</{tag}>'


# Two dated lists: detection takes the longer one (news); a site's own layout may be the
# other, and a list remembered from an earlier version keeps being read.
TWO_LISTS = (
    "<html><body><nav><ul><li><a href='/a/'>会社案内</a></li><li><a href='/b/'>製品</a></li>"
    f"</ul></nav>{_dated_list('ul', 'news', 6)}{_dated_list('ol', 'press', 4)}</body></html>"
)
BASE = "https://corp.example/"


def test_a_remembered_list_that_fits_is_read_without_detection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    detected = detect_selectors(TWO_LISTS)
    assert detected is not None and detected.item is not None and "news" in detected.item
    press = ListingSelectors(item="ol.press > li")

    def no_detection(*_: object) -> None:
        raise AssertionError("detection ran")

    monkeypatch.setattr(listing, "_detect", no_detection)
    got = read_listing(TWO_LISTS, base_url=BASE, remembered=press)
    assert got.selectors == press
    assert [e.url for e in got.entries] == [f"{BASE}press/{d}.html" for d in range(1, 5)]
    assert got.entries[0].date == dt.date(2024, 5, 1)


@pytest.mark.parametrize(
    "stale",
    [
        ListingSelectors(item="table.old tr"),  # gone in a redesign
        ListingSelectors(item="nav li"),  # links, but undated
        ListingSelectors(item="ol.press > li:first-child"),  # too few to be the listing
        ListingSelectors(item="ul >>> li["),  # not CSS this lexbor takes
    ],
)
def test_a_remembered_list_that_no_longer_fits_is_detected_afresh(
    stale: ListingSelectors,
) -> None:
    got = read_listing(TWO_LISTS, base_url=BASE, remembered=stale)
    assert got.selectors == detect_selectors(TWO_LISTS)
    assert got.entries == parse_listing(TWO_LISTS, base_url=BASE)
    assert len(got.entries) == 6


def test_read_listing_without_memory_is_detection() -> None:
    got = read_listing(JPCERT, base_url="https://www.jpcert.or.jp/")
    assert got.selectors == detect_selectors(JPCERT)
    assert got.entries == parse_listing(JPCERT, base_url="https://www.jpcert.or.jp/")
    empty = read_listing("<p>no list</p>", base_url=BASE)
    assert (empty.entries, empty.selectors) == ([], None)


def test_a_group_too_small_to_win_is_not_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    # A site's news list of 12 dated entries and, lower on the page, a menu of 3 links:
    # once the list scores 12, the menu cannot win whatever it holds.
    news = "".join(
        f'<li><span>2024年4月{d}日</span><a href="/news/{d}.html">お知らせ{d}</a></li>'
        for d in range(1, 13)
    )
    menu = "".join(f'<p class="m"><a href="/m{i}.html">メニュー{i}</a></p>' for i in range(3))
    page = f'<html><body><ul class="news">{news}</ul><div class="menu">{menu}</div></body></html>'
    extracted: Counter[str] = Counter()
    real = listing._extract

    def counting(item: Any, sel: Any, base: str) -> Any:
        extracted[item.tag] += 1
        return real(item, sel, base)

    monkeypatch.setattr(listing, "_extract", counting)
    entries = listing.parse_listing(page, base_url="https://example.jp/")
    assert len(entries) == 12 and entries[0].date == dt.date(2024, 4, 1)
    assert extracted["p"] == 0
