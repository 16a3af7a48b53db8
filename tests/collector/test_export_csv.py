"""`owabi incidents export`: scraped text cannot run as a spreadsheet formula from the CSV,
and the JSON export keeps it exactly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from alerts.rules import RulesConfig
from collector.cli.spreadsheet import spreadsheet_text
from collector.incidents import record_notice
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from parsers.schema import Category, Incident
from tests.support.cli import run_cli


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x.example","詳細")', '\'=HYPERLINK("http://x.example","詳細")'),
        ("+81-3-0000", "'+81-3-0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("＝1+1", "'＝1+1"),  # full-width: a spreadsheet folds it to `=`
        ("＋1", "'＋1"),
        ("\u3000=1+1", "'\u3000=1+1"),  # leading ideographic space
        ("\t=1+1", "' =1+1"),  # the tab becomes a space, the cell still starts a formula
        ("\r\n=cmd", "' =cmd"),
        ("株式会社例示\x1b[31m商事", "株式会社例示[31m商事"),  # ESC removed
        ("行1\n行2", "行1 行2"),
        ("不正アクセスに関するお詫び", "不正アクセスに関するお詫び"),
        ("2024-05-01", "2024-05-01"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_evaluate_are_neutralized(cell: str, safe: str) -> None:
    assert spreadsheet_text(cell) == safe


HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-10+20",
    "@A1",
    "\t=1",
    "＝1+1",
    "株式会社\x1b]0;pwned\x07例示",
]


def test_export_neutralizes_scraped_cells_and_json_stays_exact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path}/owabi.db"
    monkeypatch.setenv("OWABI_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    for i, title in enumerate(HOSTILE):
        with sessions.begin() as s:
            record_notice(
                s,
                rules=RulesConfig(rules=[]),
                source_id="corp",
                url=f"https://corp.example/news/{i}.html",
                content_hash=str(i),
                media_type=None,
                entry_title=None,
                facts=Incident(
                    is_incident=True,
                    organization=f"例示{i}=商事",
                    title=title,
                    categories=[Category.UNAUTHORIZED_ACCESS],
                    services=["=IMPORTXML(A1)"],
                ),
                now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            )
    engine.dispose()

    code, out, err = run_cli("incidents", "export", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["title"] for r in rows] == [
        "'=cmd|' /C calc'!A0",
        "'+SUM(1,2)",
        "'-10+20",
        "'@A1",
        "' =1",
        "'＝1+1",
        "株式会社]0;pwned例示",
    ]
    assert all(r["services"] == "'=IMPORTXML(A1)" for r in rows)
    for row in rows:
        for cell in row.values():
            assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in cell), cell
            assert cell[:1] not in ("=", "+", "-", "@"), cell

    code, out, err = run_cli("incidents", "export", "--format", "json")
    assert code == 0, err
    assert [d["title"] for d in json.loads(out)] == HOSTILE
