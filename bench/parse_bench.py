"""Parser throughput over the shared corpus: text, HTML and PDF inputs, and HTML-to-text
with selectolax against BeautifulSoup on the same pages.

Not a test: it prints a table and appends it, with the machine it ran on, to
bench/results.md under `## parse`. Run with `make bench` (installs beautifulsoup4).

    python bench/parse_bench.py [CORPUS_DIR]
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers.document import parse_document  # noqa: E402
from parsers.html_text import read_html  # noqa: E402
from parsers.scoring import SCORED_FIELDS, score_notice  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "notices"
RESULTS = ROOT / "bench" / "results.md"
MIN_SECONDS = 1.0  # each measurement repeats whole passes until at least this long
MIN_PASSES = 3

PAGE = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>{title} | ニュースリリース | サンプル株式会社</title>
<link rel="stylesheet" href="/assets/css/common.css">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}
gtag('js',new Date());gtag('config','G-XXXXXXX');</script>
</head>
<body>
<header class="site-header">
<div class="logo"><a href="/"><img src="/logo.svg" alt="サンプル"></a></div>
<nav class="gnav"><ul>
<li><a href="/company/">企業情報</a></li>
<li><a href="/products/">製品・サービス</a></li>
<li><a href="/ir/">IR情報</a></li>
<li><a href="/news/">ニュース</a></li>
<li><a href="/recruit/">採用情報</a></li>
<li><a href="/contact/">お問い合わせ</a></li>
</ul></nav></header>
<div class="breadcrumb"><a href="/">ホーム</a> &gt; <a href="/news/">ニュース</a> &gt; {title}</div>
<div class="container">
<main id="content"><article class="news-detail">
{body}
</article></main>
<aside class="sidebar"><h2>最新のお知らせ</h2><ul>
<li><a href="/news/1">新製品発売のお知らせ</a></li>
<li><a href="/news/2">年末年始休業のお知らせ</a></li>
<li><a href="/news/3">決算説明会資料を掲載しました</a></li></ul></aside>
</div>
<footer class="site-footer"><ul><li><a href="/privacy/">個人情報保護方針</a></li>
<li><a href="/sitemap/">サイトマップ</a></li></ul>
<p>Copyright © Sample Co., Ltd. All Rights Reserved.</p></footer>
<script src="/assets/js/main.js"></script>
</body>
</html>
"""


@dataclass
class Row:
    name: str
    items: int
    seconds_per_item: float
    agree: str = ""
    score: str = ""

    @property
    def ms(self) -> float:
        return self.seconds_per_item * 1000

    @property
    def per_second(self) -> float:
        return 1 / self.seconds_per_item


def as_html(text: str) -> str:
    """The notice as a corporate news page: chrome around an <article>, one <p> per line,
    the title line (where the text has it) as the <h1>, so the reading order is unchanged."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = next((line for line in lines if "お詫び" in line or "お知らせ" in line), lines[0])
    body = "\n".join(
        f"<h1>{html.escape(line)}</h1>" if line == title else f"<p>{html.escape(line)}</p>"
        for line in lines
    )
    return PAGE.format(title=html.escape(title), body=body)


def as_pdf(text: str) -> bytes:
    """The notice typeset on A4 in a Japanese CID font, wrapped to the page width."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size, margin, leading = "HeiseiMin-W3", 10.5, 56, 16
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4)
    page.setFont(font, size)
    y = height - margin
    for line in _wrap(text, font, size, width - 2 * margin):
        if y < margin:
            page.showPage()
            page.setFont(font, size)
            y = height - margin
        page.drawString(margin, y, line)
        y -= leading
    page.save()
    return buf.getvalue()


