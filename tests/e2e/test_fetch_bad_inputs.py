"""Broken sources each give one line naming the source and the cause; the others complete."""

from __future__ import annotations

import os
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collector.cli.main import app
from tests.support.notices import CARD_LEAK_ARTICLE, rss
from tests.support.site import LocalSite, Page, local_site

BROKEN = {
    "malformed-feed": ("feed", "/bad/feed.xml"),
    "not-found": ("page", "/bad/404.html"),
    "server-error": ("page", "/bad/500.html"),
    "slow": ("page", "/bad/slow.html"),
    "wrong-type": ("page", "/bad/image.png"),
    "too-big": ("page", "/bad/big.html"),
    "redirect-loop": ("page", "/bad/loop"),
    "undecodable": ("page", "/bad/garbage.html"),
    "broken-pdf": ("notice", "/bad/broken.pdf"),
}
EXPECTED_CAUSE = {
    "malformed-feed": "feed",
    "not-found": "404",
    "server-error": "500",
    "slow": "timed out",
    "wrong-type": "image/png",
    "too-big": "bytes",
    "redirect-loop": "redirect",
    "undecodable": "decoding",
    "broken-pdf": "PDF",
}


def _loop(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(302)
    handler.send_header("Location", "/bad/loop")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with local_site() as s:
        s.pages["/robots.txt"] = Page(b"", "text/plain")
        s.pages["/good/feed.xml"] = Page(
            rss(
                [
                    (
                        "テスト通販 不正アクセスによるカード情報漏えいのお詫び",
                        s.url("/good/article.html"),
                        "Fri, 10 May 2024 09:00:00 +0900",
                        "不正アクセス",
                    )
                ]
            ),
            "application/rss+xml",
        )
        s.pages["/good/article.html"] = Page(CARD_LEAK_ARTICLE.encode(), "text/html")
        s.pages["/bad/feed.xml"] = Page(b"<rss><channel><<<>>>&&& not xml", "application/rss+xml")
        s.pages["/bad/404.html"] = Page(b"gone", "text/html", status=404)
        s.pages["/bad/500.html"] = Page(b"oops", "text/html", status=500)
        s.pages["/bad/slow.html"] = Page(b"<html></html>", "text/html", delay=3.0)
        s.pages["/bad/image.png"] = Page(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
        s.pages["/bad/big.html"] = Page(b"<html>" + b"a" * 300_000 + b"</html>", "text/html")
        s.pages["/bad/loop"] = _loop
        s.pages["/bad/garbage.html"] = Page(os.urandom(4096), "text/html")
        s.pages["/bad/broken.pdf"] = Page(b"%PDF-1.4\n1 0 obj << /Broken", "application/pdf")
        yield s


def test_each_broken_source_is_one_line_and_the_good_one_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: LocalSite
) -> None:
    blocks = [f'[[source]]\nid = "good"\nurl = "{site.url("/good/feed.xml")}"\nkind = "feed"\n'] + [
        f'[[source]]\nid = "{sid}"\nurl = "{site.url(path)}"\nkind = "{kind}"\n'
        for sid, (kind, path) in BROKEN.items()
    ]
    sources = tmp_path / "sources.toml"
    sources.write_text("\n".join(blocks), encoding="utf-8")
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nname = "all"\nchannels = ["console"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for key, value in {
        "OWABI_DATABASE_URL": f"sqlite:///{tmp_path}/owabi.db",
        "OWABI_SOURCES_FILE": str(sources),
        "OWABI_RULES_FILE": str(rules),
        "OWABI_POLITENESS_DELAY": "0",
        "OWABI_HTTP_TIMEOUT": "1",
        "OWABI_FETCH_RETRIES": "0",
        "OWABI_MAX_BODY_BYTES": "100000",
        "OWABI_MAX_REDIRECTS": "3",
    }.items():
        monkeypatch.setenv(key, value)

    result = CliRunner().invoke(app, ["fetch"])

    assert result.exit_code == 1, result.output
    failures = [line for line in result.stderr.splitlines() if line.startswith("✗")]
    for sid in BROKEN:
        lines = [line for line in failures if line.startswith(f"✗ {sid}:")]
        assert len(lines) == 1, (sid, failures)
        assert EXPECTED_CAUSE[sid].lower() in lines[0].lower(), lines[0]
    assert not any(line.startswith("✗ good:") for line in failures)
    assert "sources: 1 ok (0 unchanged), 9 failed" in result.stdout
    assert "テスト通販" in result.stdout  # the good source's notice is in the table
