"""Each field group on small notices written for these tests (not from the corpus)."""

from __future__ import annotations

import datetime as dt

from parsers.hints import NoticeHints
from parsers.notice import parse_text
from parsers.schema import Authority, Category, DataItem, Stage

D = dt.date

SKIMMING = """\
2023年5月10日

お客様各位

株式会社サンプル商会
代表取締役 山田 太郎

弊社が運営する「サンプル通販サイト」への不正アクセスによる個人情報漏えいに関するお詫びとお知らせ

このたび、弊社が運営する「サンプル通販サイト」におきまして、第三者による不正アクセスを受け、お客様のクレジットカード情報(1,204件)が漏えいした可能性があることが判明いたしました。

1.経緯
2023年1月20日、一部のクレジットカード会社から、弊社サイトを利用したお客様のクレジットカード情報の漏えい懸念について連絡を受け、同日カード決済を停止いたしました。

2.個人情報漏えい状況
(1)原因
弊社サイトのシステムの一部の脆弱性をついたことによる第三者の不正アクセスにより、決済画面の改ざんが行われたため。

(2)個人情報漏えいの可能性があるお客様
2022年3月1日~2023年1月20日の期間中に「サンプル通販サイト」においてクレジットカード決済をされたお客様1,198名で、漏えいした可能性のある情報は以下のとおりです。
・カード名義人名
・クレジットカード番号
・有効期限
・セキュリティコード

3.その他
弊社は今回の不正アクセスにつきまして、個人情報保護委員会には2023年1月25日に報告済みであり、また、所轄警察署にも2023年2月3日に被害申告しております。
"""

MISSEND = """\
例示市 メール誤送信による個人情報の流出について 2024年2月8日

本市職員が、イベント参加者へ案内メールを送信した際、本来Bccで送信すべきところを誤ってCc欄に入力して送信したため、受信者同士でメールアドレスが閲覧できる状態となりました。

1 経緯
令和6年2月6日(火)午後3時頃、職員が参加者56名にメールを送信しました。同月7日に受信者からの指摘を受け、誤送信が判明しました。

2 流出した情報
参加者のメールアドレス(56名分)

3 今後の対応
全受信者にお詫びと当該メールの削除を依頼しました。なお、本件は文部科学省に報告いたしました。
"""

UPDATE = """\
ランサムウェア被害に関する調査結果について(第2報) 2023年9月1日 サンプル精機株式会社

2023年8月10日付「当社サーバーへのサイバー攻撃について」にてお知らせしましたとおり、当社サーバーがランサムウェアに感染した件について、調査結果をご報告いたします。

外部専門機関の調査の結果、取引先情報を含むファイルが外部に流出した痕跡は確認されませんでした。
"""

WARNING = """\
当社を装ったフィッシングメールにご注意ください 2023年4月1日 株式会社サンプル銀行

当社を装ったフィッシングメールが確認されています。メール内のリンクにアクセスし、IDやパスワードを入力しないようご注意ください。
"""

NEWS = """\
例示町で住民情報を記録したUSBメモリーを紛失

例示町は2023年6月12日、住民約1,200人分の氏名や住所を記録したUSBメモリーを職員が紛失したと発表した。8日、職員が庁舎外に持ち出した後に紛失に気付いたという。
"""

NO_ISSUER = """\
個人情報を含む書類の紛失について

このたび、弊社営業所において、お客様の氏名、住所、電話番号が記載された書類を紛失したことが判明いたしました。
"""

FINAL = """\
不正アクセスに関する最終報告 2022年12月1日 株式会社サンプル

これまでお知らせしてまいりました不正アクセスについて、最終報告をいたします。
"""


