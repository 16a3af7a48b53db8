"""Hand-written notices and pages for collector tests (not from the shared corpus)."""

from __future__ import annotations

from io import BytesIO

from tests.support.site import LocalSite, Page

CARD_LEAK_ARTICLE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>セキュリティニュース</title></head>
<body>
<header><nav><a href="/">トップ</a> <a href="/about">運営者</a></nav></header>
<main><article>
<h1>株式会社テスト通販 「テストストア」への不正アクセスによる
クレジットカード情報漏えいに関するお詫び</h1>
<p>2024年5月10日</p>
<p>株式会社テスト通販</p>
<p>このたび、弊社が運営する「テストストア」におきまして、第三者による不正アクセスを受け、
お客様のクレジットカード情報2,345件が漏えいした可能性があることが判明いたしました。</p>
<h2>1.経緯</h2>
<p>2024年2月1日、一部のクレジットカード会社から、弊社サイトを利用したお客様のクレジットカード情報の
漏えい懸念について連絡を受けました。</p>
<h2>2.漏えい状況</h2>
<p>(1)原因 システムの一部の脆弱性をついたことによる第三者の不正アクセスにより、
ペイメントアプリケーションの改ざんが行われたためです。</p>
<p>(2)対象 2023年6月1日～2024年2月1日の期間中に「テストストア」において
クレジットカード決済をされたお客様2,345名で、
漏えいした可能性のある情報は以下のとおりです。</p>
<ul><li>カード名義人名</li><li>クレジットカード番号</li><li>有効期限</li><li>セキュリティコード</li></ul>
<p>なお、個人情報保護委員会には報告済みであり、所轄警察署にも被害申告しております。</p>
</article></main>
<footer>Copyright セキュリティニュース</footer>
</body></html>
"""

ORDINARY_ARTICLE = """<html><head><meta charset="utf-8"><title>新製品</title></head><body>
<main><h1>新製品発表会のお知らせ</h1><p>2024年5月9日</p><p>弊社は新製品を発表します。</p></main>
</body></html>"""

MISDELIVERY_NOTICE_LINES = [
    "2024年5月8日",
    "株式会社サンプル商事",
    "メール誤送信による個人情報漏えいに関するお詫び",
    "このたび、弊社従業員がお客様へメールを送信する際、宛先をBccに入力すべきところ",
    "誤ってToに入力したため、お客様のメールアドレス120件が他の受信者に表示される事態が",
    "発生いたしました。2024年5月7日、お客様からのご指摘により判明いたしました。",
    "漏えいした情報はメールアドレスのみであり、その他の個人情報は含まれておりません。",
]


def listing_page_sjis(links: list[tuple[str, str, str]]) -> bytes:
    """A corporate news listing in Shift_JIS with no charset declared anywhere; what
    Shift_JIS cannot hold (a Kangxi radical copied from a PDF) is lost as a real page
    loses it."""
    items = "\n".join(
        f'<li><span class="date">{date}</span> <a href="{href}">{title}</a></li>'
        for date, href, title in links
    )
    html = f"""<html><head><title>ニュースリリース | サンプル商事</title></head><body>
<div id="header"><a href="/">ホーム</a> <a href="/company/">会社概要</a></div>
<div class="news"><h2>ニュースリリース</h2><ul class="newslist">
{items}
</ul></div>
<div id="footer">Copyright サンプル商事</div></body></html>"""
    return html.encode("cp932", errors="replace")


def pdf_bytes(lines: list[str]) -> bytes:
    """A text PDF with a Japanese CID font (reportlab, dev dependency)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    buf = BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("HeiseiMin-W3", 10.5)
    y = 800
    for line in lines:
        c.drawString(40, y, line)
        y -= 18
    c.save()
    return buf.getvalue()


def rss(items: list[tuple[str, str, str, str]], title: str = "テストニュース") -> bytes:
    """RSS 2.0 with summary-only items: (title, link, pubDate RFC 822, description)."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate>"
        f"<description>{desc}</description></item>"
        for t, link, d, desc in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.invalid/</link>{body}</channel></rss>"
    ).encode()


def card_leak_item(site: LocalSite) -> tuple[str, str, str, str]:
    """A feed item about a card leak (matches the shipped rule); serves its article too."""
    site.pages["/news/card-leak.html"] = Page(
        CARD_LEAK_ARTICLE.encode(), "text/html; charset=utf-8"
    )
    return (
        "テスト通販、カード情報2,345件が漏えいの可能性 不正アクセスで",
        site.url("/news/card-leak.html"),
        "Fri, 10 May 2024 09:00:00 +0900",
        "株式会社テスト通販は不正アクセスを受けたと発表した。",
    )


def serve_card_leak_feed(site: LocalSite, path: str = "/feed.xml") -> None:
    site.pages[path] = Page(rss([card_leak_item(site)]), "application/rss+xml")


def serve_news_feed(site: LocalSite) -> None:
    """A news feed with one card-leak article (matches the shipped rule) and one ordinary."""
    ordinary = (
        "新製品発表会のお知らせ",
        site.url("/news/product.html"),
        "Thu, 09 May 2024 09:00:00 +0900",
        "新製品を発表します。",
    )
    site.pages["/feed.xml"] = Page(rss([card_leak_item(site), ordinary]), "application/rss+xml")
    site.pages["/news/product.html"] = Page(ORDINARY_ARTICLE.encode(), "text/html; charset=utf-8")


def serve_corporate_listing(site: LocalSite, ordinary: list[tuple[str, str, str]]) -> None:
    """A Shift_JIS news listing (no charset anywhere) whose one incident entry is a PDF
    misdelivery notice, followed by the `ordinary` (date, href, title) entries."""
    notice = (
        "2024年5月8日",
        "/corp/news/notice.pdf",
        "メール誤送信による個人情報漏えいに関するお詫び",
    )
    site.pages["/corp/news/"] = Page(listing_page_sjis([notice, *ordinary]), "text/html")
    site.pages["/corp/news/notice.pdf"] = Page(
        pdf_bytes(MISDELIVERY_NOTICE_LINES), "application/pdf"
    )
