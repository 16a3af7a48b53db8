"""How much of a document the parsers read."""

from __future__ import annotations

from parsers.bounds import MAX_NOTICE_CHARS, head_of
from parsers.document import read_document


def test_short_text_is_kept_whole() -> None:
    text = "不正アクセスに関するお詫び\n" * 10
    assert head_of(text) is text


def test_long_text_is_cut_at_a_line_break_near_the_limit() -> None:
    line = "個人情報が漏えいしたおそれがあります。" * 3 + "\n"
    head = head_of(line * 5_000, limit=10_000)
    assert head.endswith("。") and len(head) <= 10_000 and len(head) > 10_000 - len(line)
    one_line = "あ" * 50_000
    assert head_of(one_line, limit=10_000) == "あ" * 10_000


def test_a_huge_one_line_notice_is_parsed_from_its_head() -> None:
    lead = "株式会社例示商事は、不正アクセスにより顧客1,234名の氏名と住所が漏えいしたと発表した。"
    data = (lead + "詳細は調査中です。" * 2_000_000).encode()  # ~54 MB of UTF-8, one line
    read = read_document(data, media_type="text/plain")
    assert len(read.text) <= MAX_NOTICE_CHARS
    assert read.facts.is_incident and read.facts.people_affected == 1234
