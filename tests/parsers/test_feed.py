"""parse_feed on real captures (RSS 2.0, RSS 1.0 that is not well-formed, Atom) and traps."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.errors import ParseError
from parsers.feed import FULL_CONTENT_MIN_CHARS, looks_like_feed, parse_feed

FEEDS = Path("/work/shared/corpus/feeds")


def read(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def rss(items: str, *, head: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (
        f'{head}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>お知らせ</title>{items}</channel></rss>"
    ).encode()


def test_yahoo_rss20() -> None:
    feed = parse_feed(read("yahoo_news_it_rss_20220704.xml"), base_url="https://news.yahoo.co.jp/")
    assert feed.title == "IT - Yahoo!ニュース"
    assert len(feed.entries) == 50
    first = feed.entries[0]
    assert first.title == "新宿「Flags」大規模リニューアルで「ユニクロ」出店(Impress Watch)"
    assert first.link is not None
    assert first.link.startswith("https://news.yahoo.co.jp/articles/93f3ac49")
    assert first.id == first.link
    assert first.published == dt.date(2022, 7, 4)
    assert first.summary.startswith("新宿駅東南口の商業施設")
    assert first.content_html is None
    assert not first.is_full_content
    assert len({e.id for e in feed.entries}) == 50


def test_jvn_rdf_that_is_not_well_formed_still_parses() -> None:
    feed = parse_feed(read("jvndb_new_rss_sample.rdf"), base_url="https://jvndb.jvn.jp/")
    assert feed.title == "JVNDB RSS Feed - New Entry"
    assert [e.link for e in feed.entries] == [
        f"https://jvndb.jvn.jp/ja/contents/2023/JVNDB-2023-02857{n}.html" for n in (9, 8, 7, 6)
    ]
    assert feed.entries[0].title == "Contiki-NG における再帰制御に関する脆弱性"
    assert all(e.published == dt.date(2025, 4, 11) for e in feed.entries)


def test_ipa_atom() -> None:
    feed = parse_feed(read("ipa_myjvn_alertlist_atom_sample.xml"), base_url="https://jvndb.jvn.jp/")
    assert feed.title == "IPA注意警戒サービスAPI"
    first, second = feed.entries
    assert first.title == "MyJVN APIに関するセキュリティ情報"
    assert first.link == "https://www.ipa.go.jp/security/"
    assert first.published == dt.date(2025, 4, 4)
    assert first.summary == "更新に関する連絡です。"
    assert second.link is None  # no <link> in the entry
    assert second.published == dt.date(2025, 2, 12)


def test_full_content_and_relative_links() -> None:
    body = "<p>" + "不正アクセスにより個人情報が漏えいした可能性があります。" * 20 + "</p>"
    items = (
        f"<item><title>お詫び</title><link>/news/1.html</link><guid>n1</guid>"
        f"<description>短い要約</description>"
        f"<content:encoded><![CDATA[{body}<script>alert(1)</script>]]></content:encoded></item>"
        "<item><title>短い</title><link>/news/2.html</link>"
        "<content:encoded><![CDATA[<p>短い本文</p>]]></content:encoded></item>"
    )
    feed = parse_feed(rss(items), base_url="https://example.co.jp/feed.xml")
    full, short = feed.entries
    assert full.id == "n1"
    assert full.link == "https://example.co.jp/news/1.html"
    assert full.summary == "短い要約"
    assert full.content_html is not None
    assert "script" not in full.content_html
    assert full.is_full_content
    assert len(body) > FULL_CONTENT_MIN_CHARS
    assert short.link == "https://example.co.jp/news/2.html"
    assert short.id == short.link
    assert not short.is_full_content


def test_html_in_titles_and_summaries_becomes_plain_text() -> None:
    items = (
        "<item><title>A &amp;lt;b&amp;gt; B</title>"
        "<description>&lt;p&gt;本文&lt;br&gt;続き&lt;/p&gt;</description></item>"
    )
    entry = parse_feed(rss(items), base_url="https://example.jp/").entries[0]
    assert entry.title == "A <b> B"
    assert entry.summary == "本文 続き"


def test_non_http_links_are_dropped_and_ids_fall_back_to_a_digest() -> None:
    items = "<item><title>x</title><link>javascript:alert(1)</link></item>"
    entry = parse_feed(rss(items), base_url="https://example.jp/").entries[0]
    assert entry.link is None
    assert entry.id.startswith("sha256:")


def test_dates_are_japan_dates() -> None:
    items = (
        "<item><title>a</title><pubDate>Sun, 03 Jul 2022 23:00:00 GMT</pubDate></item>"
        "<item><title>b</title><pubDate>2022-07-03T23:30:00</pubDate></item>"
    )
    a, b = parse_feed(rss(items), base_url="https://example.jp/").entries
    assert a.published == dt.date(2022, 7, 4)  # 08:00 JST
    assert b.published == dt.date(2022, 7, 3)  # naive: as written


def test_shift_jis_feed_with_cp932_characters() -> None:
    head = '<?xml version="1.0" encoding="Shift_JIS"?>'
    data = rss("<item><title>①不正アクセスのお詫び</title></item>", head=head).decode()
    feed = parse_feed(data.encode("cp932"), base_url="https://example.jp/")
    assert feed.title == "お知らせ"
    assert feed.entries[0].title == "①不正アクセスのお詫び"


@pytest.mark.parametrize(
    "name",
    ["jpcert_top_listing_2018_excerpt.html", "surutto_kansai_news_listing_2018_excerpt.html"],
)
def test_html_page_is_not_a_feed(name: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_feed(read(name), base_url="https://example.jp/")
    assert info.value.code == "not_a_feed"


@pytest.mark.parametrize("data", [b"<?xml version='1.0'?><foo><bar/></foo>", b"", b"/etc/passwd"])
def test_other_documents_are_not_feeds(data: bytes) -> None:
    # b"/etc/passwd" must be parsed as bytes, never opened as a file name.
    with pytest.raises(ParseError) as info:
        parse_feed(data, base_url="https://example.jp/")
    assert info.value.code == "not_a_feed"


def test_truncated_feed_with_nothing_usable_is_malformed() -> None:
    with pytest.raises(ParseError) as info:
        parse_feed(b'<rss version="2.0"><chan', base_url="https://example.jp/")
    assert info.value.code == "malformed_feed"
    assert "\n" not in str(info.value)


def test_truncated_feed_keeps_what_it_has() -> None:
    data = rss("<item><title>A</title><link>https://example.jp/a</link></item>")[:-30]
    feed = parse_feed(data, base_url="https://example.jp/")
    assert [e.title for e in feed.entries] == ["A"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://example.jp/</link></item></channel></rss>"""


