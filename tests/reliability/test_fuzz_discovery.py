"""Property tests of discovery on generated, well-formed input (tests/parsers/ already
throws random bytes and token soup at the same entry points): feeds and listing pages
built from random titles, hrefs and dates in every shape owabi meets, and notices read
with any hints a feed or source config may supply.

Properties: no exception but ParseError; every URL that comes out is absolute http(s)
and unique; nothing is invented (no more entries than items); `detect_selectors` shows
exactly what auto-detection extracts; a notice always yields a schema-valid Incident.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.errors import ParseError
from parsers.feed import parse_feed
from parsers.hints import NoticeHints
from parsers.listing import detect_selectors, parse_listing
from parsers.notice import parse_text
from parsers.schema import Incident

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASE = "https://corp.example.jp/news/"

titles = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["不正アクセスに関するお詫び", "ランサムウェア被害のお知らせ", "<b>重要</b>", "A&B", ""]
    ),
)
hrefs = st.one_of(
    st.sampled_from(
        [
            "/news/1.html",
            "2.html",
            "../3.pdf",
            "https://other.example/x",
            "http://127.0.0.1/admin",
            "javascript:alert(1)",
            "mailto:a@b.jp",
            "#top",
            "//cdn.example/y",
            "http://[::1]/z",
            "http://a b/",
            "",
        ]
    ),
    st.text(alphabet=st.characters(codec="ascii"), max_size=40),
)
dates = st.one_of(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)).flatmap(
        lambda d: st.sampled_from(
            [
                f"{d.year}年{d.month}月{d.day}日",
                d.isoformat(),
                f"{d.year}.{d.month:02}.{d.day:02}",
                f"{d:%a, %d %b %Y} 09:00:00 +0900",
            ]
        )
    ),
    st.text(max_size=20),
)
items = st.lists(st.tuples(titles, hrefs, dates), max_size=25)


def _is_http(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https") and bool(urlsplit(url).netloc)


def _rss(entries: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(h)}</link>"
        f"<pubDate>{escape(d)}</pubDate><description>{escape(t)}</description></item>"
        for t, h, d in entries
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    return f"{head}{body}</channel></rss>".encode()


def _atom(entries: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f'<entry><title type="html">{escape(t)}</title><link href="{escape(h, quote=True)}"/>'
        f"<id>{escape(h)}{i}</id><updated>{escape(d)}</updated></entry>"
        for i, (t, h, d) in enumerate(entries)
    )
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{body}</feed>'.encode()


@FUZZ
@given(entries=items, atom=st.booleans(), encoding=st.sampled_from(["utf-8", "cp932"]))
def test_generated_feeds_yield_only_absolute_http_links(
    entries: list[tuple[str, str, str]], atom: bool, encoding: str
) -> None:
    data = (_atom if atom else _rss)(entries)
    if encoding != "utf-8":
        data = data.decode().encode(encoding, "replace")
    try:
        feed = parse_feed(data, base_url=BASE, http_charset=encoding)
    except ParseError:
        return
    assert len(feed.entries) <= len(entries)
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    for entry in feed.entries:
        assert entry.link is None or _is_http(entry.link), entry.link
        assert "\n" not in entry.title


def _listing(shape: str, entries: list[tuple[str, str, str]]) -> str:
    def a(title: str, href: str) -> str:
        return f'<a href="{escape(href, quote=True)}">{escape(title)}</a>'

    if shape == "ul":
        rows = "".join(f"<li><span>{escape(d)}</span> {a(t, h)}</li>" for t, h, d in entries)
        body = f'<ul class="news">{rows}</ul>'
    elif shape == "table":
        rows = "".join(f"<tr><td>{escape(d)}</td><td>{a(t, h)}</td></tr>" for t, h, d in entries)
        body = f"<table>{rows}</table>"
    elif shape == "dl":
        rows = "".join(f"<dt>{escape(d)}</dt><dd>{a(t, h)}</dd>" for t, h, d in entries)
        body = f"<dl>{rows}</dl>"
    else:
        rows = "".join(
            f'<div class="item">{a(t, h)}<p class="date">{escape(d)}</p></div>'
            for t, h, d in entries
        )
        body = f'<div class="list">{rows}</div>'
    nav = '<nav><a href="/">トップ</a><a href="/about">会社概要</a></nav>'
    return f"<html><body>{nav}<main>{body}</main></body></html>"


@FUZZ
@given(entries=items, shape=st.sampled_from(["ul", "table", "dl", "div"]))
def test_generated_listings_are_consistent(entries: list[tuple[str, str, str]], shape: str) -> None:
    html = _listing(shape, entries)
    found = parse_listing(html, base_url=BASE)
    assert len(found) <= len(entries)
    urls = [e.url for e in found]
    assert len(set(urls)) == len(urls)
    assert all(_is_http(u) and "#" not in u for u in urls), urls
    selectors = detect_selectors(html)
    if selectors is None:
        assert found == []
    else:
        assert parse_listing(html, base_url=BASE, selectors=selectors) == found


optional_text = st.one_of(st.none(), st.text(max_size=40))


@FUZZ
@given(
    text=st.text(max_size=800),
    title=optional_text,
    organization=optional_text,
    published=st.one_of(
        st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
    ),
)
def test_notices_with_any_hints_give_valid_incidents(
    text: str, title: str | None, organization: str | None, published: dt.date | None
) -> None:
    hints = NoticeHints(title=title, organization=organization, published=published)
    incident = parse_text(text, hints=hints)
    assert isinstance(incident, Incident)
    Incident.model_validate(incident.to_json_dict())
