"""Patterns behind held-out misses, on notices written here, and hostile-size inputs."""

from __future__ import annotations

import pytest

import parsers.fields.doc as doc_module
from parsers.fields.counts import _GROUP_LINE
from parsers.fields.doc import Doc
from parsers.notice import parse_text
from parsers.schema import DataItem


def _notice(body: str) -> str:
    return "会員情報の流出に関するお詫び\n\n2024年4月1日\n株式会社例示ストア\n\n" + body


def test_groups_with_a_colon_after_their_count_are_summed() -> None:
    text = _notice(
        "当社サーバーへの不正アクセスにより、個人情報が閲覧された可能性があります。\n"
        "2. 閲覧された可能性のある個人情報\n"
        "(1)会員 300名:氏名、住所\n"
        "(2)取引先 45名:氏名、電話番号\n"
    )
    assert parse_text(text).people_affected == 345


def test_a_word_containing_naI_is_no_sub_count() -> None:
    text = _notice(
        "漏えいした可能性があるのは、学外者の個人情報1,200件と学内者の個人情報300件です。"
    )
    assert parse_text(text).people_affected == 1500


def test_people_count_followed_by_a_notice_word_is_not_a_mail_count() -> None:
    text = _notice(
        "お客さま52名の通知書が、他のお客さまあてに誤って送付されていたことが判明しました。"
    )
    assert parse_text(text).people_affected == 52


def test_people_whose_card_data_it_is_are_the_card_count() -> None:
    text = _notice(
        "第三者による不正アクセスにより、以下の情報が流出した可能性があります。\n"
        "(1)カード決済をされたお客様 最大210名のクレジットカード情報\n"
        "(2)会員登録されたお客様の個人情報 最大5,300件\n"
    )
    incident = parse_text(text)
    assert incident.people_affected == 5300
    assert incident.cards_affected == 210


def test_news_of_an_insider_taking_data_out_counts_the_people() -> None:
    text = (
        "顧客情報を持ち出した疑いで元社員を逮捕\n\n"
        "例示県警は2024年3月5日、勤務先の株式会社例示サービスから顧客約800人分の氏名、"
        "電話番号、購買傾向などのデータを持ち出したとして、元社員の男を逮捕したと発表した。"
    )
    incident = parse_text(text)
    assert incident.people_affected == 800
    assert set(incident.data_items) == {DataItem.NAME, DataItem.PHONE, DataItem.OTHER}


@pytest.mark.parametrize(
    "items",
    [
        "お名前、ご住所、口座番号、満期日、積立金額",
        "氏名、住所、電話番号、ご希望の条件",
        "氏名 ・住所 ・電話番号 ・緊急連絡先",
    ],
)
def test_kinds_of_data_no_item_word_covers_in_an_enumeration_are_other(items: str) -> None:
    text = _notice(f"誤送付された情報は以下のとおりです。\n{items}\n")
    assert DataItem.OTHER in parse_text(text).data_items


def test_ordinary_commas_in_prose_give_no_other() -> None:
    text = _notice(
        "調査の結果、本件サイトの決済画面が改ざんされており、お客様の氏名、住所が漏えいした"
        "可能性があることを確認いたしました。"
    )
    assert set(parse_text(text).data_items) == {DataItem.NAME, DataItem.ADDRESS}


def test_credentials_used_by_the_attacker_are_not_leaked_data() -> None:
    text = _notice(
        "他社から流出したメールアドレスとパスワードの組み合わせを用いた不正ログインにより、"
        "会員アカウントへのログインが行われ、氏名、住所が閲覧された可能性があります。"
    )
    assert set(parse_text(text).data_items) == {DataItem.NAME, DataItem.ADDRESS}


def test_salary_transfer_account_is_a_bank_account() -> None:
    text = _notice("元従業員の氏名、住所、給与振込口座が流出した可能性があります。")
    assert DataItem.BANK_ACCOUNT in parse_text(text).data_items


# Hostile sizes: the work must grow with the input, not with its square. Counted, not timed.

LONG_LIST = 20_000


def test_context_of_a_long_bullet_list_is_found_in_linear_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = 0
    original = doc_module.is_item_line

    def counting(text: str) -> bool:
        nonlocal calls
        calls += 1
        return original(text)

    monkeypatch.setattr(doc_module, "is_item_line", counting)
    text = _notice("漏えいした情報は以下のとおりです。\n" + "・氏名\n" * LONG_LIST)
    incident = parse_text(text)
    assert DataItem.NAME in incident.data_items
    doc = Doc(text)
    assert doc.context_lines(len(doc.lines) - 1)[0].text == "漏えいした情報は以下のとおりです。"
    assert calls <= 4 * LONG_LIST


def test_a_run_of_many_digits_is_no_group_line_and_parses() -> None:
    digits = "1" * 100_000
    assert _GROUP_LINE.match("学内 " + digits) is None
    assert parse_text(_notice(f"流出件数 {digits}件の氏名が流出しました。")).is_incident
