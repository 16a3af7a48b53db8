"""One notice text, as the routes by which notices reach owabi wrap it:

- `news_page`: a security-news article page (UTF-8) with navigation, breadcrumbs, a
  ranking of other incident headlines in a side column, related links and a footer;
- `corporate_page`: an organization's own news page in Shift_JIS with no charset
  declared, a header menu, the notice in a table cell and a footer;
- `pdf`: the notice typeset onto A4 (tests.support.typeset).

The first line of the text is taken as its title, as the pages show it in <h1>.
"""

from __future__ import annotations

import html

SIDE_HEADLINES = (
    "大手通販サイトに不正アクセス、カード情報流出の可能性",
    "市役所でメール誤送信、住民の個人情報が流出",
    "病院がランサムウェア被害、電子カルテに障害",
)


def _paragraphs(text: str) -> tuple[str, str]:
    lines = [line for line in text.splitlines()]
    title = next((line.strip() for line in lines if line.strip()), "")
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines[1:] if line.strip())
    return title, body


def news_page(text: str) -> bytes:
    title, body = _paragraphs(text)
    side = "".join(f'<li><a href="/news/{i}">{h}</a></li>' for i, h in enumerate(SIDE_HEADLINES))
    page = f"""<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">
<title>{html.escape(title)} | セキュリティニュース</title>
<meta property="og:site_name" content="セキュリティニュース"></head><body>
<header><a href="/">セキュリティニュース</a><nav><a href="/news/">ニュース</a>
<a href="/column/">コラム</a><a href="/login">ログイン</a></nav></header>
<div class="breadcrumb"><a href="/">ホーム</a> &gt; <a href="/news/">ニュース</a></div>
<main><article><h1>{html.escape(title)}</h1><div class="body">{body}</div></article>
<section class="related"><h2>関連記事</h2>
<ul><li><a href="/news/9">{SIDE_HEADLINES[0]}</a></li></ul></section></main>
<aside><h2>アクセスランキング</h2><ol>{side}</ol></aside>
<footer>Copyright (c) セキュリティニュース編集部 All Rights Reserved.</footer></body></html>"""
    return page.encode("utf-8")


def corporate_page(text: str) -> bytes:
    title, body = _paragraphs(text)
    page = f"""<html><head><title>{html.escape(title)}｜ニュース</title></head><body>
<div id="header"><a href="/">トップ</a> <a href="/company/">会社情報</a>
<a href="/news/">ニュース</a> <a href="/contact/">お問い合わせ</a></div>
<table width="100%"><tr><td class="menu"><a href="/news/">ニュース一覧</a></td>
<td class="main"><h1>{html.escape(title)}</h1>{body}</td></tr></table>
<div id="footer">プライバシーポリシー | サイトマップ</div></body></html>"""
    return page.encode("cp932", errors="replace")


def pdf(text: str) -> bytes:
    from tests.support.typeset import typeset

    return typeset(text)