@pytest.mark.parametrize(
    "data",
    [
        BILLION_LAUGHS,
        # Quadratic blow-up: one big entity, referenced many times.
        b'<!DOCTYPE r [<!ENTITY a "' + b"x" * 50_000 + b'">]><rss version="2.0"><channel>'
        b"<item><title>" + b"&a;" * 50_000 + b"</title></item></channel></rss>",
        # Hidden behind a comment and a lower-case keyword.
        b'<!-- <a --><!DOCTYPE r [<!entity a "b">]><rss version="2.0"/>',
    ],
)
def test_entity_declarations_are_refused_quickly(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused before any XML parser sees the document, so no entity is ever expanded."""

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the feed reached the XML parser")

    import feedparser  # parsers.feed imports it on the first feed it parses

    monkeypatch.setattr(feedparser, "parse", never)
    with pytest.raises(ParseError) as info:
        parse_feed(data, base_url="https://example.jp/")
    assert info.value.code == "unsafe_feed"


def test_doctype_without_entities_is_fine() -> None:
    head = (
        '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        ' "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
    )
    feed = parse_feed(rss("<item><title>a</title></item>", head=head), base_url="https://e.jp/")
    assert [e.title for e in feed.entries] == ["a"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("yahoo_news_it_rss_20220704.xml", True),
        ("jvndb_new_rss_sample.rdf", True),
        ("ipa_myjvn_alertlist_atom_sample.xml", True),
        ("jpcert_top_listing_2018_excerpt.html", False),
        ("surutto_kansai_news_listing_2018_excerpt.html", False),
    ],
)
def test_looks_like_feed(name: str, expected: bool) -> None:
    assert looks_like_feed(read(name)) is expected


def test_looks_like_feed_needs_a_whole_element_name() -> None:
    assert not looks_like_feed(b"<feedback>no</feedback>")
    assert looks_like_feed(b"<?xml version='1.0'?>\n<RSS version='2.0'>")


@settings(deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_raise_only_parse_errors(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse_feed(data, base_url="https://example.jp/")


_TOKENS = [*'<>/&;"\'=? !x[]-', "rss", "item", "title", "link", "feed", "entry", "<!ENTITY",
           "<!DOCTYPE", "あ", "<![CDATA[", "https://", "<?xml", "?>"]  # fmt: skip


@settings(deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=60).map("".join))
def test_feed_like_text_raises_only_parse_errors(text: str) -> None:
    try:
        feed = parse_feed(text.encode(), base_url="https://example.jp/")
    except ParseError:
        return
    assert all(e.link is None or e.link.startswith(("http://", "https://")) for e in feed.entries)
