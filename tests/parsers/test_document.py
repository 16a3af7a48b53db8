"""Dispatch of documents by media type, extension and sniffing."""

from __future__ import annotations

import pytest

from parsers.document import document_text, parse_document
from parsers.errors import PdfError, UnsupportedFormat
from parsers.hints import NoticeHints
from tests.parsers.pdf_samples import build_pdf

NOTICE = (
    "株式会社例示 不正アクセスに関するお詫び 2023年3月1日\n\n"
    "弊社サーバーに第三者による不正アクセスがありました。"
)
HTML = (
    "<html><head><meta charset='shift_jis'><title>お詫び | 例示</title></head><body>"
    "<nav>メニュー</nav><main><h1>不正アクセスに関するお詫び</h1><p>2023年3月1日</p>"
    "<p>弊社サーバーに第三者による不正アクセスがありました。</p></main></body></html>"
)


def test_plain_text_in_shift_jis_is_decoded() -> None:
    data = NOTICE.encode("cp932")
    assert document_text(data, media_type="text/plain", charset="Shift_JIS") == NOTICE
    inc = parse_document(data, charset="shift_jis")
    assert inc.is_incident and inc.organization == "株式会社例示"


def test_html_is_sniffed_and_its_title_becomes_a_hint() -> None:
    data = HTML.encode("cp932")
    text = document_text(data, media_type="application/octet-stream")
    assert "メニュー" not in text and text.startswith("不正アクセスに関するお詫び")
    inc = parse_document(data, hints=NoticeHints(organization="株式会社例示"))
    assert inc.title == "不正アクセスに関するお詫び"
    assert inc.organization == "株式会社例示"
    assert str(inc.published) == "2023-03-01"


def test_pdf_by_magic_bytes_even_when_mislabelled() -> None:
    data = build_pdf([["Unauthorized access notice"]])
    assert document_text(data, media_type="text/html") == "Unauthorized access notice"
    assert document_text(data, name="notice.pdf") == "Unauthorized access notice"


def test_extension_decides_when_no_media_type() -> None:
    assert document_text(HTML.encode("utf-8"), name="oshirase.txt").startswith("<html>")


def test_broken_pdf_and_unsupported_types_raise_parse_errors() -> None:
    with pytest.raises(PdfError):
        parse_document(b"%PDF-1.7\nbroken", media_type="application/pdf")
    with pytest.raises(UnsupportedFormat):
        document_text(b"\x89PNG\r\n", media_type="image/png")
