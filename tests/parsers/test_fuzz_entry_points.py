"""Every parser entry point survives hostile input: random bytes, random text, notice-like
text assembled from the fragments that drive the extractors, and damaged PDFs.

The only exceptions allowed out are ParseError subclasses (an input owabi cannot read);
anything else is a crash. Results must still satisfy the schema.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.counts import CountMatch, find_counts
from parsers.document import parse_document
from parsers.errors import ParseError
from parsers.hints import NoticeHints
from parsers.html_text import read_html
from parsers.jpdate import DateMatch, PeriodMatch, find_all_dates, find_periods
from parsers.notice import parse_text
from parsers.pdf import pdf_to_text
from parsers.schema import Incident
from parsers.textnorm import nfkc

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW = settings(FUZZ, max_examples=150)  # pdfminer is the slow path

MEDIA_TYPES = [
    None,
    "text/plain",
    "text/plain; charset=shift_jis",
    "text/html",
    "application/xhtml+xml",
    "application/pdf",
    "application/octet-stream",
    "text/csv",
    "image/png",
    "application/json",
]
NAMES = [None, "notice.txt", "notice.html", "notice.pdf", "notice", "a/b/c.htm"]

# The vocabulary the extractors key on, including the awkward cases: era years, 元年,
# partial dates, impossible dates, full-width digits, huge and kanji counts.
FRAGMENTS = [
    "令和4年11月1日",
    "令和元年5月1日",
    "令和99年13月40日",
    "平成31年4月30日",
    "昭和64年1月7日",
    "R4.11.1",
    "H31.4.30",
    "２０２２年１１月２９日",
    "2022/2/30",
    "2022-11-29",
    "9999年12月31日",
    "1900年1月1日",
    "同年3月1日",
    "同月24日",
    "同月32日",
    "同日",
    "11月1日",
    "25日夕",
    "から",
    "まで",
    "〜",
    "~",
    "午前10時頃",
    "(月)",
    "1,938件",
    "１，９３８件",
    "約4万件",
    "1万2千件",
    "のべ378名",
    "三百名",
    "二千五百人",
    "0件",
    "999999999999999999999999件",
    "9" * 400 + "件",  # overflows float to inf
    "1億万件",
    "万件",
    "12.5万名",
    "分",
    "株式会社テスト",
    "弊社",
    "当社",
    "お詫び",
    "ご報告",
    "第2報",
    "最終報",
    "不正アクセス",
    "ランサムウェア",
    "クレジットカード情報",
    "カード番号",
    "有効期限",
    "セキュリティコード",
    "氏名",
    "住所",
    "メールアドレス",
    "パスワード",
    "ログインID",
    "口座番号",
    "要配慮個人情報",
    "病歴",
    "漏えい",
    "流出した可能性",
    "確認されておりません",
    "誤送信",
    "紛失",
    "個人情報保護委員会",
    "警察",
    "報告いたしました",
    "以下のとおりです",
    "・",
    "①",
    "(1)",
    "1.",
    "第3",
    "「",
    "」",
    "、",
    "。",
    " ",
    "\u3000",
    "\t",
    "\n",
    "\n\n",
]
notice_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.integers(min_value=0, max_value=10**30).map(str),
        st.text(max_size=5),
    ),
    max_size=80,
).map("".join)
any_text = st.one_of(st.text(max_size=2000), notice_text)


def _check_incident(incident: Incident) -> None:
    assert isinstance(incident, Incident)
    data = incident.to_json_dict()
    json.dumps(data, ensure_ascii=False)
    assert Incident.model_validate(data) == Incident.model_validate(incident.model_dump())
    if not incident.is_incident:
        assert incident.categories == [] and incident.data_items == []
        assert incident.ppc_reportable is False
    for count in (incident.people_affected, incident.cards_affected):
        assert count is None or (isinstance(count, int) and count >= 0)
    assert all(isinstance(v, str) and v for v in incident.evidence.values())


def _check_dates(text: str, found: list[DateMatch]) -> None:
    norm = nfkc(text)
    for d in found:
        assert isinstance(d.date, dt.date)
        assert 0 <= d.start <= d.end <= len(norm)
        assert norm[d.start : d.end] == d.text


@functools.cache
def _valid_pdf() -> bytes:
    """A small Japanese notice PDF as reportlab writes it (CID font, compressed stream)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4)
    page.setFont("HeiseiMin-W3", 11)
    lines = [
        "2022年11月29日",
        "株式会社テスト",
        "不正アクセスによる個人情報漏えいに関するお詫び",
        "このたび、弊社サーバーが不正アクセスを受け、お客様1,938名のクレジットカード情報が",
        "漏えいした可能性があることが判明いたしました。",
    ]
    for i, line in enumerate(lines):
        page.drawString(60, 780 - 18 * i, line)
    page.showPage()
    page.save()
    return buf.getvalue()


