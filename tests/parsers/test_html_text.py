"""HTML notice pages → main-content text and title."""

from __future__ import annotations

from parsers.html_text import bounded_markup, read_html

PAGE = """<!doctype html><html><head><title>不正アクセスに関するお詫び | 株式会社サンプル</title>
<script>var tracking = 1;</script><style>p { color: red }</style></head>
<body><header><a href="/">ホーム</a><a href="/news">ニュース</a></header>
<div class="breadcrumb">ホーム &gt; ニュース &gt; お知らせ</div>
<nav><ul><li>製品情報</li><li>採用情報</li></ul></nav>
<div id="wrapper"><div class="entry">
<h1>不正アクセスに関する<b>お詫び</b></h1><p>2022年11月1日</p>
<p>このたび、弊社サーバーに<br>第三者による不正アクセスがありました。</p>
<ul><li>氏名</li><li>住所</li></ul>
<table><tr><th>日時</th><td>内容</td></tr><tr><td>10月31日</td><td>発覚</td></tr></table>
</div><aside>関連記事 その他のお知らせ</aside></div>
<footer>Copyright 株式会社サンプル</footer></body></html>"""


def test_chrome_is_dropped_and_blocks_become_lines() -> None:
    assert read_html(PAGE).text.split("\n") == [
        "不正アクセスに関するお詫び",
        "2022年11月1日",
        "このたび、弊社サーバーに",
        "第三者による不正アクセスがありました。",
        "氏名",
        "住所",
        "日時\t内容",
        "10月31日\t発覚",
    ]


def test_main_element_wins_over_surrounding_text() -> None:
    html = (
        "<body><div>サイドの長い宣伝文がここにあります。" * 3
        + "</div><main><h2>お知らせ</h2><p>"
        + "弊社の運営するサイトへの不正アクセスについてご報告します。" * 2
        + "</p></main></body>"
    )
    lines = read_html(html).text.split("\n")
    assert lines[0] == "お知らせ" and "宣伝" not in read_html(html).text


def test_header_inside_the_article_is_kept() -> None:
    html = (
        "<body><header>サイト名</header><article><header><h1>お詫び</h1><time>2022年1月5日</time>"
        "</header><p>" + "誤送信が発生しました。" * 5 + "</p></article></body>"
    )
    assert read_html(html).text.split("\n")[:2] == ["お詫び", "2022年1月5日"]


def test_whitespace_is_collapsed() -> None:
    assert (
        read_html("<p>  個人情報の\n\n   漏えい  について </p>").text
        == "個人情報の 漏えい について"
    )


def test_title_prefers_h1_then_title_without_site_suffix() -> None:
    assert read_html(PAGE).title == "不正アクセスに関する お詫び"
    assert (
        read_html("<title>メール誤送信のお詫び | 例示大学</title>").title == "メール誤送信のお詫び"
    )
    assert read_html("<p>no title</p>").title is None


def test_markup_within_the_depth_limit_is_left_as_it_is() -> None:
    page = "<html><body>" + "<div>" * 150 + "<p>本文</p>" + "</div>" * 150 + "</body></html>"
    assert bounded_markup(page) is page
    unclosed = "<ul>" + "<li>項目<p>段落<br>" * 5_000 + "</ul>"  # optional end tags: flat
    assert bounded_markup(unclosed) is unclosed


def test_deeper_markup_loses_its_inner_tags_but_not_its_text() -> None:
    depth = 100_000
    page = (
        "<html><head><title>お詫び | 例示市</title></head><body>"
        + "<div>" * depth
        + "<h1>不正アクセスに関するお詫び</h1><p>個人情報が漏えいしました。</p>"
        + "</div>" * depth
        + "</body></html>"
    )
    bounded = bounded_markup(page, depth=50)
    assert bounded.count("<div>") == bounded.count("</div>") < 50  # the middle levels
    assert "<h1>" in bounded and "個人情報が漏えいしました。" in bounded  # the bottom kept
    notice = read_html(page)
    assert notice.text.split("\n") == ["不正アクセスに関するお詫び", "個人情報が漏えいしました。"]
    assert notice.title == "不正アクセスに関するお詫び"
    assert notice.site_name == "例示市"


def test_the_text_walk_stops_after_the_limit() -> None:
    items = "".join(f"<li>お知らせ {i}</li>" for i in range(20_000))
    text = read_html(f"<html><body><ul>{items}</ul></body></html>", limit=1_000).text
    lines = text.split("\n")
    assert lines[0] == "お知らせ 0" and 50 < len(lines) < 200


def test_markup_past_the_tag_limit_is_cut() -> None:
    items = "".join(f"<li>お知らせ {i}</li>" for i in range(1_000))
    page = f"<html><body><h1>お詫び</h1><ul>{items}</ul></body></html>"
    cut = bounded_markup(page, tags=101)
    assert cut.count("<li>") == 48 and page.startswith(cut)
    notice = read_html(page)
    assert bounded_markup(page) is page and notice.title == "お詫び"
