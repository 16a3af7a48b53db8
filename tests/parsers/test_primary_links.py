"""Finding the organization's own notice among everything a news article links. The
articles are written for these tests in the shapes news sites use."""

from __future__ import annotations

import pytest

from parsers.primary import primary_links

BASE = "https://news.example.jp/2026/12/03/1234.html"

CHROME = """
<header><nav><a href="/">トップ</a><a href="/news/">ニュース</a>
<a href="https://corp.example.jp/news/">会社概要</a></nav></header>
<div class="share"><a href="https://twitter.com/intent/tweet?url=x">ポスト</a>
<a href="https://b.hatena.ne.jp/entry/x">はてブ</a></div>
<div class="ad-unit"><a href="https://ads.example.net/click?id=1">セキュリティ対策のお知らせ</a></div>
<aside><h2>アクセスランキング</h2><ul>
<li><a href="https://news.example.jp/2026/12/02/1.html">市役所でメール誤送信</a></li></ul></aside>
<footer><a href="https://www.example.jp/privacy">プライバシーポリシー</a></footer>
"""


def _article(body: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{CHROME}
<main><article><h1>通販サイトに不正アクセス</h1>{body}
<section class="related"><h2>関連記事</h2><ul>
<li><a href="/2026/11/30/999.html">病院にランサムウェア</a></li>
<li><a href="https://sub.news.example.jp/x.html">別のサイトの記事について</a></li>
</ul></section></article></main></body></html>"""


def test_a_link_under_a_kouhiki_heading_is_the_primary_notice() -> None:
    body = """<p>サンプル商事は12月2日、同社サイトへの不正アクセスを公表した。</p>
<h3>公式発表</h3><ul><li><a href="https://www.sample-shoji.co.jp/info/20261202.html">
弊社サイトへの不正アクセスに関するお詫びとお知らせ</a></li></ul>"""
    [link] = primary_links(_article(body), base_url=BASE)
    assert link.url == "https://www.sample-shoji.co.jp/info/20261202.html"


def test_a_pdf_named_as_a_notice_inline_in_the_text() -> None:
    body = """<p>同社が公表した<a href="https://www.sample.lg.jp/material/files/group/3/houkoku.pdf">
個人情報の漏えいについて(報告)</a>によると、対象は約1,200件。</p>"""
    [link] = primary_links(_article(body), base_url=BASE)
    assert link.url.endswith("houkoku.pdf")


def test_nav_share_ads_rankings_and_related_articles_are_never_taken() -> None:
    body = """<p>同社は詳細を調査中としている。</p>
<p>（<a href="https://other-news.example.com/article/55">他紙の記事</a>）</p>"""
    assert primary_links(_article(body), base_url=BASE) == []


def test_at_most_the_limit_best_first() -> None:
    body = """<p>関係する<a href="https://vendor-b.example.com/topics/2.html">委託先のお知らせ</a></p>
<p><a href="https://corp-a.example.co.jp/news/1.html">決算について</a></p>
<h3>発表資料</h3><p><a href="https://corp-a.example.co.jp/pdf/notice.pdf">
当社サーバーへの不正アクセスに関するお知らせ</a></p>"""
    found = primary_links(_article(body), base_url=BASE, limit=2)
    assert [p.url for p in found] == [
        "https://corp-a.example.co.jp/pdf/notice.pdf",
        "https://vendor-b.example.com/topics/2.html",
    ]
    assert primary_links(_article(body), base_url=BASE, limit=0) == []


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "mailto:info@corp.example.jp", "/info/self.html"]
)
def test_other_schemes_and_the_site_own_pages_are_not_primary(href: str) -> None:
    body = f'<h3>公式発表</h3><p><a href="{href}">不正アクセスに関するお知らせ</a></p>'
    assert primary_links(_article(body), base_url=BASE) == []
