"""`owabi sources import`: a vendor list of 200 news pages in the markups Japanese
corporate sites use (lists, tables, definition lists, cards, feeds; UTF-8 and
Shift_JIS) plus lines that cannot be used, each reported with its reason."""

from __future__ import annotations

import os
from pathlib import Path

from collector.config.files import load_sources
from tests.support.cli import run_cli
from tests.support.site import LocalSite, Page

TITLES = ("決算説明会のお知らせ", "新製品発売について", "不正アクセスに関するお詫び", "役員人事")


def _entries(i: int) -> list[tuple[int, str, str]]:
    return [(d, f"/v{i}/news/{d}.html", f"{TITLES[(i + d) % 4]}（{d}）") for d in range(1, 7)]


def _listing(i: int) -> tuple[bytes, str]:
    """The news page of vendor i, in one of six markups."""
    style = i % 6
    if style == 0:
        items = "".join(
            f'<li><span class="date">2024年4月{d}日</span><a href="{u}">{t}</a></li>'
            for d, u, t in _entries(i)
        )
        body = f'<ul class="news">{items}</ul>'
    elif style == 1:
        items = "".join(
            f'<tr><td>2024/04/{d:02d}</td><td><a href="{u}">{t}</a></td></tr>'
            for d, u, t in _entries(i)
        )
        body = f"<table class='info'>{items}</table>"
    elif style == 2:
        items = "".join(
            f'<dt>2024.04.{d:02d}</dt><dd><a href="{u}">{t}</a></dd>' for d, u, t in _entries(i)
        )
        body = f"<dl class='topics'>{items}</dl>"
    elif style == 3:
        items = "".join(
            f'<div class="card"><p class="day">令和6年4月{d}日</p>'
            f'<h3><a href="{u}">{t}</a></h3></div>'
            for d, u, t in _entries(i)
        )
        body = f'<div class="cards">{items}</div>'
    elif style == 4:
        items = "".join(
            f"<item><title>{t}</title><link>http://x.invalid{u}</link>"
            f"<pubDate>Mon, {d:02d} Apr 2024 09:00:00 +0900</pubDate></item>"
            for d, u, t in _entries(i)
        )
        rss = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">'
            f"<channel><title>v{i}</title>{items}</channel></rss>"
        )
        return rss.encode(), "application/rss+xml"
    else:  # Shift_JIS, declared only in the page
        items = "".join(f'<li>2024年4月{d}日 <a href="{u}">{t}</a></li>' for d, u, t in _entries(i))
        page = f'<html><head><meta charset="Shift_JIS"></head><body><ul>{items}</ul></body></html>'
        return page.encode("cp932"), "text/html"
    html = f"<html><head><meta charset='utf-8'></head><body><h1>ニュース</h1>{body}</body></html>"
    return html.encode(), "text/html; charset=utf-8"


def test_a_vendor_list_of_200_pages_imports_every_working_listing(
    env: dict, site: LocalSite, tmp_path: Path
) -> None:
    lines = ["組織,URL,タグ,間隔"]
    for i in range(200):
        body, ctype = _listing(i)
        path = f"/v{i}/" if i % 6 != 4 else f"/v{i}/feed.xml"
        site.pages[path] = Page(body, ctype)
        lines.append(f"株式会社ベンダー{i},{site.url(path)},vendor tier{i % 3},{30 + i % 3 * 30}m")
    site.pages["/plain/"] = Page("<p>会社概要のページです。</p>".encode(), "text/html")
    broken = [
        f"株式会社消えた,{site.url('/gone/')},,",  # 404
        f"株式会社平文,{site.url('/plain/')},,",  # no news list
        "株式会社無URL,,,",
        "株式会社FTP,ftp://files.example.jp/news/,,",
        f",{site.url('/v0/')},,",  # no organization
        f"株式会社間隔,{site.url('/v1/')},,every day",
        f"株式会社既存,{site.url('/corp/news/')},,",  # configured already
    ]
    vendors = tmp_path / "vendors.csv"
    vendors.write_text("\n".join(lines + broken) + "\n", encoding="utf-8")
    watch = tmp_path / "watch.txt"

    code, out, err = run_cli("sources", "import", str(vendors), "--yes", "--watchlist", str(watch))
    assert code == 1, out + err  # some lines were unusable
    assert "Usable: 200" in out
    for reason in (
        "line 202 株式会社消えた",
        "http 404",
        "line 203 株式会社平文",
        "no news list or feed found",
        "line 204 株式会社無URL : no URL",
        "not an http(s) URL",
        "line 206  ",
        "no organization",
        "interval 'every day'",
        "already a configured source",
    ):
        assert reason in err, reason
    sources = load_sources(Path(os.environ["OWABI_SOURCES_FILE"]))
    imported = [s for s in sources.sources if s.organization and "ベンダー" in s.organization]
    assert len(imported) == 200
    kinds = {s.kind for s in imported}
    assert kinds == {"page", "feed"}
    v7 = next(s for s in imported if s.organization == "株式会社ベンダー7")
    assert v7.tags == ("vendor", "tier1") and v7.interval == 3600
    names = watch.read_text(encoding="utf-8").splitlines()
    assert len(names) == 200 and names[0] == "株式会社ベンダー0"


def test_dry_run_writes_nothing(env: dict, site: LocalSite, tmp_path: Path) -> None:
    body, ctype = _listing(0)
    site.pages["/v0/"] = Page(body, ctype)
    vendors = tmp_path / "vendors.tsv"
    vendors.write_text(f"株式会社ベンダー0\t{site.url('/v0/')}\n", encoding="utf-8")
    before = Path(os.environ["OWABI_SOURCES_FILE"]).read_text(encoding="utf-8")
    code, out, err = run_cli("sources", "import", str(vendors), "--dry-run")
    assert code == 0, out + err
    assert "Usable: 1" in out and "2024-04-06" in out
    assert Path(os.environ["OWABI_SOURCES_FILE"]).read_text(encoding="utf-8") == before
