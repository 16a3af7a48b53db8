"""PDF text extraction and the repair of letter-spaced Japanese."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.errors import PdfError
from parsers.pdf import pdf_to_text, repair_spacing
from tests.parsers.pdf_samples import build_pdf


def test_text_in_reading_order_with_pages_separated_by_a_blank_line() -> None:
    data = build_pdf([["Notice of unauthorized access", "second line"], ["page two"]])
    assert pdf_to_text(data) == "Notice of unauthorized access\nsecond line\n\npage two"


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"<html>not a pdf</html>", "not a PDF"),
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "broken PDF"),
        (build_pdf([["x"]], encrypt=True), "encrypted"),
        (build_pdf([[]]), "no extractable text"),
        (build_pdf([["Hello"]])[:60], "broken PDF"),
    ],
)
def test_unreadable_pdfs_raise_pdf_error_with_a_one_line_reason(data: bytes, why: str) -> None:
    with pytest.raises(PdfError) as info:
        pdf_to_text(data)
    assert why in info.value.message
    assert "\n" not in info.value.message and "Traceback" not in info.value.message


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_garbage_after_a_pdf_header_raises_nothing_but_pdf_error(tail: bytes) -> None:
    with contextlib.suppress(PdfError):
        pdf_to_text(b"%PDF-1.4\n" + tail)


def test_letter_spaced_japanese_is_joined() -> None:
    assert repair_spacing("株 式 会 社 マ イ ネ ッ ト") == "株式会社マイネット"
    assert repair_spacing("会 社 名 株 式 会 社 マ イ ネ ッ ト") == "会社名株式会社マイネット"


def test_ordinary_spaces_survive_repair() -> None:
    text = "W T R P G 5 Asura Fantasy Online\n株式会社マイネット 代表取締役\nthe quick brown fox"
    assert repair_spacing(text) == text