def _wrap(text: str, font: str, size: float, limit: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out: list[str] = []
    for raw in text.splitlines():
        line = ""
        for ch in raw:
            if stringWidth(line + ch, font, size) > limit:
                out.append(line)
                line = ""
            line += ch
        out.append(line)
    return out


def bs4_text(page: str) -> str:
    """The naive BeautifulSoup way: find the main node, get_text."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    node = soup.find("main") or soup.body or soup
    return node.get_text("\n", strip=True)


def measure(items: Sequence[Any], work: Callable[[Any], object]) -> float:
    """Seconds per item: one warm-up pass, then whole passes until MIN_SECONDS."""
    for item in items:
        work(item)
    passes, start = 0, time.perf_counter()
    while passes < MIN_PASSES or time.perf_counter() - start < MIN_SECONDS:
        for item in items:
            work(item)
        passes += 1
    return (time.perf_counter() - start) / (passes * len(items))


def scored(data: bytes, media_type: str, name: str) -> dict[str, Any]:
    parsed = parse_document(data, media_type=media_type, name=name).to_json_dict()
    return {k: parsed[k] for k in SCORED_FIELDS}


def run(corpus: Path) -> tuple[list[Row], float]:
    paths = sorted(corpus.glob("*.txt"))
    if not paths:
        raise SystemExit(f"no notices (*.txt) in {corpus}")
    texts = [p.read_bytes() for p in paths]
    golds = [json.loads(p.with_suffix(".json").read_text(encoding="utf-8")) for p in paths]
    pages = [as_html(t.decode("utf-8")).encode("utf-8") for t in texts]
    pdfs = [as_pdf(t.decode("utf-8")) for t in texts]
    inputs = {
        "text": (texts, "text/plain", ".txt"),
        "html": (pages, "text/html", ".html"),
        "pdf": (pdfs, "application/pdf", ".pdf"),
    }
    baseline = [scored(t, "text/plain", "n.txt") for t in texts]
    rows = []
    for kind, (docs, media_type, suffix) in inputs.items():
        per_item = measure(docs, lambda d, m=media_type: parse_document(d, media_type=m))
        parsed = [scored(d, media_type, "n" + suffix) for d in docs]
        same = sum(p == b for p, b in zip(parsed, baseline, strict=True))
        score = sum(score_notice(g, p) for g, p in zip(golds, parsed, strict=True)) / len(docs)
        rows.append(
            Row(
                f"parse_document ({kind})",
                len(docs),
                per_item,
                f"{same}/{len(docs)}",
                f"{score:.3f}",
            )
        )
    decoded = [p.decode("utf-8") for p in pages]
    fast = measure(decoded, read_html)
    slow = measure(decoded, bs4_text)
    rows.append(Row("read_html (selectolax: text, title, site name)", len(decoded), fast))
    rows.append(Row("get_text (BeautifulSoup, html.parser)", len(decoded), slow))
    return rows, slow / fast


def render(rows: list[Row], ratio: float) -> str:
    lines = [
        "| step | notices | ms/notice | notices/s | same fields as .txt | score |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.name} | {r.items} | {r.ms:.2f} | {r.per_second:,.0f} | {r.agree} | {r.score} |"
        for r in rows
    ]
    lines.append("")
    lines.append(f"selectolax read_html is {ratio:.1f}× faster than BeautifulSoup get_text.")
    return "\n".join(lines)


def machine() -> str:
    return (
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · nproc {os.cpu_count()} · "
        f"Python {platform.python_version()} ({platform.machine()}, {platform.system()})"
    )


def main(argv: list[str]) -> None:
    corpus = Path(argv[0]) if argv else CORPUS
    rows, ratio = run(corpus)
    table = render(rows, ratio)
    print(table)
    section = f"\n## parse\n\n{machine()} · corpus {corpus.name}/ ({rows[0].items} notices)\n\n"
    new_file = not RESULTS.exists()
    with RESULTS.open("a", encoding="utf-8") as fh:
        if new_file:
            fh.write("# Benchmarks\n\nAppended by `make bench`; newest last.\n")
        fh.write(section + table + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
