"""HTML notice pages → main-content text and title."""

from __future__ import annotations

from parsers.html_text import html_title, html_to_text

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
    assert html_to_text(PAGE).split("\n") == [
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
    lines = html_to_text(html).split("\n")
    assert lines[0] == "お知らせ" and "宣伝" not in html_to_text(html)


def test_header_inside_the_article_is_kept() -> None:
    html = (
        "<body><header>サイト名</header><article><header><h1>お詫び</h1><time>2022年1月5日</time>"
        "</header><p>" + "誤送信が発生しました。" * 5 + "</p></article></body>"
    )
    assert html_to_text(html).split("\n")[:2] == ["お詫び", "2022年1月5日"]


def test_whitespace_is_collapsed() -> None:
    assert (
        html_to_text("<p>  個人情報の\n\n   漏えい  について </p>") == "個人情報の 漏えい について"
    )


def test_title_prefers_h1_then_title_without_site_suffix() -> None:
    assert html_title(PAGE) == "不正アクセスに関する お詫び"
    assert html_title("<title>メール誤送信のお詫び | 例示大学</title>") == "メール誤送信のお詫び"
    assert html_title("<p>no title</p>") is None
