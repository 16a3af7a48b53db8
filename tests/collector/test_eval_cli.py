"""`owabi eval` over the shared corpus and over a hand-made directory (.txt and .html)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli

CORPUS = Path(__file__).resolve().parents[2].parent / "shared/corpus/notices"
needs_corpus = pytest.mark.skipif(
    not any(CORPUS.glob("*.json")), reason=f"shared corpus not found at {CORPUS}"
)

SHOP_TXT = """2024年3月1日
株式会社テスト商事

弊社通販サイトへの不正アクセスによる個人情報漏えいに関するお詫び

このたび、弊社が運営する「テストストア」におきまして、第三者による不正アクセスを受け、\
お客様の個人情報（1,234名分）が漏えいした可能性があることが判明いたしました。

1．漏えいした可能性のある情報
・氏名
・メールアドレス

2．経緯
2024年2月10日、システムの監視により不正アクセスを検知いたしました。
なお、本件は個人情報保護委員会に報告済みです。
"""
SHOP_GOLD = {
    "is_incident": True,
    "organization": "株式会社テスト商事",
    "published": "2024-03-01",
    "stage": "report",
    "categories": ["unauthorized_access"],
    "people_affected": 1234,
    "cards_affected": None,
    "data_items": ["name", "email"],
    "card_data_leaked": False,
    "exposure_start": None,
    "exposure_end": None,
    "discovered": "2024-02-10",
    "reported_to": ["ppc"],
}
MEMO_HTML = """<!doctype html><html lang="ja"><head><meta charset="utf-8">
<title>メール誤送信に関するお詫び | サンプル大学</title></head>
<body><header><nav><a href="/">ホーム</a> <a href="/news/">お知らせ</a></nav></header>
<main><article><h1>メール誤送信に関するお詫び</h1><p class="date">2024年4月2日</p>
<p>サンプル大学</p>
<p>このたび、本学職員が学生12名に送信したメールにおいて、宛先を誤り、\
学生の氏名が他の学生に閲覧可能な状態となりました。</p>
<p>関係者の皆様に深くお詫び申し上げます。</p></article></main>
<footer><p>Copyright サンプル大学</p></footer></body></html>
"""
MEMO_GOLD = {
    **SHOP_GOLD,
    "organization": "サンプル大学",
    "published": "2024-04-02",
    "categories": ["misdelivery"],
    "people_affected": 12,
    "data_items": ["name"],
    "discovered": None,
    "reported_to": [],
}


def _write(directory: Path, name: str, body: str, gold: dict[str, object]) -> None:
    (directory / name).write_text(body, encoding="utf-8")
    gold_path = (directory / name).with_suffix(".json")
    gold_path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    _write(tmp_path, "shop.txt", SHOP_TXT, SHOP_GOLD)
    _write(tmp_path, "memo.html", MEMO_HTML, MEMO_GOLD)
    return tmp_path


def _score(stdout: str) -> str:
    return stdout.strip().splitlines()[-1]


@needs_corpus
def test_shared_corpus_meets_the_targets() -> None:
    code, stdout, _ = run_cli("eval", str(CORPUS))
    assert code == 0
    assert _score(stdout).startswith("score=0.") or _score(stdout) == "score=1.000"
    assert "Per-field scores" in stdout and "organization" in stdout
    code, _, stderr = run_cli("eval", str(CORPUS), "--min", "0.95", "--field-min", "0.85")
    assert code == 0, stderr


def test_a_score_under_min_exits_1(corpus: Path) -> None:
    gold = {**SHOP_GOLD, "people_affected": 999}  # the parser reads 1,234: one miss
    (corpus / "shop.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    code, _, stderr = run_cli("eval", str(corpus), "--min", "0.99999")
    assert code == 1
    assert "under --min 0.99999" in stderr
    assert "people_affected" in stderr


def test_hand_made_txt_and_html_notices_score_one(corpus: Path) -> None:
    code, stdout, stderr = run_cli("eval", str(corpus), "--min", "1.0", "--field-min", "1.0")
    assert (code, stderr) == (0, "")
    assert _score(stdout) == "score=1.000"
    assert "Worst" not in stdout  # no imperfect notice to list


def test_misses_are_shown_side_by_side_and_field_min_fails(corpus: Path) -> None:
    gold = {**MEMO_GOLD, "organization": "学校法人サンプル学園", "people_affected": 13}
    (corpus / "memo.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    code, stdout, stderr = run_cli("eval", str(corpus), "--show-misses", "--field-min", "0.9")
    assert code == 1
    assert "fields under --field-min 0.9: organization=0.500, people_affected=0.500" in stderr
    assert "Worst 5 notices" in stdout
    row = next(line for line in stdout.splitlines() if "people_affected" in line and "13" in line)
    assert "memo" in row and "12" in row
    assert _score(stdout) == f"score={(1 + 11 / 13) / 2:.3f}"


def test_json_format(corpus: Path) -> None:
    code, stdout, _ = run_cli("eval", str(corpus), "--format", "json")
    assert code == 0
    data = json.loads(stdout)
    assert data["score"] == 1.0 and data["notices"] == 2
    assert data["fields"]["is_incident"] == {"mean": 1.0, "scored": 2, "misses": 0}
    assert data["misses"] == [] and data["failed"] == []


def test_a_notice_that_cannot_be_parsed_scores_as_all_null_and_is_listed(corpus: Path) -> None:
    _write(corpus, "scan.pdf", "", SHOP_GOLD)
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    (corpus / "orphan.json").write_text(json.dumps(MEMO_GOLD), encoding="utf-8")
    code, stdout, stderr = run_cli("eval", str(corpus), "--min", "0.7")
    assert code == 1
    # scan: only the gold's null fields are right (3 of 13); orphan: 5 of 13.
    assert _score(stdout) == f"score={(2 + 3 / 13 + 5 / 13) / 4:.3f}"
    assert "scan: PdfError" in stderr
    assert "orphan: no .txt, .html or .pdf beside the gold label" in stderr
    assert "scan" in stdout and "orphan" in stdout  # among the worst notices


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_missing_or_empty_directory_exits_2_naming_it(tmp_path: Path, make: str) -> None:
    target = tmp_path / "nothing-here"
    if make == "empty":
        target.mkdir()
    code, stdout, stderr = run_cli("eval", str(target))
    assert code == 2 and stdout == ""
    assert len(stderr.strip().splitlines()) == 1 and str(target) in stderr


def test_invalid_gold_label_exits_2(corpus: Path) -> None:
    (corpus / "memo.json").write_text("{not json", encoding="utf-8")
    code, _, stderr = run_cli("eval", str(corpus))
    assert code == 2 and "memo.json" in stderr
