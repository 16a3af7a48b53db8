"""PDF notices read like their text: wrapped lines joined, page furniture dropped.

Corpus notices are typeset onto A4 with reportlab (a Japanese CID font, lines wrapped at
the margin mid-word as Japanese is, a running header on continuation pages and a page
number on every page) and must score within a small margin of their text versions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers.document import parse_document
from parsers.notice import parse_text
from parsers.pdf import pdf_to_text, unwrap_lines
from parsers.scoring import score_notice

reportlab = pytest.importorskip("reportlab")

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402

from tests.support.typeset import FONT, MARGIN, SIZE, typeset  # noqa: E402

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "notices"
NOTICES = sorted(CORPUS.glob("*.txt"))
# Measured: PDF and text versions scored the same (1.000) when written.
MARGIN_OF_SCORE = 0.02


@pytest.mark.skipif(not NOTICES, reason=f"shared corpus not found at {CORPUS}")
def test_pdf_rendered_corpus_scores_within_a_small_margin_of_its_text() -> None:
    text_scores, pdf_scores = [], []
    for path in NOTICES:
        gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        text = path.read_text(encoding="utf-8")
        text_scores.append(score_notice(gold, parse_text(text).to_json_dict()))
        parsed = parse_document(typeset(text), media_type="application/pdf")
        pdf_scores.append(score_notice(gold, parsed.to_json_dict()))
    text_mean = sum(text_scores) / len(text_scores)
    pdf_mean = sum(pdf_scores) / len(pdf_scores)
    assert pdf_mean >= text_mean - MARGIN_OF_SCORE, (pdf_mean, text_mean)


BODY = (
    "このたび、当社の一部サーバーが第三者による不正アクセスを受け、お客様の個人情報が外部に流出した"
    "可能性があることを確認いたしました。2024年5月10日に調査を開始しております。"
)


def test_lines_wrapped_at_the_margin_are_joined_without_a_space() -> None:
    text = pdf_to_text(typeset(BODY))
    assert "流出した可能性" in text.replace("\n", "|")
    assert "2024年5月10日" in text
    assert "\n" not in text.split("- 1 -")[0].strip()


def test_page_numbers_and_running_headers_are_dropped() -> None:
    text = "\n".join(f"{i}. 項目{i}について説明いたします。" for i in range(1, 120))
    out = pdf_to_text(typeset(text))
    assert "- 1 -" not in out and "- 2 -" not in out
    assert "お客様各位" not in out
    assert "119. 項目119について説明いたします。" in out.splitlines()


def test_short_lines_bullets_and_aligned_lines_keep_their_breaks() -> None:
    rows = [
        ("2024年5月10日", "right"),
        ("株式会社例示商事", "right"),
        ("不正アクセスに関するお知らせ", "center"),
        ("漏えいした可能性のある情報は以下のとおりです。", "left"),
        ("・氏名", "left"),
        ("・住所", "left"),
    ]
    lines = pdf_to_text(typeset("", lines=rows)).splitlines()
    for row, _ in rows:
        assert row in lines


def _full_line(head: str, tail: str) -> str:
    """`head` padded so that `head…tail` ends where the next character would not fit."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    limit = A4[0] - 2 * MARGIN
    while pdfmetrics.stringWidth(head + "あ" + tail, FONT, SIZE) <= limit:
        head += "あ"
    return head + tail


def test_a_closing_bracket_at_the_margin_continues_only_into_a_particle() -> None:
    wide = _full_line("お客様のクレジットカード情報", "(427件)")
    rows = [(wide, "left"), ("を不正取得された可能性があります。", "left")]
    assert "(427件)を不正取得" in pdf_to_text(typeset("", lines=rows))
    rows = [(wide, "left"), ("なお、二次被害は確認されておりません。", "left")]
    assert "(427件)\nなお" in pdf_to_text(typeset("", lines=rows))


HARD_WRAPPED = """\
　このたび、当社の一部サーバーが第三者による不正アクセスを受けたことが判明いた
しました。現在、外部専門機関の協力のもと、被害の全容解明に向けた調査を進めており
ます。２０２４年１２月１日（日）、当社社内システムの一部に接続できない障害が発
生し、調査を行った結果、ファイルサーバーに対する外部からの不正アクセスの痕跡を確
認いたしました。

１．経緯
・お客様の氏名、住所
"""


def test_text_copied_from_a_pdf_has_its_hard_wraps_joined() -> None:
    lines = unwrap_lines(HARD_WRAPPED).splitlines()
    assert lines[0].endswith(
        "判明いたしました。現在、外部専門機関の協力のもと、被害の全容解明に"
        "向けた調査を進めております。２０２４年１２月１日（日）、当社社内シ"
        "ステムの一部に接続できない障害が発生し、調査を行った結果、ファイルサ"
        "ーバーに対する外部からの不正アクセスの痕跡を確認いたしました。"
    )
    assert lines[1:] == ["", "１．経緯", "・お客様の氏名、住所", ""][: len(lines) - 1]


def test_text_with_one_paragraph_a_line_is_left_alone() -> None:
    text = BODY + "\n" + BODY[:50] + "\n・氏名\n"
    assert unwrap_lines(text) == text
