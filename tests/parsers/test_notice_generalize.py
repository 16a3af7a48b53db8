"""Layouts and phrasings seen in real notices outside the corpus, on notices written here."""

from __future__ import annotations

import datetime as dt

from parsers.document import parse_document
from parsers.hints import NoticeHints
from parsers.html_text import read_html
from parsers.jpdate import find_all_dates
from parsers.notice import parse_text
from parsers.schema import Authority, Category, DataItem

D = dt.date

INLINE_BULLETS = """\
お知らせ

不正アクセスによる会員情報漏えいの恐れのお知らせとおわび

一般社団法人例示協議会のサーバーが外部からの不正アクセスを受け、当会が管理している会員1,204人の個人情報が外部へ流出した恐れがあることが判明しました。

【漏えいの恐れのある個人情報】

・氏名 ・会員ID ・勤務先 ・メールアドレス ・ハッシュ化されたパスワード

2024年3月2日、当会サーバーで不審な動作を認知後、個人情報保護委員会へ報告を行いました。
"""


def test_inline_bullets_under_a_bracket_heading_and_a_leak_that_is_only_feared() -> None:
    incident = parse_text(INLINE_BULLETS)
    assert incident.organization == "一般社団法人例示協議会"
    assert incident.categories == [Category.UNAUTHORIZED_ACCESS]
    assert incident.people_affected == 1204
    assert set(incident.data_items) == {
        DataItem.NAME,
        DataItem.LOGIN_ID,
        DataItem.OTHER,
        DataItem.EMAIL,
        DataItem.PASSWORD,
    }
    assert incident.discovered == D(2024, 3, 2)


def test_title_line_loses_its_organization_prefix() -> None:
    text = (
        "株式会社例示出版 当社サーバーへの不正アクセスについて\n\n"
        "当社の一部のサーバーが第三者による不正アクセスを受けたことを確認しました。\n"
    )
    incident = parse_text(text)
    assert incident.title == "当社サーバーへの不正アクセスについて"
    assert incident.organization == "株式会社例示出版"


NEWS_NO_TITLE = (
    "例示県例示市は5月10日、市立小学校の教諭が児童32名分の氏名と住所を記録したUSBメモリを"
    "紛失したと発表した。教諭は5月2日に紛失に気付いたという。"
)


def test_news_paragraph_without_title_line() -> None:
    incident = parse_text(NEWS_NO_TITLE)
    assert incident.title is None
    assert incident.organization == "例示市"
    assert incident.people_affected == 32


def test_described_news_subject_with_legal_form() -> None:
    text = (
        "通販サイトに不正アクセス\n\n"
        "雑貨の販売を手がける株式会社はなみずき商店は2024年1月9日、同社サイトへの不正アクセスに"
        "より顧客情報が漏えいした可能性があると発表した。\n"
    )
    assert parse_text(text).organization == "株式会社はなみずき商店"


def test_school_board_reporting_for_a_school_gives_the_school() -> None:
    text = (
        "市立中学校における書類の紛失について\n"
        "2024年6月1日\n"
        "例示市教育委員会\n"
        "このたび、例示市立南中学校において、教諭が生徒の成績一覧を紛失しました。\n"
    )
    assert parse_text(text).organization == "例示市立南中学校"


MUNICIPAL = """\
メールの誤送信について

このたび、本市職員がイベント参加者へ案内を送信する際、誤って宛先欄に全員のアドレスを入力して送信しました。

流出した個人情報 参加者944名分のメールアドレス

例示市 市民生活部 市民課
"""


def test_municipal_signoff_and_per_person_count_of_mail_addresses() -> None:
    incident = parse_text(MUNICIPAL)
    assert incident.organization == "例示市"
    assert incident.people_affected == 944
    assert incident.data_items == [DataItem.EMAIL]


