"""APPI reporting triggers: financial data, 不正の目的, 要配慮個人情報, >1,000 people."""

from __future__ import annotations

import pytest

from parsers.fields.ppc import extract_ppc_reportable
from parsers.notice import parse_text
from parsers.schema import Category, DataItem, Incident

MISSENT = "取引先へのメール誤送信により、お客様の氏名とメールアドレスが閲覧可能な状態となりました。"


def incident(**fields: object) -> Incident:
    """A small misdelivery incident that meets no trigger unless `fields` add one."""
    base = {
        "is_incident": True,
        "categories": [Category.MISDELIVERY],
        "data_items": [DataItem.NAME, DataItem.EMAIL],
        "people_affected": 12,
    }
    return Incident(**(base | fields))


def test_a_small_misdelivery_of_names_and_emails_is_not_reportable() -> None:
    found = extract_ppc_reportable(MISSENT, incident())
    assert found.value is False and found.evidence is None


def test_a_non_incident_is_never_reportable() -> None:
    text = "要配慮個人情報の取扱いについて。カード番号は入力しないでください。"
    found = extract_ppc_reportable(text, Incident(is_incident=False, people_affected=5000))
    assert found.value is False


@pytest.mark.parametrize(
    "changes",
    [
        {"data_items": [DataItem.CARD_NUMBER]},
        {"data_items": [DataItem.CARD_HOLDER, DataItem.CARD_EXPIRY]},
        {"card_data_leaked": True},
    ],
    ids=["card_number", "card_holder_expiry", "card_data_leaked"],
)
def test_card_data_is_reportable(changes: dict[str, object]) -> None:
    found = extract_ppc_reportable(MISSENT, incident(**changes))
    assert found.value is True and found.evidence and "カード情報" in found.evidence


def test_a_bank_account_is_reportable() -> None:
    found = extract_ppc_reportable(MISSENT, incident(data_items=[DataItem.BANK_ACCOUNT]))
    assert found.value is True and "口座情報" in (found.evidence or "")


def test_login_and_password_count_only_for_a_shop_or_payment_site() -> None:
    creds = incident(data_items=[DataItem.LOGIN_ID, DataItem.PASSWORD])
    forum = "会員フォーラムのログインIDとパスワードが閲覧可能な状態となっていました。"
    shop = "当社通販サイトのログインIDとパスワードが閲覧可能な状態となっていました。"
    assert extract_ppc_reportable(forum, creds).value is False
    found = extract_ppc_reportable(shop, creds)
    assert found.value is True and "通販サイト" in (found.evidence or "")
    password_only = incident(data_items=[DataItem.PASSWORD])
    assert extract_ppc_reportable(shop, password_only).value is False


def test_a_denied_shop_mention_does_not_count() -> None:
    creds = incident(data_items=[DataItem.LOGIN_ID, DataItem.PASSWORD])
    text = "フォーラムのIDとパスワードが漏えいしました。決済情報は保持しておりません。"
    assert extract_ppc_reportable(text, creds).value is False


@pytest.mark.parametrize(
    "category",
    [
        Category.UNAUTHORIZED_ACCESS,
        Category.WEB_SKIMMING,
        Category.RANSOMWARE,
        Category.MALWARE,
        Category.INSIDER,
    ],
)
def test_a_malicious_cause_is_reportable(category: Category) -> None:
    found = extract_ppc_reportable(MISSENT, incident(categories=[category]))
    assert found.value is True and category.value in (found.evidence or "")


@pytest.mark.parametrize(
    "category", [Category.MISDELIVERY, Category.LOSS_THEFT, Category.PHISHING, Category.OTHER]
)
def test_an_accidental_cause_alone_is_not_reportable(category: Category) -> None:
    assert extract_ppc_reportable(MISSENT, incident(categories=[category])).value is False


def test_health_data_is_reportable() -> None:
    found = extract_ppc_reportable(MISSENT, incident(data_items=[DataItem.HEALTH]))
    assert found.value is True and "要配慮個人情報" in (found.evidence or "")


@pytest.mark.parametrize("word", ["要配慮個人情報", "病歴", "診療", "健康診断"])
def test_sensitive_wording_in_the_text_is_reportable(word: str) -> None:
    text = f"{MISSENT}\n誤送信したファイルには{word}に関する記載が含まれていました。"
    found = extract_ppc_reportable(text, incident())
    assert found.value is True and word in (found.evidence or "")


def test_denied_sensitive_wording_is_not_reportable() -> None:
    text = f"{MISSENT}なお、要配慮個人情報は含まれておりません。"
    assert extract_ppc_reportable(text, incident()).value is False


@pytest.mark.parametrize(("people", "reportable"), [(1000, False), (1001, True), (None, False)])
def test_more_than_a_thousand_people_is_reportable(people: int | None, reportable: bool) -> None:
    found = extract_ppc_reportable(MISSENT, incident(people_affected=people))
    assert found.value is reportable


def test_parse_text_sets_the_flag_and_its_evidence() -> None:
    text = (
        "株式会社テスト商事\n不正アクセスによる個人情報漏えいに関するお詫び\n2024年3月1日\n"
        "このたび、弊社サーバーが第三者による不正アクセスを受け、お客様の氏名、"
        "メールアドレスが漏えいした可能性があることが判明いたしました。\n"
    )
    parsed = parse_text(text)
    assert parsed.is_incident and Category.UNAUTHORIZED_ACCESS in parsed.categories
    assert parsed.ppc_reportable is True
    assert "不正の目的" in parsed.evidence["ppc_reportable"]
    assert (
        parse_text("新製品発売のお知らせ\n2024年3月1日\n本日発売します。").ppc_reportable is False
    )