def test_skimming_notice() -> None:
    inc = parse_text(SKIMMING)
    assert inc.is_incident
    assert inc.organization == "株式会社サンプル商会"
    assert inc.title is not None and inc.title.startswith("弊社が運営する「サンプル通販サイト」")
    assert inc.published == D(2023, 5, 10)
    assert inc.stage is Stage.REPORT
    assert inc.categories == [Category.UNAUTHORIZED_ACCESS, Category.WEB_SKIMMING]
    assert inc.services == ["サンプル通販サイト"]
    assert (inc.people_affected, inc.cards_affected) == (1198, 1204)
    assert inc.data_items == [
        DataItem.CARD_HOLDER,
        DataItem.CARD_NUMBER,
        DataItem.CARD_EXPIRY,
        DataItem.CARD_CVV,
    ]
    assert inc.card_data_leaked
    assert (inc.exposure_start, inc.exposure_end) == (D(2022, 3, 1), D(2023, 1, 20))
    assert inc.discovered == D(2023, 1, 20)
    assert inc.reported_to == [Authority.PPC, Authority.POLICE]
    assert inc.cause is not None and "改ざん" in inc.cause
    assert "1,204件" in inc.evidence["cards_affected"]


def test_misdelivery_notice_with_era_dates_and_same_month() -> None:
    inc = parse_text(MISSEND)
    assert inc.organization == "例示市"
    assert inc.published == D(2024, 2, 8)
    assert inc.categories == [Category.MISDELIVERY]
    assert inc.people_affected == 56
    assert inc.cards_affected is None
    assert inc.data_items == [DataItem.EMAIL]
    assert not inc.card_data_leaked
    assert inc.discovered == D(2024, 2, 7)
    assert inc.reported_to == [Authority.OTHER_AUTHORITY]


def test_update_refers_to_an_earlier_notice_and_denied_leak_gives_no_data() -> None:
    inc = parse_text(UPDATE)
    assert inc.organization == "サンプル精機株式会社"
    assert inc.stage is Stage.UPDATE
    assert inc.categories == [Category.RANSOMWARE]
    assert inc.data_items == []
    assert inc.people_affected is None


def test_final_report() -> None:
    assert parse_text(FINAL).stage is Stage.FINAL


def test_phishing_warning_is_not_an_incident() -> None:
    inc = parse_text(WARNING)
    assert not inc.is_incident
    assert inc.categories == []
    assert inc.data_items == [] and inc.people_affected is None


def test_news_article_uses_its_subject_and_first_paragraph_date() -> None:
    inc = parse_text(NEWS)
    assert inc.organization == "例示町"
    assert inc.published == D(2023, 6, 12)
    assert inc.categories == [Category.LOSS_THEFT]
    assert inc.people_affected == 1200
    assert inc.data_items == [DataItem.NAME, DataItem.ADDRESS]
    assert inc.discovered == D(2023, 6, 8)


def test_hints_fill_what_the_text_does_not_say() -> None:
    hints = NoticeHints(
        title="書類紛失のお詫び", organization="株式会社 例示物産", published=D(2023, 3, 3)
    )
    inc = parse_text(NO_ISSUER, hints=hints)
    assert inc.organization == "株式会社例示物産"
    assert inc.published == D(2023, 3, 3)
    assert inc.title == "個人情報を含む書類の紛失について"
    assert inc.categories == [Category.LOSS_THEFT]
    assert inc.data_items == [DataItem.NAME, DataItem.ADDRESS, DataItem.PHONE]


def test_without_hints_nothing_is_guessed() -> None:
    inc = parse_text(NO_ISSUER)
    assert inc.organization is None and inc.published is None


def test_hint_date_never_overrides_a_printed_date() -> None:
    inc = parse_text(FINAL, hints=NoticeHints(published=D(2000, 1, 1)))
    assert inc.published == D(2022, 12, 1)


def test_spaced_pdf_text_gives_a_clean_organization() -> None:
    text = (
        "2018年3月26日\n\n会 社 名 株 式 会 社 マ イ ネ ッ ト\n\n"
        "当社サーバーへの不正アクセスについて\n\n弊社サーバーに不正アクセスがありました。"
    )
    assert parse_text(text).organization == "株式会社マイネット"


def test_empty_text_parses_to_a_non_incident() -> None:
    inc = parse_text("")
    assert not inc.is_incident and inc.organization is None


def test_an_organization_known_only_from_the_source_says_so_in_its_evidence() -> None:
    text = (
        "メール誤送信に関するお詫び\n\n"
        "弊社従業員が、お客様12名のメールアドレスを宛先に入れて送信しました。\n"
    )
    found = parse_text(text, hints=NoticeHints(organization="株式会社サンプル商事"))
    assert found.organization == "株式会社サンプル商事"
    assert found.evidence["organization"] == "(from the source, not the text) 株式会社サンプル商事"