def test_disjoint_groups_with_items_after_the_count_are_summed() -> None:
    text = (
        "個人情報を含むファイルの誤送信について\n2024年4月10日\n例示大学\n\n"
        "本学教員が学外へ送信したメールに、学生の個人情報を含むファイルを誤って添付していました。\n\n"
        "1 流出した情報\n"
        "学内 学生 312名分の氏名、学籍番号\n"
        "学外 受講者 48名分の氏名、メールアドレス\n"
    )
    assert parse_text(text).people_affected == 360


def test_total_line_outranks_the_sum_of_table_rows() -> None:
    text = (
        "USBメモリの紛失について\n2024年6月3日\n例示病院\n\n"
        "当院において、患者情報を記録したUSBメモリを紛失したことが判明しました。\n\n"
        "対象となる情報\n入院患者\t120人\n外来患者\t35人\n計\t156人\n"
    )
    assert parse_text(text).people_affected == 156


def test_groups_side_by_side_in_one_sentence_are_summed() -> None:
    text = (
        "個人情報の流出について\n2024年9月2日\n例示学園\n\n"
        "本校教員が、生徒123名及び保護者98名の氏名、住所を記載した名簿を誤って学外へ送付しました。\n"
    )
    assert parse_text(text).people_affected == 221


def test_total_and_card_subcount() -> None:
    text = (
        "不正アクセスによる個人情報漏えいに関するお詫び\n2024年2月1日\n例示物産株式会社\n\n"
        "当社通販サイトが第三者による不正アクセスを受け、お客様の個人情報計3,210件が漏えいした"
        "可能性があることが判明いたしました。そのうちクレジットカード情報1,024件が含まれております。\n"
    )
    incident = parse_text(text)
    assert incident.people_affected == 3210
    assert incident.cards_affected == 1024


def test_a_count_describing_the_next_one_is_not_the_headline() -> None:
    text = (
        "メールアドレスの流出について\n2024年11月22日\n例示市\n\n"
        "申込児童104人の保護者86件のメールアドレスを、誤ってToで送信したため、受信者が閲覧できる"
        "状態になりました。\n"
    )
    assert parse_text(text).people_affected == 86


def test_items_under_held_heading_and_items_said_not_included() -> None:
    text = (
        "患者情報を含む書類の紛失について\n2024年6月3日\n例示クリニック\n\n"
        "当院において、患者情報を含む書類を紛失したことが判明しました。\n\n"
        "記録されていた情報\n氏名、生年月日、病名、口座番号、顔写真\n"
        "なお、住所、電話番号は含まれておりません。\n"
    )
    incident = parse_text(text)
    assert set(incident.data_items) == {
        DataItem.NAME,
        DataItem.BIRTHDATE,
        DataItem.HEALTH,
        DataItem.BANK_ACCOUNT,
        DataItem.OTHER,
    }


def test_items_in_the_sentence_after_a_leak_sentence() -> None:
    text = (
        "顧客情報流出の可能性\n\n"
        "例示商事株式会社は2024年1月5日、顧客情報が流出した可能性があると発表した。"
        "流出した可能性があるのは顧客2,000人分。氏名、住所、電話番号が含まれる。\n"
    )
    assert set(parse_text(text).data_items) == {DataItem.NAME, DataItem.ADDRESS, DataItem.PHONE}


def test_single_send_date_of_a_misdirected_mail_is_no_exposure_period() -> None:
    text = (
        "メール誤送信について\n2024年4月10日\n例示株式会社\n\n"
        "4月3日、当社従業員がお客様12名の氏名を記載したファイルを誤って別のお客様へ送信しました。\n"
        "4月5日、受信者からの連絡を受け、誤送信が判明しました。\n"
    )
    incident = parse_text(text)
    assert incident.exposure_start is None and incident.exposure_end is None
    assert incident.discovered == D(2024, 4, 5)