@st.composite
def damaged_pdfs(draw: st.DrawFn) -> bytes:
    """The valid PDF truncated, with bytes flipped, or with a slice removed or inserted."""
    data = bytearray(_valid_pdf())
    kind = draw(st.sampled_from(["truncate", "flip", "delete", "insert"]))
    pos = draw(st.integers(min_value=8, max_value=len(data) - 1))
    if kind == "truncate":
        return bytes(data[:pos])
    if kind == "flip":
        for _ in range(draw(st.integers(min_value=1, max_value=8))):
            at = draw(st.integers(min_value=8, max_value=len(data) - 1))
            data[at] = draw(st.integers(min_value=0, max_value=255))
        return bytes(data)
    if kind == "delete":
        size = draw(st.integers(min_value=1, max_value=200))
        return bytes(data[:pos] + data[pos + size :])
    return bytes(data[:pos] + draw(st.binary(min_size=1, max_size=200)) + data[pos:])


def test_the_valid_pdf_parses_before_it_is_damaged() -> None:
    incident = parse_document(_valid_pdf(), media_type="application/pdf")
    assert incident.is_incident and incident.organization == "株式会社テスト"


@FUZZ
@given(
    data=st.binary(max_size=4000),
    media_type=st.sampled_from(MEDIA_TYPES),
    name=st.sampled_from(NAMES),
)
def test_parse_document_on_random_bytes(data: bytes, media_type: str | None, name: str) -> None:
    try:
        incident = parse_document(data, media_type=media_type, name=name)
    except ParseError:
        return
    _check_incident(incident)


@FUZZ
@given(
    text=notice_text,
    media_type=st.sampled_from(["text/plain", "text/html", None]),
    encoding=st.sampled_from(["utf-8", "shift_jis", "euc-jp", "utf-16"]),
)
def test_parse_document_on_encoded_notice_text(
    text: str, media_type: str | None, encoding: str
) -> None:
    data = text.encode(encoding, errors="replace")
    try:
        incident = parse_document(data, media_type=media_type)
    except ParseError:
        return
    _check_incident(incident)


@FEW
@given(data=damaged_pdfs(), media_type=st.sampled_from(["application/pdf", None]))
def test_parse_document_and_pdf_to_text_on_damaged_pdfs(
    data: bytes, media_type: str | None
) -> None:
    try:
        text = pdf_to_text(data)
    except ParseError:
        text = None
    assert text is None or isinstance(text, str)
    try:
        incident = parse_document(data, media_type=media_type, name="notice.pdf")
    except ParseError:
        return
    _check_incident(incident)


pdf_like = st.binary(max_size=2000).map(b"%PDF-1.4\n".__add__)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), pdf_like))
def test_pdf_to_text_on_random_bytes(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        assert isinstance(pdf_to_text(data), str)


@FUZZ
@given(text=any_text, hinted=st.booleans())
def test_parse_text_on_random_and_notice_like_text(text: str, hinted: bool) -> None:
    hints = NoticeHints(title=text[:30], organization=text[:10], published=dt.date(2022, 1, 1))
    _check_incident(parse_text(text, hints=hints if hinted else None))


html_page = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<html>",
                "<body>",
                "<main>",
                "<article>",
                "<nav>",
                "<header>",
                "<footer>",
                "<div class='menu'>",
                "</div>",
                "<p>",
                "</p>",
                "<br>",
                "<table><tr><td>",
                "</td></tr></table>",
                "<script>",
                "</script>",
                "<ul><li>",
                "<!--",
                "-->",
                "<h1>",
                "&amp;",
                "&#0;",
                "&#x110000;",
                "<",
                ">",
                "\x00",
            ]
        ),
        notice_text,
        st.text(max_size=20),
    ),
    max_size=40,
).map("".join)


@FUZZ
@given(html=st.one_of(st.text(max_size=2000), html_page))
def test_html_to_text_on_random_markup(html: str) -> None:
    assert isinstance(read_html(html).text, str)


@FUZZ
@given(text=any_text)
def test_find_all_dates_and_find_periods(text: str) -> None:
    dates = find_all_dates(text)
    _check_dates(text, dates)
    norm = nfkc(text)
    for period in find_periods(text):
        assert isinstance(period, PeriodMatch)
        _check_dates(text, [period.start, period.end])
        assert period.start.date <= period.end.date
        assert norm[period.span_start : period.span_end] == period.text


@FUZZ
@given(text=any_text)
def test_find_counts(text: str) -> None:
    norm = nfkc(text)
    for count in find_counts(text):
        assert isinstance(count, CountMatch)
        assert isinstance(count.value, int) and count.value >= 0
        assert norm[count.start : count.end] == count.text
