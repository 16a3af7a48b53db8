"""charset.decode: declarations in order, Japanese detection, and the lossy/undecodable edges."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.charset import Decoded, canonical_encoding, decode
from parsers.errors import UndecodableText

NOTICE = (
    "弊社が運営するオンラインストアへの不正アクセスによる個人情報漏えいに関するお詫びとお知らせ。"
    "このたび、弊社が運営する「サンプルストア」におきまして、第三者による不正アクセスを受け、"
    "お客様のクレジットカード情報（最大１，２３４件）が漏えいした可能性があることが判明いたしました。"
)


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>お知らせ</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize("encoding", ["shift_jis", "euc_jp", "utf-8", "iso2022_jp"])
def test_page_without_any_charset_decodes_right(encoding: str) -> None:
    html = page(NOTICE)
    result = decode(html.encode(encoding))
    assert result.text == html
    assert result.how == "detected"


def test_sjis_without_charset_is_reported_as_cp932() -> None:
    assert decode(page(NOTICE).encode("shift_jis")).encoding == "cp932"


def test_euc_jp_without_charset_is_reported_as_euc_jp() -> None:
    assert decode(page(NOTICE).encode("euc_jp")).encoding == "euc_jp"


def test_cp932_only_characters_decode_under_a_shift_jis_label() -> None:
    # ① and ㈱ exist only in the Microsoft superset that real Shift_JIS pages use.
    html = page("①㈱サンプル " + NOTICE, head='<meta charset="Shift_JIS">')
    result = decode(html.encode("cp932"))
    assert result == Decoded(html, "cp932", "meta")


def test_euc_jp_row13_characters_fall_back_to_the_jis2004_superset() -> None:
    body = ("①" + NOTICE).encode("euc_jis_2004")
    result = decode(body, http_charset="EUC-JP")
    assert result.text == "①" + NOTICE
    assert result.how == "http"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Shift_JIS", "cp932"),
        ("sjis", "cp932"),
        ("x-sjis", "cp932"),
        ("Windows-31J", "cp932"),
        ("EUC-JP", "euc_jp"),
        ('"utf-8"', "utf-8"),
        ("ISO-2022-JP", "iso2022_jp"),
        ("iso-8859-1", "iso8859-1"),
        ("no-such-charset", None),
        ("unicode_escape", None),
        ("base64", None),
        ("", None),
    ],
)
def test_canonical_encoding(label: str, expected: str | None) -> None:
    assert canonical_encoding(label) == expected


def test_http_charset_wins_over_meta() -> None:
    html = page(NOTICE, head='<meta charset="euc-jp">')
    assert decode(html.encode("cp932"), http_charset="shift_jis") == Decoded(html, "cp932", "http")


def test_http_equiv_meta_is_read() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=EUC-JP">'
    html = page(NOTICE, head=head)
    assert decode(html.encode("euc_jp")) == Decoded(html, "euc_jp", "meta")


def test_xml_declaration_is_read() -> None:
    xml = f'<?xml version="1.0" encoding="Shift_JIS"?><rss><title>{NOTICE}</title></rss>'
    assert decode(xml.encode("cp932")) == Decoded(xml, "cp932", "xml")


def test_bom_is_used_and_stripped() -> None:
    html = page(NOTICE)
    assert decode(b"\xef\xbb\xbf" + html.encode()) == Decoded(html, "utf-8", "bom")
    assert decode(b"\xff\xfe" + html.encode("utf-16-le")) == Decoded(html, "utf-16-le", "bom")


def test_unknown_labels_in_header_and_meta_are_ignored() -> None:
    html = page(NOTICE, head='<meta charset="x-klingon">')
    result = decode(html.encode("cp932"), http_charset="bogus")
    assert (result.text, result.encoding, result.how) == (html, "cp932", "detected")


def test_meta_utf16_label_means_utf8() -> None:
    html = page(NOTICE, head='<meta charset="utf-16">')
    assert decode(html.encode()) == Decoded(html, "utf-8", "meta")


def test_wrong_declaration_falls_through_to_detection() -> None:
    html = page(NOTICE, head='<meta charset="utf-8">')
    result = decode(html.encode("cp932"))
    assert (result.text, result.encoding, result.how) == (html, "cp932", "detected")


def test_declared_encoding_with_a_stray_byte_is_decoded_with_replacement() -> None:
    body = page(NOTICE * 3).encode("cp932")
    broken = body.replace(b"<p>", b"<p>\x81 ", 1)  # a lead byte with no trail byte
    result = decode(broken, http_charset="shift_jis")
    assert result.how == "http"
    assert result.text.count("\ufffd") == 1
    assert NOTICE in result.text


def test_override_wins_and_an_unknown_override_raises() -> None:
    html = page(NOTICE)
    assert decode(html.encode("euc_jp"), http_charset="utf-8", override="euc-jp").how == "override"
    with pytest.raises(UndecodableText, match="override"):
        decode(html.encode(), override="no-such-charset")


def test_override_that_does_not_fit_raises() -> None:
    with pytest.raises(UndecodableText, match="utf-8"):
        decode(page(NOTICE).encode("euc_jp"), override="utf-8")


def test_garbage_raises_naming_the_encodings_tried() -> None:
    garbage = bytes(range(0x80, 0x100)) * 8
    with pytest.raises(UndecodableText) as info:
        decode(garbage, http_charset="shift_jis")
    assert "cp932" in str(info.value)
    assert "euc_jp" in str(info.value)
    assert "\n" not in str(info.value)


def test_empty_and_ascii() -> None:
    assert decode(b"") == Decoded("", "utf-8", "detected")
    assert decode(b"<p>hello</p>").text == "<p>hello</p>"


@given(st.binary(max_size=2000), st.sampled_from([None, "shift_jis", "utf-8", "bogus", "euc-jp"]))
def test_arbitrary_bytes_decode_or_raise_undecodable(data: bytes, http_charset: str | None) -> None:
    try:
        result = decode(data, http_charset=http_charset)
    except UndecodableText:
        return
    assert isinstance(result.text, str)


@given(
    st.text(
        alphabet="あいうえおかきくけこアイウエオ漢字情報不正会社様、。「」０１ ab12", max_size=200
    ),
    st.sampled_from(["utf-8", "shift_jis", "euc_jp"]),
)
def test_japanese_pages_round_trip_without_a_charset(extra: str, encoding: str) -> None:
    html = page(NOTICE + extra)
    assert decode(html.encode(encoding)).text == html