def test_security_product_release_is_no_incident() -> None:
    text = (
        "株式会社例示セキュリティ、ランサムウェア対策サービスの提供を開始 2024年3月1日\n\n"
        "株式会社例示セキュリティは、サーバーをランサムウェアや不正アクセスから保護する新サービスの"
        "提供を開始しました。国内ではランサムウェアによる被害が急増しており、多くの企業で個人情報が"
        "流出しています。\n\n・不正アクセスの自動検知と遮断\n"
    )
    incident = parse_text(text)
    assert incident.is_incident is False
    assert incident.categories == []


def test_hypothetical_leak_in_a_policy_update_is_no_incident() -> None:
    text = (
        "個人情報保護方針改定のお知らせ\n2024年4月1日\n例示フーズ株式会社\n\n"
        "個人情報の漏えい等の事案が発生した場合の対応として、報告に関する記載を追加しました。\n"
    )
    assert parse_text(text).is_incident is False


def test_card_skimming_through_a_tampered_third_party_service() -> None:
    text = (
        "弊社サイトにおける個人情報漏えいに関するお詫び 2023年1月11日 例示株式会社\n\n"
        "画面表示サービスを提供する事業者より、同社のシステムが不正アクセスによる改ざんを受けた旨の"
        "公表がありました。\n"
        "弊社サイトでは同サービスを利用しており、お客様のクレジットカード情報(15名)が漏洩した"
        "可能性があることが判明いたしました。\n"
    )
    assert Category.WEB_SKIMMING in parse_text(text).categories


def test_lost_property_report_to_police() -> None:
    text = (
        "USBメモリの紛失について\n2024年5月2日\n例示町\n\n"
        "町内小学校において、児童の名前を記録したUSBメモリを紛失しました。"
        "なお、警察署へ遺失届は提出済みです。\n"
    )
    assert parse_text(text).reported_to == [Authority.POLICE]


def test_discovery_date_opening_the_sentence_wins_over_the_event_it_reports() -> None:
    text = (
        "住民票の写しの不正取得について\n令和6年10月2日\n例示市 市民課\n\n"
        "令和6年9月24日、市民の方から申し出があり、調査したところ、同月11日に第三者が住民票の写し"
        "1通を不正に取得していたことが判明しました。個人情報が不正に取得される事案です。\n"
    )
    assert parse_text(text).discovered == D(2024, 9, 24)


def test_discovery_verb_modifying_the_date_after_it() -> None:
    text = (
        "ランサムウェア被害について\n\n"
        "例示町は2024年7月19日、住民情報約3.5万件が流出した可能性があると発表した。"
        "同町は被害を確認した6月10日に県警に相談している。\n"
    )
    assert parse_text(text).discovered == D(2024, 6, 10)


def test_year_less_dates_resolve_to_the_nearest_year() -> None:
    dates = find_all_dates("2024年1月10日 お知らせ。12月25日に送信し、1月5日に判明。")
    assert [d.date for d in dates] == [D(2024, 1, 10), D(2023, 12, 25), D(2024, 1, 5)]


PAGE = """\
<html><head><title>メールアドレスの流出に関するお詫び - 例示市ホームページ</title></head>
<body><div id="tmp_header"><p id="tmp_hlogo"><a href="/"><span>例示市</span></a></p></div>
<div id="main"><h1>メールアドレスの流出に関するお詫び</h1>
<p>市主催のイベントに関する連絡において、誤って全ての宛先をToで送信したため、参加者86名のメールアドレスが流出しました。</p>
<p>このページに関するお問い合わせ 教育部 生涯学習課</p></div></body></html>
"""


def test_html_site_name_names_the_issuer_of_an_impersonal_page() -> None:
    assert read_html(PAGE).site_name == "例示市"
    incident = parse_document(PAGE.encode(), media_type="text/html")
    assert incident.organization == "例示市"


def test_site_name_of_a_news_outlet_is_not_the_organization() -> None:
    text = "サーバーに不正アクセス\n\n何者かがサーバーに不正アクセスし、顧客情報が流出した。\n"
    incident = parse_text(text, hints=NoticeHints(organization="例示新聞社"))
    assert incident.organization is None
