"""Reading a vendor list as spreadsheets write it."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.errors import ConfigError
from collector.sources.vendors import read_vendors


def test_an_excel_csv_in_shift_jis_with_an_english_header(tmp_path: Path) -> None:
    path = tmp_path / "vendors.csv"
    text = "url,organization,tags\r\nhttps://a.example.jp/news/,株式会社エー,vendor;critical\r\n"
    path.write_bytes(text.encode("cp932"))
    [vendor], unusable = read_vendors(path)
    assert unusable == []
    assert (vendor.line, vendor.organization, vendor.url) == (
        2,
        "株式会社エー",
        "https://a.example.jp/news/",
    )
    assert vendor.tags == ("vendor", "critical") and vendor.interval is None


def test_a_headerless_tsv_with_a_bom_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "vendors.tsv"
    path.write_text("\ufeff株式会社ビー\thttps://b.example.jp/\t\t2h\n\n株式会社シー\n", "utf-8")
    vendors, unusable = read_vendors(path)
    assert [(v.organization, v.interval) for v in vendors] == [("株式会社ビー", 7200.0)]
    assert [(u.line, u.reason) for u in unusable] == [(3, "no URL")]


def test_a_header_without_a_url_column_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "vendors.csv"
    path.write_text("組織,メモ\n株式会社ディー,要確認\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1: a header without a url column"):
        read_vendors(path)
